"""A team's readiness follows from its dispatches (issue 14, point 2a): 出动 exactly while a dispatch
of it is open, 休整 when it comes back; nobody sets or clears 出动 by hand — not on the page form,
not through the API, not by import — and a team that is out cannot be sent again."""

import csv
import io

import pytest
from auditlog.models import LogEntry

from tests.incidents.test_concurrency import ROUNDS, needs_postgres, together
from tests.roads import LAT
from yingji.core.framework import services as core_services
from yingji.core.framework import workflow
from yingji.core.framework.operations import Conflict
from yingji.core.framework.registry import get_registry
from yingji.incidents import services
from yingji.incidents.models import TeamDispatch
from yingji.resources.models import Team

OUT = "队伍正在执行调派（已派出（途中）），战备状态为“出动”，随调派变化：撤离后转为休整，之后才能修改"
NOT_BY_HAND = "“出动”由调派产生，不能手工设置：请在事件态势图上调派队伍，撤离后自动转为休整"


@pytest.fixture
def team(tree):
    return Team.objects.create(name="大瑶消防站", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT, members=20)


@pytest.fixture
def sent(make_incident, duty, team):
    """The team out on a dispatch (en route)."""
    return services.dispatch_team(duty, make_incident(), team, 12)


def readiness(team) -> str:
    return Team.objects.values_list("readiness", flat=True).get(pk=team.pk)


def form(team, **changes):
    return {"name": team.name, "kind": team.kind, "region": team.region.code, "members": team.members,
            "readiness": readiness(team), **changes}


def team_csv(*rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["队伍名称", "队伍类型", "所属区划", "队员人数", "战备状态"], *rows])
    return out.getvalue().encode("utf-8-sig")


# ---- readiness after dispatch and after return ---------------------------------------------------

def test_dispatch_makes_the_team_out_and_withdrawal_brings_it_back_to_rest(make_incident, duty, users, team):
    incident = make_incident()
    assert readiness(team) == "standby"
    sent = services.dispatch_team(duty, incident, team, 12)
    assert readiness(team) == "deployed" == team.readiness  # the caller's copy is refreshed too
    change = LogEntry.objects.get_for_object(team).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == duty and change.changes_dict["readiness"] == ["standby", "deployed"]

    workflow.apply(duty, sent, "arrive")
    assert readiness(team) == "deployed"
    workflow.apply(users["leader"], sent, "withdraw")
    assert readiness(team) == "resting"
    assert LogEntry.objects.get_for_object(team).filter(actor=users["leader"], changes__icontains="resting").exists()

    # Back and rested: its people set 待命 by hand, and it can be sent again.
    client = users["admin"]
    team.refresh_from_db()
    team.readiness = "standby"
    core_services.save_instance(client, team)
    assert readiness(team) == "standby"
    services.dispatch_team(duty, incident, team)
    assert readiness(team) == "deployed" and team.dispatches.open().count() == 1


def test_without_an_open_dispatch_a_person_sets_standby_or_resting(team, api):
    rest = api("admin")
    for state in ("resting", "standby"):
        answer = rest.patch(f"/api/teams/{team.pk}/", {"readiness": state}, format="json")
        assert answer.status_code == 200 and readiness(team) == state


# ---- hand edits during a dispatch are refused -----------------------------------------------------

def test_the_page_form_cannot_clear_the_readiness_of_a_team_that_is_out(sent, team, web):
    client = web("admin")
    for state in ("standby", "resting"):
        page = client.post(f"/registry/teams/{team.pk}/edit/", form(team, readiness=state, members=25))
        assert page.status_code == 400 and page.context["form"].errors["readiness"] == [OUT]
    offered = client.get(f"/registry/teams/{team.pk}/edit/").context["form"]["readiness"]
    assert [c.data["label"] for c in offered.subwidgets if c.data["value"]] == ["出动"]  # shown, as it is
    assert readiness(team) == "deployed" and Team.objects.get(pk=team.pk).members == 20  # nothing saved
    # Other fields may still be corrected while it is out; the readiness stays 出动.
    assert client.post(f"/registry/teams/{team.pk}/edit/", form(team, members=25)).status_code == 302
    assert (readiness(team), Team.objects.get(pk=team.pk).members) == ("deployed", 25)


def test_the_page_form_cannot_set_a_team_out_by_hand(team, web):
    client = web("admin")
    offered = client.get(f"/registry/teams/{team.pk}/edit/").context["form"]["readiness"]
    assert [c.data["label"] for c in offered.subwidgets if c.data["value"]] == ["待命", "休整"]  # no 出动 to pick
    page = client.post(f"/registry/teams/{team.pk}/edit/", form(team, readiness="deployed"))
    assert page.status_code == 400 and page.context["form"].errors["readiness"] == [NOT_BY_HAND]
    new = client.post("/registry/teams/new/", form(team, name="新建队伍", readiness="deployed"))
    assert new.status_code == 400 and new.context["form"].errors["readiness"] == [NOT_BY_HAND]
    assert readiness(team) == "standby" and not Team.objects.filter(name="新建队伍").exists()


def test_an_api_patch_cannot_clear_or_set_out_by_hand(sent, team, tree, api):
    rest = api("admin")
    cleared = rest.patch(f"/api/teams/{team.pk}/", {"readiness": "standby"}, format="json")
    assert cleared.status_code == 400 and cleared.json()["readiness"] == [OUT]
    assert readiness(team) == "deployed"
    assert rest.patch(f"/api/teams/{team.pk}/", {"phone": "0731-83612345"}, format="json").status_code == 200
    assert readiness(team) == "deployed"

    other = Team.objects.create(name="金刚镇应急队", kind="township", region=tree["b"], lon=113.9, lat=LAT)
    out = rest.patch(f"/api/teams/{other.pk}/", {"readiness": "deployed"}, format="json")
    assert out.status_code == 400 and out.json()["readiness"] == [NOT_BY_HAND]
    created = rest.post("/api/teams/", {"name": "新建队伍", "kind": "grassroots", "region": tree["b"].code,
                                        "readiness": "deployed"}, format="json")
    assert created.status_code == 400 and created.json()["readiness"] == [NOT_BY_HAND]
    assert readiness(other) == "standby" and not Team.objects.filter(name="新建队伍").exists()


def test_an_import_cannot_clear_or_set_out_by_hand_and_changes_nothing(sent, team, tree, users):
    reg = get_registry("teams")
    result = core_services.import_file(users["admin"], reg, "队伍.csv", team_csv(
        [team.name, "综合性消防救援", "430181110001", 30, "待命"],
        ["金刚镇应急队", "基层“一队多用”", "430181111001", 8, "出动"]))
    assert result.errors == [f"第 2 行, 战备状态: {OUT}", f"第 3 行, 战备状态: {NOT_BY_HAND}"]
    assert readiness(team) == "deployed" and Team.objects.get(pk=team.pk).members == 20
    assert not Team.objects.filter(name="金刚镇应急队").exists()
    # The same team with its readiness as it is: the other columns are taken.
    ok = core_services.import_file(users["admin"], reg, "队伍.csv", team_csv(
        [team.name, "综合性消防救援", "430181110001", 30, "出动"]))
    assert ok.errors == [] and ok.updated == 1
    assert (readiness(team), Team.objects.get(pk=team.pk).members) == ("deployed", 30)


# ---- a team that is out cannot be sent again -------------------------------------------------------

def test_a_team_out_is_refused_a_second_dispatch_with_a_409(sent, team, duty, make_incident, client):
    other = make_incident(title="另一起事件")
    client.force_login(duty)
    again = client.post(f"/api/incidents/{other.pk}/dispatch-team/", {"team": team.pk})  # the map's 派出
    assert again.status_code == 409 and again.json() == {"detail": "大瑶消防站已出动，不能重复调派"}
    page = client.post(f"/incidents/{other.pk}/dispatch-team/", {"team": team.pk})  # the operation's page
    assert page.status_code == 409 and "大瑶消防站已出动，不能重复调派" in page.content.decode()
    assert TeamDispatch.objects.filter(team=team).count() == 1


def test_the_open_dispatch_decides_even_if_the_stored_readiness_was_forced(sent, team, duty, make_incident):
    """The reviewer's case: the team's row said 待命 during a dispatch. Whatever the row says — here
    written straight to the table, past every service — the open dispatch refuses a second one, and
    the team's next save puts 出动 back."""
    Team.objects.filter(pk=team.pk).update(readiness="standby")
    with pytest.raises(Conflict, match="大瑶消防站已出动，不能重复调派"):
        services.dispatch_team(duty, make_incident(title="另一起事件"), Team.objects.get(pk=team.pk))
    assert TeamDispatch.objects.filter(team=team).count() == 1
    Team.objects.get(pk=team.pk).save()
    assert readiness(team) == "deployed"


def test_a_copy_read_before_a_dispatch_opened_or_closed_cannot_undo_it(team, duty, users, make_incident):
    """A form validated a moment before the dispatch (or the withdrawal) saves a copy of the team
    holding the old readiness: the save takes the team's dispatches as they are now."""
    before = Team.objects.get(pk=team.pk)  # 待命
    sent = services.dispatch_team(duty, make_incident(), team)
    before.members = 21
    before.save()
    assert readiness(team) == "deployed" and Team.objects.get(pk=team.pk).members == 21

    during = Team.objects.get(pk=team.pk)  # 出动
    workflow.apply(users["leader"], sent, "withdraw")
    during.save()
    assert readiness(team) == "resting"


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_a_hand_edit_racing_a_dispatch_or_a_withdrawal_leaves_readiness_as_the_dispatches_say(team, duty, users,
                                                                                             make_incident):
    for _ in range(ROUNDS):
        TeamDispatch.objects.filter(team=team).update(state="withdrawn")
        Team.objects.filter(pk=team.pk).update(readiness="standby")
        incident, stale = make_incident(), Team.objects.get(pk=team.pk)  # a form read before the dispatch
        results = together(lambda i=incident: services.dispatch_team(duty, i, Team.objects.get(pk=team.pk)),
                           stale.save)
        assert results == ["ok", "ok"] and readiness(team) == "deployed"

        sent, stale = team.dispatches.open().get(), Team.objects.get(pk=team.pk)  # read while it is out
        results = together(lambda s=sent: workflow.apply(users["leader"], s, "withdraw"), stale.save)
        assert results == ["ok", "ok"] and readiness(team) == "resting"
