"""Two commanders acting on the same incident at the same moment (issue 13, point 10).

The services take the check and the write under the incident's row lock, and partial unique
constraints (one active response per incident and plan, one open dispatch per team) are the backstop.
The threaded tests need PostgreSQL's row locks; SQLite serialises every write anyway, so there
only the sequential and backstop tests run."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from yingji.core.framework.operations import Conflict
from yingji.core.framework.statemachine import TransitionError
from yingji.incidents import services
from yingji.incidents.models import Response, Task, TeamDispatch, TimelineEntry
from yingji.resources.models import Team

ROUNDS = 5
needs_postgres = pytest.mark.skipif(
    "not __import__('django.db').db.connection.vendor == 'postgresql'",
    reason="row locks (SELECT … FOR UPDATE) and real concurrent transactions need PostgreSQL; SQLite serialises writes")


def together(*calls):
    """Run the calls in threads released at one barrier; each result is "ok" or the refusal's text."""
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            call()
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = "；".join(exc.messages)
        except TransitionError as exc:
            results[i] = str(exc)
        except Exception as exc:  # an IntegrityError here is the 500 the issue reports
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def team(tree):
    return Team.objects.create(name="大瑶镇应急救援队", kind="township", region=tree["a"], members=20,
                               lon=113.79, lat=27.99)


# ---- activation ---------------------------------------------------------------------------------

def test_activating_a_plan_already_active_is_refused_and_issues_nothing(make_incident, plan, duty, users):
    incident = make_incident()
    services.activate(duty, incident, plan, "IV")
    tasks = Task.objects.count()
    with pytest.raises(Conflict, match="已按《危化品事故应急预案》启动响应，请调整级别而不是重复启动"):
        services.activate(users["leader"], incident, plan, "IV")
    assert Response.objects.filter(incident=incident, state="active").count() == 1
    assert Task.objects.count() == tasks


def test_the_database_refuses_a_second_active_response_of_the_same_plan(make_incident, plan, duty):
    incident = make_incident()
    first = services.activate(duty, incident, plan, "IV")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(incident=incident, plan=plan, level="III")
    first.state = "ended"  # once ended, the plan may be activated again
    first.save(update_fields=["state"])
    assert services.activate(duty, incident, plan, "III").state == "active"


def test_a_response_slipped_in_between_check_and_write_gets_the_same_refusal(make_incident, plan, duty, users,
                                                                           monkeypatch):
    """The backstop: if another writer commits between the check and the insert, the constraint's
    IntegrityError becomes the clear refusal, not a 500, and nothing of the second activation stays."""
    incident = make_incident()
    create = Response.objects.create

    def create_after_a_rival(**kw):
        create(incident=kw["incident"], plan=kw["plan"], level="IV", started_by=users["leader"])
        return create(**kw)

    monkeypatch.setattr(Response.objects, "create", create_after_a_rival)
    with pytest.raises(Conflict, match="请调整级别而不是重复启动"):
        services.activate(duty, incident, plan, "IV")
    assert not Response.objects.filter(incident=incident).exists()  # all of it rolled back
    assert not Task.objects.filter(incident=incident).exists()


@pytest.mark.django_db(transaction=True)
@needs_postgres
@pytest.mark.parametrize("already_responding", [False, True], ids=["new incident", "responding under another plan"])
def test_leader_and_duty_officer_activating_at_once_start_one_response(make_incident, plan, duty, users, tree,
                                                                       already_responding):
    from yingji.incidents.models import Plan

    general = Plan.objects.create(name="总体应急预案", kind="general", region=tree["county"], approved_on="2024-01-01")
    for _ in range(ROUNDS):
        incident = make_incident()
        if already_responding:
            services.activate(duty, incident, general, "IV")
        results = together(lambda i=incident: services.activate(users["leader"], i, plan, "IV"),
                           lambda i=incident: services.activate(duty, i, plan, "IV"))
        assert sorted(results) == ["ok", "已按《危化品事故应急预案》启动响应，请调整级别而不是重复启动"]
        assert Response.objects.filter(incident=incident, plan=plan, state="active").count() == 1
        assert Task.objects.filter(incident=incident, response__plan=plan).count() == 2  # the Ⅳ checklist, once
        assert TimelineEntry.objects.filter(incident=incident, kind="response", text__contains="危化品").count() == 1
        incident.refresh_from_db()
        assert incident.state == "responding"


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_raising_the_level_at_once_issues_that_levels_tasks_once(make_incident, plan, duty, users):
    """调整级别 goes through workflow.apply, which locks the response row: checked, and it holds."""
    from yingji.core.framework import workflow

    for _ in range(ROUNDS):
        incident = make_incident()
        response = services.activate(duty, incident, plan, "IV")
        results = together(
            lambda r=response: workflow.apply(users["leader"], r, "adjust", inputs={"level": "III", "reason": "3 人遇难"}),
            lambda r=response: workflow.apply(duty, r, "adjust", inputs={"level": "III", "reason": "3 人遇难"}))
        assert sorted(results) == ["ok", "当前已是Ⅲ级响应"]
        assert Task.objects.filter(response=response, title="调集危化品专家").count() == 1


# ---- team dispatch --------------------------------------------------------------------------------

def test_dispatching_a_team_already_out_is_refused(make_incident, duty, users, team):
    services.dispatch_team(duty, make_incident(), team, 12)
    assert team.readiness == "deployed"
    with pytest.raises(Conflict, match="大瑶镇应急救援队已出动，不能重复调派"):
        services.dispatch_team(users["leader"], make_incident(), Team.objects.get(pk=team.pk))


def test_a_stale_team_record_cannot_send_the_team_twice(make_incident, duty, users, team):
    """The caller's copy still says 待命 (the map was loaded before the first dispatch): the service
    reads the team under its lock, not the caller's copy."""
    stale = Team.objects.get(pk=team.pk)
    services.dispatch_team(duty, make_incident(), team, 12)
    with pytest.raises(Conflict, match="已出动，不能重复调派"):
        services.dispatch_team(users["leader"], make_incident(), stale)
    assert TeamDispatch.objects.filter(team=team).count() == 1


def test_the_database_refuses_a_second_open_dispatch_of_a_team(make_incident, duty, team):
    incident = make_incident()
    sent = services.dispatch_team(duty, incident, team)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamDispatch.objects.create(incident=incident, team=team)
    TeamDispatch.objects.filter(pk=sent.pk).update(state="withdrawn")
    Team.objects.filter(pk=team.pk).update(readiness="resting")
    assert services.dispatch_team(duty, incident, team).state == "en_route"  # once withdrawn, it may go again


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_two_commanders_sending_the_same_team_at_once_send_it_once(make_incident, duty, users, team):
    for _ in range(ROUNDS):
        Team.objects.filter(pk=team.pk).update(readiness="standby")
        TeamDispatch.objects.filter(team=team).update(state="withdrawn")
        first, second = make_incident(), make_incident()
        results = together(lambda i=first: services.dispatch_team(users["leader"], i, Team.objects.get(pk=team.pk)),
                           lambda i=second: services.dispatch_team(duty, i, Team.objects.get(pk=team.pk)))
        assert sorted(results) == ["ok", "大瑶镇应急救援队已出动，不能重复调派"]
        assert TeamDispatch.objects.filter(team=team).exclude(state="withdrawn").count() == 1
        assert TimelineEntry.objects.filter(kind="dispatch", incident__in=[first, second]).count() == 1
