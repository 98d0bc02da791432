"""The demo county's 安责险 and 三项岗位人员 (a step of ``yingji.core.framework.demo.load``): a policy for every
enterprise of a mandatory sector but one 烟花爆竹 enterprise left uninsured, one under the 40万元 limit (the
old 30万元), one lapsing in 20 days and one insuring fewer people than it employs; the insurers' prevention
visits; the demo enterprise account's firm and a few others with their 主要负责人, 安全管理人员 and 特种作业人员,
certificates (one expired, one expiring in 45 days) and training hours (one 10 of 16 hours last year); then
the rules run, so the alerts wait in the inboxes.

It draws its numbers from a generator of its own, so every other app's data for a seed stays as it was."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

INSURERS = ["中国人民财产保险股份有限公司浏阳支公司", "中国平安财产保险股份有限公司长沙中心支公司",
            "中华联合财产保险股份有限公司浏阳支公司", "太平洋财产保险股份有限公司长沙中心支公司"]
SPECIAL = [("烟花爆竹安全作业·烟花爆竹产品涉药作业", "药物混合工"), ("电工作业·低压电工作业", "电工"),
           ("焊接与热切割作业·熔化焊接与热切割作业", "焊工"), ("烟花爆竹安全作业·烟花爆竹储存作业", "仓库保管员")]
YEAR = datetime.timedelta(days=365)


def _id_number(rng, born: datetime.date) -> str:
    from yingji.core.directory.codes import id_number_check_char

    first17 = f"430181{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.compliance import alerts, services
    from yingji.compliance.models import Certificate, Policy, PreventionVisit, Training, Worker
    from yingji.core.models import Organization

    rng = random.Random(64)
    today = datetime.date.today()
    account = get_user_model().objects.filter(username="enterprise").select_related("scope_organization").first()
    home = account.scope_organization if account else None
    firms = list(Organization.objects.filter(kind="enterprise").select_related("region").order_by("name"))
    mandatory = [(o, s) for o in firms if (s := services.sector(o)) is not None]
    if not mandatory:
        return
    fireworks = [o for o, s in mandatory if s.code == "fireworks" and o != home]
    chemicals = [o for o, s in mandatory if s.code == "hazardous_chemicals"]
    uninsured = fireworks[1] if len(fireworks) > 1 else None
    low = chemicals[0] if chemicals else None
    lapsing = fireworks[2] if len(fireworks) > 2 else None
    short = fireworks[3] if len(fireworks) > 3 else None
    policies = []
    for n, (org, _s) in enumerate(mandatory, 1):
        if org == uninsured:
            continue
        starts = today - datetime.timedelta(days=rng.randint(20, 300))
        if org == lapsing:
            starts = today + datetime.timedelta(days=20) - YEAR + datetime.timedelta(days=1)
        staff = org.employees or rng.randint(20, 200)
        limit = Decimal("300000") if org == low else Decimal(rng.choice(["400000", "500000", "600000"]))
        policies.append(Policy.objects.create(
            organization=org, region_id=org.region_id, insurer=rng.choice(INSURERS),
            number=f"PZAE{today.year}4301{n:06d}", starts_on=starts, ends_on=starts + YEAR - datetime.timedelta(days=1),
            insured_headcount=staff - 5 if org == short else staff, limit_cny=limit,
            premium_cny=Decimal(staff) * Decimal(rng.choice(["180", "240", "300"]))))
    for p in policies[:10]:
        for _ in range(rng.randint(1, 2)):
            PreventionVisit.objects.create(
                policy=p, visited_on=max(p.starts_on, today - datetime.timedelta(days=rng.randint(5, 150))),
                provider=f"{p.insurer[:6]}安全服务团队", problems=rng.randint(0, 6),
                content=rng.choice(["安全风险辨识评估", "隐患排查", "从业人员安全培训", "应急演练指导"]),
                report="服务情况已书面反馈企业，问题清单随附。")

    staffed = [home] if home else []
    staffed += [o for o, s in mandatory if o != home][:5]
    expired = due45 = shortfall = None
    for org in staffed:
        for post, job in (("principal", "总经理"), ("safety_manager", "安全科长")):
            w = Worker.objects.create(organization=org, region_id=org.region_id, name=ctx.name(), post=post, job=job,
                                      id_number=_id_number(rng, datetime.date(rng.randint(1965, 1990), rng.randint(1, 12),
                                                                              rng.randint(1, 28))))
            issued = datetime.date(today.year - 2, rng.randint(3, 12), rng.randint(1, 28))  # valid 60+ days more
            Certificate.objects.create(worker=w, kind="management", number=f"{rng.randrange(10**11):011d}",
                                       issuer="长沙市应急管理局", issued_on=issued,
                                       expires_on=alerts.add_years(issued, 3))
            hours = 16
            if shortfall is None and org != home:
                hours, shortfall = 10, w
            Training.objects.create(worker=w, year=today.year - 1, kind="refresher", hours=hours,
                                    provider="浏阳市安全生产培训中心", completed_on=datetime.date(today.year - 1, 11, 20))
            Training.objects.create(worker=w, year=today.year, kind="refresher", hours=8,
                                    provider="浏阳市安全生产培训中心")
        for k, (operation, job) in enumerate(SPECIAL[:3]):
            w = Worker.objects.create(organization=org, region_id=org.region_id, name=ctx.name(), post="special", job=job,
                                      id_number=_id_number(rng, datetime.date(rng.randint(1970, 1998), rng.randint(1, 12),
                                                                              rng.randint(1, 28))))
            issued = today - datetime.timedelta(days=rng.randint(100, 1000))
            expires = issued + 6 * YEAR
            if org == home and k == 0:
                expires, expired = today - datetime.timedelta(days=10), w
            elif org == home and k == 1:
                expires, due45 = today + datetime.timedelta(days=45), w
            if expires < issued + 3 * YEAR:
                issued = expires - 6 * YEAR
            review = issued + 3 * YEAR
            Certificate.objects.create(worker=w, kind="special", operation=operation, number=f"T{rng.randrange(10**17):017d}",
                                       issuer="湖南省应急管理厅", issued_on=issued, expires_on=expires,
                                       review_due=review if review > today else expires)

    opened, _ = services.refresh(on=today)
    ctx.facts.append(f"{len(policies)} 份安责险保单")
    parts = [f"安责险与持证：{len(mandatory)} 家应投保企业，{opened} 条预警待处理"]
    if uninsured:
        parts.append(f"{uninsured.name}未投保")
    if low:
        parts.append(f"{low.name}限额30万元低于40万元")
    if lapsing:
        parts.append(f"{lapsing.name}保单20日后到期")
    if shortfall:
        parts.append(f"{shortfall.organization.name}的{shortfall.name}上年培训10学时（应16学时）")
    if home and expired and due45:
        parts.append(f"{home.name}：{expired.name}的操作证已过期、{due45.name}的45日后到期")
    ctx.lines.append("；".join(parts))
