"""The demo county's enforcement cases: three cases in different states, moved through the real
workflow so their papers, numbers and logs are real (called at the end of demo.load), and the legal
office's account."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal


def load(ctx) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from yingji.core.framework import workflow
    from yingji.core.models import Organization, Region, User
    from yingji.supervision import caseservices
    from yingji.supervision.casechoices import DocKind
    from yingji.supervision.models import Finding

    staff, leader = User.objects.get(username="staff"), User.objects.get(username="leader")
    county = Region.objects.filter(level="county").order_by("code").first()
    legal = User(username="legal", first_name="法制审核员", scope_region=county)
    legal.set_password(getattr(ctx, "password", "") or secrets.token_hex(8))
    legal.save()
    legal.groups.add(Group.objects.get(name="legal"))
    if getattr(ctx, "accounts", None) is not None:
        ctx.accounts.append("法制审核账号：legal（密码同上）")

    def interview(case, person):
        caseservices.record_interview(staff, case, person=person, position="安全负责人", place="该单位办公室",
                                      record="问：你单位是否对新入职人员进行了三级安全教育？\n答：没有，只讲了操作要领。")

    def serve(case):
        doc = case.document(DocKind.DECISION)
        caseservices.record_service(staff, doc, method="direct", served_at=timezone.now(), served_to=case.party_name,
                                    served_by="执法大队 2 人", receipt="法定代表人当场签收")

    # 1. From a finding of an on-site check, under investigation.
    finding = Finding.objects.filter(description__contains="隐患排查治理台账").first() or Finding.objects.first()
    if finding is not None:
        first = caseservices.open_case_from_finding(finding, staff, cause="未建立事故隐患排查治理制度案")
    else:
        org = Organization.objects.filter(kind="enterprise").order_by("name").first()
        first = caseservices.open_case(staff, cause="未建立事故隐患排查治理制度案", facts="近三个月未建立隐患排查治理台账。",
                                       region=org.region, organization=org)
    workflow.apply(staff, first, "investigate", comment="调取台账、询问安全负责人")
    caseservices.set_discretion(staff, first, entry="AQSCF-101-5", answers={"overdue": False}, fine_cny=Decimal("30000"))
    interview(first, "王建国")

    enterprises = list(Organization.objects.filter(kind="enterprise").exclude(pk=first.organization_id)
                       .order_by("name")[:2])
    # 2. Decided and served, waiting for the fine to be paid.
    second = caseservices.open_case(staff, cause="未按照规定对从业人员进行安全生产教育和培训案", region=enterprises[0].region,
                                    organization=enterprises[0], facts="5 名新入职包装工未经安全生产教育和培训即上岗作业。")
    workflow.apply(staff, second, "investigate")
    caseservices.set_discretion(staff, second, entry="AQSCF-97-3", answers={"overdue": False}, fine_cny=Decimal("20000"))
    interview(second, "李红")
    workflow.apply(staff, second, "notify")
    caseservices.record_statement(staff, second, statement="我单位已于次日组织补训，请求从轻处罚。")
    workflow.apply(leader, second, "decide")
    serve(second)

    # 3. Above the thresholds: reviewed, discussed, decided, paid and closed.
    third = caseservices.open_case(staff, cause="特种作业人员未取得相应资格上岗作业案", region=enterprises[1].region,
                                   organization=enterprises[1],
                                   facts="责令限期改正后，2 名电焊工仍未取得特种作业操作证上岗作业。")
    workflow.apply(staff, third, "investigate")
    caseservices.set_discretion(staff, third, entry="AQSCF-97-7", answers={"overdue": True}, fine_cny=Decimal("120000"),
                                other_penalty="责令停产停业整顿")
    interview(third, "赵刚")
    workflow.apply(staff, third, "notify")
    caseservices.record_statement(staff, third, statement="对事实无异议，不要求听证。")
    workflow.apply(staff, third, "submit_review")
    workflow.apply(legal, third, "review_pass", comment="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当")
    workflow.apply(leader, third, "discuss", comment="局务会集体讨论，同意按拟处罚意见作出决定")
    workflow.apply(leader, third, "decide")
    serve(third)
    workflow.apply(staff, third, "execute", comment=f"罚款已于 {datetime.date.today():%Y-%m-%d} 缴纳，缴款书号 4301810012")
    workflow.apply(leader, third, "close")
    ctx.facts.append("3 件执法案件")
