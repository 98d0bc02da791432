"""The supervision tests' county (a published plan, the 名录库 and the inspectors) and the cases half's
fixtures (a legal officer, a case moved along its workflow)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import credit, make_user
from yingji.core.framework import workflow
from yingji.supervision import caseservices

YEAR = timezone.localdate().year


@pytest.fixture
def county(tree, orgs, users):
    """A published plan with one item (cap 2 per enterprise per year), its matter's three checklist points,
    twelve fireworks enterprises in the 名录库 (orgs a and b among them: a is a key enterprise), six
    inspectors of the bureau — one with an expired certificate, one declaring a relation to org b."""
    from yingji.core.models import Organization, Person
    from yingji.supervision.models import (
        ConflictOfInterest,
        InspectionMatter,
        InspectionObject,
        InspectionPlan,
        Inspector,
        PlanItem,
    )

    bureau = Organization.objects.create(credit_code=credit(900, "11430181"), name="浏阳市应急管理局",
                                         kind="government", region=tree["county"])
    extra = [Organization.objects.create(credit_code=credit(100 + n), name=f"样例花炮厂{n:02d}", region=tree["va"],
                                         industry_code="C2672") for n in range(10)]
    objects = {}
    for org in [orgs["a"], orgs["b"], *extra]:
        objects[org.pk] = InspectionObject.objects.create(organization=org, region=org.region,
                                                          enterprise_class="fireworks", is_key=org == orgs["a"])
    matter = InspectionMatter.objects.create(code="T-01", name="烟花爆竹生产企业安全检查",
                                             basis="《中华人民共和国安全生产法》第六十二条第二款", content="工房定员定量等",
                                             checklist="工房定员定量\n防静电设施完好\n\n隐患排查台账", region=tree["county"])
    plan = InspectionPlan.objects.create(year=YEAR, title="测试年度计划", unit=bureau, region=tree["county"])
    item = PlanItem.objects.create(plan=plan, matter=matter, random_total=6, frequency_per_year=1, cap_per_year=2,
                                   unit=bureau)
    item.key_objects.set([objects[orgs["a"].pk]])
    workflow.apply(users["staff"], plan, "publish")
    inspectors = []
    for n in range(6):
        person = Person.objects.create(name=f"执法员{n}", mobile=f"1390000{n:04d}", region=tree["county"],
                                       organization=bureau)
        expires = datetime.date(YEAR - 1, 12, 31) if n == 5 else datetime.date(YEAR + 3, 1, 1)
        inspectors.append(Inspector.objects.create(person=person, unit=bureau, region=tree["county"],
                                                   certificate_number=f"ZF{n:03d}", certificate_expires=expires))
    ConflictOfInterest.objects.create(inspector=inspectors[0], enterprise=orgs["b"], relation="relative")
    plan.refresh_from_db()
    return {"bureau": bureau, "plan": plan, "item": item, "matter": matter, "inspectors": inspectors,
            "objects": objects, "extra": extra}


@pytest.fixture
def legal(users, tree):
    return make_user("legal_officer", "legal", region=tree["county"])


@pytest.fixture
def open_case(users, orgs):
    def make(org="a", **kw):
        return caseservices.open_case(users["staff"], cause=kw.pop("cause", "未按照规定对从业人员进行安全生产教育和培训案"),
                                      facts=kw.pop("facts", "该单位 3 名新入职装药工未经三级安全教育即上岗作业。"),
                                      region=orgs[org].region, organization=orgs[org], **kw)
    return make


@pytest.fixture
def notified_case(users, open_case):
    """A case told to its party: investigated, with its discretion and an 询问笔录. ``fine`` in yuan
    under 第九十七条 (overdue: 10万–20万; else up to 10万)."""
    def make(fine="10000", overdue=False, **kw):
        staff = users["staff"]
        case = open_case(**kw)
        workflow.apply(staff, case, "investigate")
        caseservices.set_discretion(staff, case, entry="AQSCF-97-3", answers={"overdue": overdue},
                                    fine_cny=Decimal(fine))
        caseservices.record_interview(staff, case, person="李四", position="安全员", place="该厂办公室",
                                      record="问：新员工是否经过培训？\n答：没有。")
        workflow.apply(staff, case, "notify")
        case.refresh_from_db()
        return case
    return make
