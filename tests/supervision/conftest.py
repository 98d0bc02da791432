"""The supervision tests' county: a published plan, the 名录库 and the inspectors."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import credit
from yingji.core.framework import workflow

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
