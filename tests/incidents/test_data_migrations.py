"""The data migrations, run on a database from before them: one trip back and forward for all of them.

Each data migration turns rows written under an older schema into what today's code expects. Going back
to before it reverts every later migration of every app that depends on it, and each trip back and
forward re-renders the whole project's model states (about a minute on PostgreSQL, more with each app):
so the cases share one trip. The database is taken back to the earliest point any case needs — core
before 0006, risk before 0005, resources before 0003, incidents before 0005 — each case writes its old
rows with the models of that state, the project migrates to today, and each case checks its rows.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.test import APIClient

from yingji.core.models import Notification
from yingji.incidents import services
from yingji.incidents.models import Incident, Response, TeamDispatch
from yingji.resources.models import Team

BEFORE = [("core", "0005_importjob"), ("risk", "0004_vulnerabletarget"),
          ("resources", "0002_dispatch_and_social_forces"), ("incidents", "0004_incident_affected_area")]


def notification_levels(old, tree, orgs, users, **_):
    """core 0006: the levels used before the choices were fixed get the level they meant."""
    Old = old.get_model("core", "Notification")
    ids = {level: Old.objects.create(user_id=users["leader"].pk, title=level or "空", level=level).pk
           for level in ("danger", "urgent", "warning", "info", "bogus", "")}

    def check():
        after = dict(Notification.objects.filter(pk__in=ids.values()).values_list("pk", "level"))
        assert {level: after[pk] for level, pk in ids.items()} == {
            "danger": "urgent", "urgent": "urgent", "warning": "warning", "info": "info", "bogus": "info", "": "info"}
    return check


def band_schemes(old, tree, **_):
    """risk 0005: stored band bounds become band schemes that grade as before."""
    from yingji.risk import scoring
    from yingji.risk.models import RiskBandSetting

    Old = old.get_model("risk", "RiskBandSetting")
    lec = Old.objects.create(region_id=tree["county"].pk, method="lec", major_bound=240, high_bound=120,
                             moderate_bound=50, basis="某省指南").pk
    matrix = Old.objects.create(region_id=tree["county"].pk, method="matrix", major_bound=16, high_bound=12,
                                moderate_bound=6, basis="").pk

    def check():
        lec_, matrix_ = RiskBandSetting.objects.get(pk=lec), RiskBandSetting.objects.get(pk=matrix)
        assert lec_.display_bands() == "> 240 重大风险（红）；≥ 120 较大风险（橙）；≥ 50 一般风险（黄）；< 50 低风险（蓝）"
        assert matrix_.display_bands() == "≥ 16 重大风险（红）；≥ 12 较大风险（橙）；≥ 6 一般风险（黄）；< 6 低风险（蓝）"
        assert (lec_.basis, matrix_.basis) == ("某省指南", "（迁移前未填写依据）") and lec_.effective_from is not None
        # the grading they gave before: the old engine's edges (LEC 重大 "> bound", everything else "≥")
        for value, level in [(240.01, "major"), (240, "high"), (120, "high"), (50, "moderate"), (49.9, "low")]:
            assert lec_.scheme().level(value)[0] == level
        assert scoring.matrix(4, 4, matrix_.scheme()).level == "major"
        assert scoring.matrix(2, 3, matrix_.scheme()).level == "moderate"
    return check


def petrol_beta(old, tree, orgs, **_):
    """risk 0006: stored units are regraded with the corrected β of petrol; a code that never counted is cleared."""
    from yingji.risk.models import HazardInventory, HazardSource

    Source, Inventory = old.get_model("risk", "HazardSource"), old.get_model("risk", "HazardInventory")
    scope = {"region_id": tree["va"].pk, "organization_id": orgs["a"].pk}
    depot = Source.objects.create(name="汽油罐区", unit_kind="storage", people_within_500m=60, is_major=True,
                                  sum_ratio=6, alpha=Decimal("1.5"), r_value=Decimal("13.5"), grade="三级", **scope)
    Inventory.objects.create(hazard_source=depot, chemical_name="汽油", max_quantity_t=1200, **scope)
    ammonia = Source.objects.create(name="液氨库", unit_kind="storage", people_within_500m=0, **scope)
    stray = Inventory.objects.create(hazard_source=ammonia, chemical_name="液氨", category_code="J5",
                                     max_quantity_t=20, **scope)

    def check():
        regraded = HazardSource.objects.get(pk=depot.pk)
        assert (regraded.r_value, regraded.grade) == (Decimal("9.00"), "四级")
        assert HazardInventory.objects.get(pk=stray.pk).category_code == ""
        assert HazardSource.objects.get(pk=ammonia.pk).r_value == Decimal("2.00")  # 0.5 × 2 × 20/10
    return check


def doubled_responses(old, prepared, **_):
    """incidents 0005: a second active response and a second dispatch of one team, made before the constraints, end."""
    incident, plan, team, kept, sent = prepared["doubled"]
    scope = {"region_id": incident.region_id, "organization_id": incident.organization_id}
    twice = old.get_model("incidents", "Response").objects.create(
        incident_id=incident.pk, plan_id=plan.pk, level="IV", state="active", **scope)
    again = old.get_model("incidents", "TeamDispatch").objects.create(
        incident_id=incident.pk, team_id=team.pk, state="en_route", **scope)

    def check():
        assert Response.objects.get(pk=kept.pk).state == "active"
        ended = Response.objects.get(pk=twice.pk)
        assert ended.state == "ended" and ended.ended_at is not None
        assert TeamDispatch.objects.get(pk=sent.pk).state == "en_route"
        assert TeamDispatch.objects.get(pk=again.pk).state == "withdrawn"
    return check


def duplicate_names(old, tree, users, **_):
    """resources 0003 and incidents 0007: duplicate names are renamed (never onto a name in use); lookups then work."""
    Warehouse, OldTeam = old.get_model("resources", "Warehouse"), old.get_model("resources", "Team")
    Expert, Plan = old.get_model("resources", "Expert"), old.get_model("incidents", "Plan")
    county = tree["county"].pk
    warehouses = [Warehouse.objects.create(name="0", level="county", reserve_kind="physical", region_id=county).pk
                  for _ in range(3)]
    warehouses.append(Warehouse.objects.create(name="0（2）", level="county", reserve_kind="physical",
                                               region_id=county).pk)
    teams, experts, plans = [], [], []
    for _ in range(2):
        teams.append(OldTeam.objects.create(name="乡镇应急救援队", kind="township", region_id=tree["a"].pk).pk)
        experts.append(Expert.objects.create(name="王五", specialties="消防", mobile="13800000007", region_id=county).pk)
        plans.append(Plan.objects.create(name="综合应急预案", kind="enterprise", region_id=county,
                                         approved_on="2024-01-01").pk)

    def check():
        from yingji.incidents.models import Plan as NewPlan
        from yingji.resources.models import Expert as NewExpert
        from yingji.resources.models import Warehouse as NewWarehouse

        def names(model, pks):
            return list(model.objects.filter(pk__in=pks).order_by("pk").values_list("name", flat=True))
        assert names(NewWarehouse, warehouses) == ["0", "0（3）", "0（4）", "0（2）"]  # never onto a name in use
        assert names(Team, teams) == ["乡镇应急救援队", "乡镇应急救援队（2）"]
        assert names(NewExpert, experts) == ["王五", "王五（2）"]
        assert names(NewPlan, plans) == ["综合应急预案", "综合应急预案（2）"]
        api = APIClient()
        api.force_authenticate(users["admin"])
        kit = api.post("/api/equipment/", {"name": "发电机", "kind": "发电机", "warehouse": "0", "region": "430181"},
                       format="json")
        assert kit.status_code == 201 and kit.json()["warehouse"] == "0"
    return check


def readiness(old, tree, prepared, **_):
    """incidents 0009: each team's stored readiness follows its dispatches."""
    incident = prepared["readiness"]
    OldTeam, OldDispatch = old.get_model("resources", "Team"), old.get_model("incidents", "TeamDispatch")
    made = {name: OldTeam.objects.create(name=name, kind="flood", region_id=tree["va"].pk, readiness=state).pk
            for name, state in (("出动中却写成待命", "standby"), ("无调派却写成出动", "deployed"),
                                ("已撤离仍写成出动", "deployed"), ("休整", "resting"), ("出动", "deployed"))}
    scope = {"incident_id": incident.pk, "region_id": incident.region_id}
    OldDispatch.objects.create(team_id=made["出动中却写成待命"], state="on_scene", **scope)
    OldDispatch.objects.create(team_id=made["已撤离仍写成出动"], state="withdrawn", **scope)
    OldDispatch.objects.create(team_id=made["出动"], state="en_route", **scope)

    def check():
        now = dict(Team.objects.filter(pk__in=made.values()).values_list("name", "readiness"))
        assert now == {"出动中却写成待命": "deployed", "无调派却写成出动": "resting", "已撤离仍写成出动": "resting",
                       "休整": "resting", "出动": "deployed"}
    return check


def loss_in_yuan(old, prepared, **_):
    """incidents 0010: a direct loss stored in 万元 becomes yuan."""
    incident = prepared["loss"]
    old.get_model("incidents", "Incident").objects.filter(pk=incident.pk).update(direct_loss=Decimal("1234.56"))

    def check():
        assert Incident.objects.get(pk=incident.pk).direct_loss_cny == Decimal("12345600.00")
    return check


@pytest.fixture
def team(tree):
    return Team.objects.create(name="大瑶镇应急救援队", kind="township", region=tree["a"], members=20)


CASES = [notification_levels, band_schemes, petrol_beta, doubled_responses, duplicate_names, readiness, loss_in_yuan]


@pytest.mark.django_db(transaction=True)
def test_the_migration_of_a_database_from_before_each_data_migration(tree, orgs, users, make_incident, plan, duty,
                                                                      team):
    doubled = make_incident()  # rows today's code writes, before the trip back
    prepared = {"doubled": (doubled, plan, team, services.activate(duty, doubled, plan, "IV"),
                            services.dispatch_team(duty, doubled, team)),
                "readiness": make_incident(), "loss": make_incident()}
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    applied = set(MigrationRecorder(connection).applied_migrations())
    for app, name in BEFORE:  # each app stands exactly where its cases need it
        later = {key for key in executor.loader.graph.nodes if key[0] == app and key[1] > name}
        assert (app, name) in applied and not later & applied, app
    old = executor.loader.project_state(BEFORE).apps
    checks = [case(old, tree=tree, orgs=orgs, users=users, prepared=prepared) for case in CASES]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    for check in checks:
        check()
