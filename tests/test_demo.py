"""The demo county: real divisions, valid identifiers, deterministic, users scoped per role."""

import pytest
from django.test import override_settings

from tests.layers import layer
from yingji.core.directory import codes
from yingji.core.directory import demo as county_demo
from yingji.core.framework import demo
from yingji.core.models import Organization, Person, Region, User


@layer("demo_county")
def load_demo(below, folder):
    roads = str(folder / "roads.geojson")
    with override_settings(ROAD_NETWORK=roads):
        demo.load(seed=2026, log=lambda *_: None)
    return {"road_network": roads}


@pytest.fixture
def demo_county(db, shared_layers, settings):
    """The demo county, loaded once for the tests of this module that use it (a shared layer)."""
    settings.ROAD_NETWORK = shared_layers.get("demo_county", {})["road_network"]  # the road network it wrote


def test_real_division_tree(demo_county):
    county = Region.objects.get(code="430181")
    assert county.name == "浏阳市" and county.parent.name == "长沙市"
    assert Region.objects.filter(level="township", parent=county).count() == 32
    assert Region.objects.filter(level="village").count() == 326
    assert Region.objects.get(code="430181110").name == "大瑶镇"
    for region in Region.objects.exclude(level__in=["province", "city"]):
        region.full_clean()  # codes, parents and geometry all pass the platform's own validation
    assert set(Region.objects.filter(level="township").values_list("geometry_note", flat=True)) == {county_demo.APPROX_NOTE}


def test_populations_add_up(demo_county):
    county = Region.objects.get(code="430181")
    towns = Region.objects.filter(level="township")
    assert abs(sum(t.population for t in towns) - county.population) < 40
    for town in towns[:5]:
        villages = sum(v.population for v in town.children.all())
        assert abs(villages - town.population) <= town.children.count()


def test_organizations_are_valid_and_located_in_their_village(demo_county):
    from shapely.geometry import Point, shape

    orgs = Organization.objects.select_related("region")
    assert 190 <= orgs.count() <= 220
    assert orgs.filter(industry_code="C2672").count() >= 50  # Liuyang fireworks
    for org in orgs:
        assert codes.credit_code_error(org.credit_code) is None
        assert shape(org.region.geometry).contains(Point(org.lon, org.lat))
    assert Person.objects.count() > 1000


def test_deterministic_for_a_seed(demo_county, settings, tmp_path):
    # The first load is the shared one (seed 2026, on an empty database); the second must give the same.
    first = list(Organization.objects.order_by("credit_code").values_list("credit_code", "name", "lon"))
    from auditlog.context import disable_auditlog

    from yingji.core.framework.registry import registries

    # Emptying the county is not under test: without a change-history entry per deleted row (5,000 of them,
    # about half of this test's time), as demo.load itself writes none.
    with disable_auditlog():
        User.objects.all().delete()
        for reg in reversed(registries()):  # dependants were registered after what they depend on
            if reg.model is Region:
                for level in ("village", "township", "county", "city", "province"):
                    Region.objects.filter(level=level).delete()
            else:
                reg.model.objects.all().delete()
    settings.ROAD_NETWORK = str(tmp_path / "roads.geojson")  # the second load writes a road network of its own
    demo.load(seed=2026, log=lambda *_: None)
    assert list(Organization.objects.order_by("credit_code").values_list("credit_code", "name", "lon")) == first


def test_role_users_see_their_scope(demo_county, client):
    from yingji.core.framework.access import restrict

    township = User.objects.get(username="township")
    visible = restrict(Organization.objects.all(), township)
    assert visible.exists() and all(o.region.parent.name == "大瑶镇" for o in visible)
    enterprise = User.objects.get(username="enterprise")
    assert list(restrict(Organization.objects.all(), enterprise)) == [enterprise.scope_organization]
    assert User.objects.get(username="leader").scope_region.code == "430181"
    assert demo.load() == ["演示县已存在，跳过加载（如需重建请删除数据库后重新运行 yingji demo）"]


def test_the_village_account_is_not_shown_the_countys_lists(demo_county):
    """Menus by role and scope (issue 15): the demo village officer sees the lists that hold something
    in the village or that they add to, not the county's experts, plans, warehouses and thresholds."""
    from yingji.core.framework.menu import menu_for

    def labels(username):
        user = User.objects.get(username=username)
        return {item["label"] for group in menu_for(user, "/", {}) for item in group["items"]}

    county_only = {"专家", "应急预案", "储备库", "救援队伍", "避难场所"}
    village, readonly = labels("village"), labels("readonly")
    assert county_only <= readonly and not county_only & village
    assert {"隐患排查治理", "人员通讯录", "行政区划"} <= village  # theirs to add to, or holding their village
    assert "用户与权限" not in village and "用户与权限" in labels("township_admin")


def test_hazards_in_every_state_with_real_logs(demo_county):
    from yingji.core.models import TransitionLog
    from yingji.hazards.choices import State
    from yingji.hazards.models import Hazard

    assert set(Hazard.objects.values_list("state", flat=True)) == set(State.values)
    closed = Hazard.objects.filter(state="closed").first()
    steps = list(TransitionLog.objects.filter(object_id=str(closed.pk)).order_by("at", "id")
                 .values_list("transition", flat=True))
    assert steps == ["verify", "submit", "close"]
    assert Hazard.objects.filter(state="overdue", escalated_at__isnull=False).count() == 5


def test_the_demo_accounts_have_to_dos_and_no_notice_for_each(demo_county):
    from yingji.core.framework import todos
    from yingji.core.models import Notification, User

    township = User.objects.get(username="township")
    assert {t.label for t in todos.for_user(township)} >= {"待整改", "待验收"}
    # 整改措施待复核: the demo accident's measure reported done by 大瑶镇 (yingji.reviews)
    assert {t.label for t in todos.for_user(User.objects.get(username="leader"))} == {"待审核", "待审批", "整改措施待复核"}
    assert todos.count_for(User.objects.get(username="village")) == 0
    assert not Notification.objects.filter(key__startswith="todo-").exists()  # history loaded, not lived


def test_demo_resources_stock_and_road_network(demo_county, settings):
    """Teams, warehouses at three levels with ledger-backed stock, shelters, orders through the real
    workflow, and a connected road network on which every team reaches the county seat by road."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    from yingji.core.models import User
    from yingji.resources import dispatch, stock
    from yingji.resources.models import Shelter, StockLevel, Team, TransferOrder, Warehouse

    assert Team.objects.filter(kind="fire_rescue").count() >= 5 and Team.objects.filter(kind="social").count() == 3
    assert set(Warehouse.objects.values_list("level", flat=True)) == {"county", "township", "village"}
    assert set(Warehouse.objects.values_list("reserve_kind", flat=True)) == {"physical", "agreement", "capacity"}
    for level in StockLevel.objects.select_related("warehouse", "material")[:50]:
        assert level.quantity == stock.ledger_sum(level.warehouse, level.material) >= 0
    assert stock.rotation_due() and stock.low_stock().exists()
    assert Shelter.objects.filter(capacity_people__gt=0).count() == Shelter.objects.count() >= 60
    assert set(TransferOrder.objects.values_list("state", flat=True)) == {"received", "drafted"}
    net = dispatch.road_network()
    assert net is not None and connected_components(net.graph, directed=False)[0] == 1
    staff = User.objects.get(username="staff")
    legs = dispatch.nearest_resources(staff, 113.64, 28.15, kinds=["teams"], n=60)["results"]["teams"]
    assert len(legs) == Team.objects.exclude(readiness="deployed").count()
    assert {leg["method"] for leg in legs} == {"road"} and np.all(np.diff([leg["minutes"] for leg in legs]) >= 0)
    fire = dispatch.coverage_report(staff, "fire5")
    assert 0 < fire.share < 1 and fire.gaps  # a rural county: far villages are gaps, as in real plans


def test_demo_plans_roster_and_incidents(demo_county, client):
    from django.utils import timezone

    from yingji.core.models import TransitionLog
    from yingji.incidents.models import DutyShift, Incident, Plan, PlanLevel
    from yingji.incidents.services import plan_matches

    # (yingji.reviews adds an enterprise's 现场处置方案, overdue for its drill)
    assert {p.name.removeprefix("浏阳市") for p in Plan.objects.exclude(kind="onsite")} == {
        "突发事件总体应急预案", "防汛抗旱应急预案", "危险化学品和烟花爆竹生产安全事故应急预案", "森林火灾应急预案",
        "地质灾害应急预案"}
    for level in PlanLevel.objects.all():
        level.full_clean()  # every trigger rule parses
        assert level.actions.exists()
    now = timezone.now()
    assert DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now).count() == 1
    # The two handled at the duty desk (credit's step adds two closed past accidents with no timeline of their own;
    # the screen's step, past storms' incidents linked in chains, two months ago and more).
    past, current = (Incident.objects.filter(timeline__isnull=False, received_at__gt=now - timezone.timedelta(days=40))
                     .distinct().order_by("received_at"))
    assert past.state == "closed" and current.state == "received"
    kinds = set(past.timeline.values_list("kind", flat=True))
    assert {"intake", "grade", "response", "task", "report", "decision"} <= kinds
    assert past.reports.filter(state="sent").count() == 3 and past.tasks.exclude(state="done").count() == 0
    times = list(past.timeline.values_list("at", flat=True))
    assert times == sorted(times) and times[-1] - times[0] > timezone.timedelta(hours=12)  # a believable day of work
    assert TransitionLog.objects.get(label="结束事件", object_id=str(past.pk)).at < now - timezone.timedelta(days=19)
    # The open landslide matches the geological-disaster plan at Ⅳ (2 rooms destroyed).
    duty = User.objects.get(username="duty")
    plan, match = plan_matches(duty, current)[0]
    assert plan.name == "浏阳市地质灾害应急预案" and match.level == "IV"
    client.force_login(duty)
    assert "中塅村山体滑坡" in client.get("/").content.decode()


def test_every_registry_of_the_demo_re_imports_its_own_export_unchanged(demo_county):
    """What the demo exports, an import takes back as it is: no errors, nothing created or updated
    (team members, tasks and a county brigade's stations in other townships once failed here)."""
    from tests.conftest import make_user
    from yingji.core.framework import services, tabular
    from yingji.core.framework.registry import registries

    admin = make_user("demo-roundtrip", "admin", superuser=True)
    failures = {}
    for reg in registries():
        fields = tabular.tabular_fields(reg)
        rows = tabular.export_rows(reg, reg.queryset(admin), fields)
        if not rows:
            continue
        result = services.import_file(admin, reg, "导出.xlsx", tabular.write_xlsx(reg, rows, fields))
        if not result.ok or result.created or result.updated:
            failures[reg.slug] = (result.errors[:3], result.created, result.updated)
    assert not failures, failures


def test_the_disaster_demo(demo_county):
    """A past flood with its whole chain (初报 → 续报 ×2 → 核报) over three townships, named lists, one
    township late; an open landslide whose 初报 clock is running."""
    from django.utils import timezone

    from yingji.disasters.models import DisasterDeadline, DisasterEvent

    flood = DisasterEvent.objects.get(disaster_type="flood", received_from="")
    assert flood.state == "closed"
    chain = list(flood.reports.filter(level="county").order_by("sequence").values_list("kind", "state"))
    assert chain == [("initial", "submitted"), ("followup", "submitted"), ("followup", "submitted"),
                     ("final", "submitted")]
    assert set(flood.townships.values_list("name", flat=True)) == {"大瑶镇", "永安镇", "官渡镇"}
    assert flood.casualties.count() == 2 and flood.households.exists()
    late = [d.key for d in flood.deadlines.filter(key__startswith="township:") if d.done_at > d.due_at]
    assert late == ["township:官渡镇"]
    slide = DisasterEvent.objects.get(disaster_type="landslide")
    clock = DisasterDeadline.objects.get(event=slide, key="initial:county")
    assert clock.done_at is None and clock.due_at > timezone.now() - timezone.timedelta(hours=1)


def test_the_relief_demo(demo_county):
    """The past flood's 生活救助: an example table of standards, one batch paid and signed with quilts
    from the county's store (tying out), one waiting for 审批, the hours board with its late ones."""
    from django.contrib.auth import get_user_model

    from yingji.disasters.models import DisasterEvent
    from yingji.relief import services
    from yingji.relief.models import ReliefBatch, ReliefItem
    from yingji.resources.models import StockMovement

    flood = DisasterEvent.objects.get(disaster_type="flood", received_from="")
    assert ReliefItem.objects.filter(example=True).count() == 6
    done, pending = ReliefBatch.objects.filter(event=flood).order_by("id")[:2]  # the donations step adds a third
    assert done.state == "done" and not done.lines.filter(signed_at__isnull=True).exists()
    assert services.tie_out(done) == [] and done.households == 11
    assert StockMovement.objects.filter(reference=done.number).get().delta == -22
    assert pending.state == "reviewed" and pending.households == 4
    board = services.hours_board(get_user_model().objects.get(username="staff"), flood)
    assert board["households"] == 11 and board["late"] == 3


def test_demo_requisitioned_excavator_returned_and_compensated(demo_county):
    from yingji.requisition.models import ReadyItem, Requisition

    r = Requisition.objects.select_related("item", "event").get(item__name__startswith="挖掘机")
    assert r.state == "compensated" and r.event.disaster_type == "flood" and r.condition == "damaged"
    # 4 started days at the county's example rate: 1500 × 4 + one operator 300 × 4 + repair 3200
    assert r.compensation_detail["days"] == 4 and r.compensation_cny == r.paid_cny == 10400
    assert r.uses.count() == 4 and r.voucher_number and ReadyItem.objects.count() >= 3


def test_the_donations_demo(demo_county):
    """The past flood's donations: a company's water checked into the county store under its receipt
    number and issued with a relief batch to villages, a person's money part allocated and used (tying
    out), one refused lot, and the disclosure calendar with an overdue disclosure in the to-dos."""
    from yingji.core.framework.models import ToDo
    from yingji.donations import services
    from yingji.donations.models import Campaign, DonationLot

    campaign = Campaign.objects.get()
    goods, cash, refused = DonationLot.objects.filter(campaign=campaign).order_by("id")
    trace = services.trace(goods.number)
    assert trace["donor"] == goods.donor_name and trace["batches"] and trace["batches"][0]["villages"]
    assert cash.kind == "money" and services.trace(cash.number)["donor"] == "爱心人士"
    assert refused.state == "refused" and refused.refused_reason
    t = services.tie_out(campaign)
    assert t["received"] == t["allocated"] + t["unallocated"] and t["problems"] == [] and t["used"] > 0
    due = campaign.disclosures.filter(state="due", kind="emergency").get()
    assert ToDo.objects.filter(object_id=str(due.pk), closed_at__isnull=True).exists()
