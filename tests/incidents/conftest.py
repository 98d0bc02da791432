import datetime

import pytest
from django.utils import timezone

from tests.conftest import credit, make_user


@pytest.fixture
def dept(tree):
    from yingji.core.models import Organization

    return Organization.objects.create(credit_code=credit(900, "11430181"), name="浏阳市消防救援大队",
                                       kind="government", region=tree["county"])


@pytest.fixture
def duty(users, tree):
    return make_user("duty", "duty", region=tree["county"])


@pytest.fixture
def dept_user(dept, users):
    return make_user("fire", "social_force", organization=dept)


@pytest.fixture
def plan(tree, dept):
    """A county 危化品 plan: Ⅳ on anyone dead, missing or trapped; Ⅲ on 3 dead or missing."""
    from yingji.incidents.models import Plan, PlanAction, PlanLevel

    plan = Plan.objects.create(name="危化品事故应急预案", kind="special", event_types="21400,21500",
                               region=tree["county"], approved_on=datetime.date(2024, 1, 10))
    iv = PlanLevel.objects.create(plan=plan, level="IV", conditions=[
        {"figure": "deaths_missing", "op": ">=", "value": 1}, {"figure": "trapped", "op": ">=", "value": 1}])
    iii = PlanLevel.objects.create(plan=plan, level="III", conditions=[
        {"figure": "deaths_missing", "op": ">=", "value": 3}])
    PlanAction.objects.create(plan_level=iv, group="抢险救援组", department=dept, action="调派救援力量", within_minutes=20,
                              position=1)
    PlanAction.objects.create(plan_level=iv, group="综合协调组", department_name="县应急管理局", action="派工作组赶赴现场",
                              within_minutes=30, position=2)
    PlanAction.objects.create(plan_level=iii, group="专家组", department_name="县应急管理局", action="调集危化品专家",
                              within_minutes=60, position=1)
    return plan


@pytest.fixture
def make_incident(tree, orgs, duty):
    from yingji.incidents import services
    from yingji.incidents.models import Incident

    def make(**kw):
        now = timezone.now()
        fields = dict(title="大瑶花炮厂爆炸", event_type="21500", occurred_at=now - datetime.timedelta(minutes=20),
                      received_at=now, address="大瑶村", region=tree["va"], organization=orgs["a"],
                      description="工房爆炸", trapped=1)
        fields.update(kw)
        return services.intake(kw.pop("user", duty), Incident(**fields))

    return make
