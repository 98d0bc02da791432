"""The command-centre screen's figures (declared by the apps, counted in the viewer's scope), its page
and API, and the 事理图谱 built from linked incidents and timelines."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji.core.framework import contributions
from yingji.incidents import services as incident_services
from yingji.incidents.models import Incident
from yingji.screen import services
from yingji.screen.models import IncidentLink
from yingji.warnings.models import Warning

SCREEN = Path(services.__file__).parent


def incident(admin, region, code, title, hours_ago, **kw):
    i = Incident(title=title, event_type=code, occurred_at=timezone.now() - datetime.timedelta(hours=hours_ago),
                 received_at=timezone.now() - datetime.timedelta(hours=hours_ago) + datetime.timedelta(minutes=10),
                 address=region.name, region=region, description="测试", **kw)
    return incident_services.intake(admin, i)


@pytest.fixture
def scene(tree, users):
    admin = users["admin"]
    rain = incident(admin, tree["va"], "12200", "大瑶村强降雨", 6, relocated=20)
    slide = incident(admin, tree["va"], "14200", "大瑶村山体滑坡", 4, relocated=15)
    road = incident(admin, tree["va"], "22100", "大瑶村道路车辆侧翻", 3)
    other = incident(admin, tree["vb"], "14200", "金刚村滑坡", 2, relocated=7)
    now = timezone.now()
    Warning.objects.create(event_type="rainstorm", level="orange", title="暴雨橙色预警", content="测试", region=tree["county"],
                           effective=now - datetime.timedelta(hours=1), expires=now + datetime.timedelta(hours=5),
                           target_regions=tree["a"].code, state="published")  # the county's, for 大瑶镇 only
    Warning.objects.create(event_type="rainstorm", level="blue", title="已过期", content="测试", region=tree["county"],
                           effective=now - datetime.timedelta(hours=9), expires=now - datetime.timedelta(hours=1),
                           state="published")
    return {"rain": rain, "slide": slide, "road": road, "other": other}


def values(user) -> dict:
    return {f["key"]: f["value"] for f in services.figures(user)}


def test_the_apps_declare_the_figures_and_the_screen_imports_none_of_them():
    keys = [f.key for f in contributions.screen_figures()]
    assert keys == ["open-incidents", "active-alarms", "warnings-in-force", "sheltered-now", "relocated",
                    "teams-out", "reports-due"]  # by their declared order, from four apps
    owners = {"open-incidents": "incidents", "active-alarms": "monitoring", "warnings-in-force": "warnings",
              "sheltered-now": "shelters"}
    for f in contributions.screen_figures():
        if f.key in owners:
            assert f.provider.startswith(f"yingji.{owners[f.key]}.screen:")
    for path in SCREEN.rglob("*.py"):
        if path.name == "demo.py" or "migrations" in path.parts:  # the demo plays the incidents' services
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[:2] in (["yingji", a] for a in ("incidents", "monitoring", "warnings",
                                                                        "shelters", "resources")) for n in names), path


def test_a_township_sees_its_own_figures_and_the_county_all(scene, users):
    county, town_a, town_b = values(users["leader"]), values(users["township_a"]), values(users["township_b"])
    assert county["open-incidents"] == 4 and town_a["open-incidents"] == 3 and town_b["open-incidents"] == 1
    assert county["relocated"] == 42 and town_a["relocated"] == 35 and town_b["relocated"] == 7
    # the county's orange warning for 大瑶镇 is in force there, not in 金刚镇; the expired one nowhere
    assert county["warnings-in-force"] == 1 and town_a["warnings-in-force"] == 1 and town_b["warnings-in-force"] == 0
    # every intake starts its reporting clocks; each township counts its own incidents' clocks
    assert town_a["reports-due"] > town_b["reports-due"] > 0
    assert county["reports-due"] == town_a["reports-due"] + town_b["reports-due"]
    assert town_a["active-alarms"] == town_a["teams-out"] == town_a["sheltered-now"] == 0
    due = next(f for f in services.figures(users["township_a"]) if f["key"] == "reports-due")
    assert due["alert"] and due["note"].startswith("其中超时")


def test_a_figure_needs_its_permission(scene, users, monkeypatch):
    assert "open-incidents" in values(users["township_a"])
    monkeypatch.setattr(type(users["township_a"]), "has_perm", lambda self, perm, obj=None: perm != "incidents.view_incident")
    assert "open-incidents" not in values(users["township_a"]) and "warnings-in-force" in values(users["township_a"])


def test_closing_an_incident_takes_it_off_the_screen(scene, users):
    from yingji.core.framework import workflow

    before = values(users["township_a"])
    workflow.apply(users["admin"], scene["road"], "close", comment="处置完毕")
    after = values(users["township_a"])
    assert after["open-incidents"] == before["open-incidents"] - 1
    assert after["reports-due"] < before["reports-due"]  # its clocks no longer count


def test_figures_api_and_screen_page(scene, users, api, web):
    answer = api("township_a").get("/api/screen/figures/")
    assert answer.status_code == 200
    assert answer.json()["scope"] == "大瑶镇"
    assert {f["key"]: f["value"] for f in answer.json()["figures"]}["open-incidents"] == 3
    from rest_framework.test import APIClient

    assert APIClient().get("/api/screen/figures/").status_code in (401, 403)
    page = web("township_a").get("/screen/")
    html = page.content.decode()
    assert page.status_code == 200 and "大瑶镇应急指挥中心" in html and "在办突发事件" in html
    assert 'data-figure="open-incidents"' in html and "screen.js" in html
    # no inline script: every <script> has a src, or is a json_script data block
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith(("src=", 'type="application/json"', 'id="')), chunk[:80]


def test_chains_from_links_and_timelines_in_scope(scene, users, api, web):
    admin = users["admin"]
    IncidentLink.objects.create(cause=scene["rain"], effect=scene["slide"], relation="secondary")
    incident_services.log(scene["slide"], "message", f"滑坡体阻断道路，引发 {scene['road'].number}", actor=admin)
    incident_services.log(scene["road"], "message", f"回顾：起因见 {scene['rain'].number}", actor=admin)  # earlier: no edge
    IncidentLink.objects.create(cause=scene["slide"], effect=scene["other"], relation="secondary")  # into 金刚镇
    answer = api("township_a").get("/api/chains/?type=12200").json()
    assert answer["note"].startswith("辅助参考，非预测")
    assert [(e["cause"], e["effect"], e["count"]) for e in answer["edges"]] == [("12200", "14200", 1), ("14200", "22100", 1)]
    assert answer["chains"] == [{"types": ["12200", "14200", "22100"], "names": ["暴雨", "滑坡", "道路交通事故"], "count": 1}]
    # the link into 金刚镇's incident counts for the county, which sees both ends
    county = api("leader").get("/api/chains/?type=14200").json()
    assert {(e["cause"], e["effect"]) for e in county["edges"]} == {("12200", "14200"), ("14200", "22100")}
    assert county["types"][0]["code"] == "14200"  # 滑坡 is the most linked type
    assert api("township_a").get("/api/chains/?type=99999").status_code == 400
    assert api("township_b").get("/api/chains/").json()["edges"] == []  # the link starts in 大瑶镇
    page = web("township_a").get("/chains/?type=14200").content.decode()
    assert "辅助参考，非预测" in page and 'data-testid="chain-graph"' in page
    assert page.count('data-testid="chain-node"') == 3 and 'data-code="14200" data-layer="0"' in page
    assert scene["rain"].number in page  # an example names the incidents


def test_a_link_must_go_forward_between_two_incidents(scene):
    for cause, effect, field in ((scene["rain"], scene["rain"], "effect"), (scene["slide"], scene["rain"], "effect")):
        with pytest.raises(ValidationError) as err:
            IncidentLink(cause=cause, effect=effect).full_clean()
        assert field in err.value.message_dict
    IncidentLink.objects.create(cause=scene["rain"], effect=scene["slide"])
    with pytest.raises(ValidationError):
        IncidentLink(cause=scene["slide"], effect=scene["rain"]).full_clean()
