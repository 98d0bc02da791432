"""The demo county's credit (a step of ``yingji.core.framework.demo.load``): one enterprise with two past
较大 accidents eight months apart (closed incidents of the platform), the rules run, and the one proposal
they make waiting on the bureau (拟列入, with its facts); then every enterprise's credit class, written
into the 名录库."""

from __future__ import annotations

import datetime


def load(ctx) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.credit import services
    from yingji.incidents.models import Incident

    staff = get_user_model().objects.get(username="staff")
    firm = next((o for o in ctx.orgs if o.kind == "enterprise"), None)
    if firm is None:
        return
    now = timezone.now()
    for months_ago, deaths, what in ((10, 3, "药物混合工房爆炸事故"), (2, 4, "成品仓库燃爆事故")):
        at = now - datetime.timedelta(days=30 * months_ago)
        Incident.objects.create(
            title=f"{firm.name}{what}", event_type="21500", occurred_at=at, received_at=at + datetime.timedelta(minutes=20),
            address=getattr(firm, "address", "") or f"{firm.region.name}{firm.name}", region=firm.region, organization=firm,
            source="phone", reporter="企业安全员", deaths=deaths, injured=1, state="closed",
            description=f"{what}，造成 {deaths} 人死亡。（演示数据：已结案的历史事故）")
    made = services.propose(staff)
    services.refresh_classes()
    ctx.facts.append(f"{len(made)} 条失信名单建议")
    if made:
        ctx.lines.append(f"安全生产信用：{firm.name} 12个月内发生2起较大事故，规则已提出列入建议 {made[0].number}（待告知）")
