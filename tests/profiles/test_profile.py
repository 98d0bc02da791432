"""The enterprise 360 profile: its panels count in one query each what the user may see and link to the
filtered lists; a panel another app declares appears without the profile importing it; the time line;
scope — a township user sees only its enterprises in the profile, the pivot and the relationship view,
an enterprise account only its own."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yingji.core.framework import contributions
from yingji.core.framework.contributions import ProfilePanel
from yingji.hazards.models import Hazard
from yingji.incidents.models import Incident
from yingji.profiles import profile, services
from yingji.profiles.models import EnterpriseTag
from yingji.risk.models import HazardSource, RiskPoint

DAY = datetime.timedelta(days=1)


def hazard(org, state, deadline=None, grade="general"):
    h = Hazard.objects.create(title=f"隐患-{state}", organization=org, region=org.region, description="d", grade=grade,
                              major_basis="判定标准第二条" if grade == "major" else "", channel="self_inspection",
                              finder="f", deadline=deadline or timezone.localdate())
    Hazard.objects.filter(pk=h.pk).update(state=state)
    return h


@pytest.fixture
def facts(orgs, tree):
    a, b = orgs["a"], orgs["b"]
    for state in ("overdue", "overdue", "rectifying", "closed"):
        hazard(a, state)
    hazard(a, "reported", grade="major")
    hazard(b, "overdue")
    for i, level in enumerate(("major", "high", "high", "low")):
        RiskPoint.objects.create(name=f"工房{i}", organization=a, region=a.region, kind="site", hazard_factor="physical",
                                 level=level, lon=113.78, lat=27.98)
    source = HazardSource.objects.create(name="液氯库", organization=a, region=a.region, unit_kind="storage")
    HazardSource.objects.filter(pk=source.pk).update(is_major=True, grade="三级", graded_at=timezone.now())
    Incident.objects.create(title="花炮厂爆炸事故", event_type="21500", occurred_at=timezone.now() - 30 * DAY,
                            received_at=timezone.now() - 30 * DAY, address="厂区", region=a.region, organization=a,
                            deaths=3, description="爆炸")
    services.seed_rules(tree["county"])
    services.recompute()
    return {"a": a, "b": b, "source": source}


def panel_of(page: str, key: str) -> str:
    start = page.index(f'data-panel="{key}"')
    return page[start:page.index("</div></div></div>", start)]


def test_each_panel_counts_in_sql_and_links_to_the_filtered_list(facts, web):
    a = facts["a"]
    page = web("staff").get(f"/profiles/{a.credit_code}/").content.decode()
    hazards = panel_of(page, "hazards")
    assert 'data-testid="panel-total">5<' in hazards  # every hazard of a, none of b's
    assert f'href="/registry/hazards/?organization={a.credit_code}"' in hazards
    assert "未销号 4" in hazards and "重大隐患 1" in hazards
    assert f'href="/registry/hazards/?organization={a.credit_code}&amp;state=overdue" data-count="逾期">逾期 2<' in hazards
    risk = panel_of(page, "risk-points")
    assert re.search(r'data-breakdown="major">重大风险 1<', risk) and re.search(r'data-breakdown="high">较大风险 2<', risk)
    assert "level=major" in risk
    sources = panel_of(page, "hazard-sources")
    assert "构成重大危险源 1" in sources and "三级重大危险源 1" in sources
    assert "近12个月 1" in panel_of(page, "incidents") and "较大及以上 1" in panel_of(page, "incidents")
    assert "存在重大风险（红色）" in page and "近12个月发生较大及以上事故" in page  # its tags
    assert "发生事故/事件" in page and "花炮厂爆炸事故" in page  # the time line
    assert "risk-points" in page[page.index('id="record-layers"'):]  # the site map asks for its located parts


def test_one_query_per_panel_whatever_the_counts(facts, users):
    user = users["staff"]
    declared = profile.declared(user)
    with CaptureQueriesContext(connection) as queries:
        panels = profile.panels(user, facts["a"])
    assert len(panels) == len(declared) >= 15
    assert len(queries) == len(declared)


def test_a_panel_declared_by_another_app_appears_without_an_import(facts, web, monkeypatch):
    extra = ProfilePanel("fake-insurance", "安责险保单（测试）", "hazards", counts=(("逾期", {"state": "overdue"}),), order=1)
    real = contributions.profile_panels
    monkeypatch.setattr(contributions, "profile_panels", lambda: [extra, *real()])
    page = web("staff").get(f"/profiles/{facts['a'].credit_code}/").content.decode()
    assert "安责险保单（测试）" in panel_of(page, "fake-insurance")
    missing = ProfilePanel("gone", "未安装应用的面板", "no-such-registry")
    monkeypatch.setattr(contributions, "profile_panels", lambda: [missing, *real()])
    assert "未安装应用的面板" not in web("staff").get(f"/profiles/{facts['a'].credit_code}/").content.decode()


def test_the_time_line_by_year(facts, web):
    a = facts["a"]
    old = hazard(a, "closed")
    Hazard.objects.filter(pk=old.pk).update(found_at=timezone.make_aware(datetime.datetime(2022, 5, 1, 9)))
    client = web("staff")
    assert "隐患-closed" in client.get(f"/profiles/{a.credit_code}/?year=2022").content.decode()
    year_2022 = client.get(f"/profiles/{a.credit_code}/?year=2022").content.decode()
    assert "花炮厂爆炸事故" not in year_2022 and "2022-05-01" in year_2022


def test_a_township_user_sees_only_its_enterprises(facts, web, api, users):
    a, b = facts["a"], facts["b"]
    EnterpriseTag.objects.create(organization=b, label="节前重点关注", reason="旺季", tagged_by=users["staff"])
    client = web("township_b")
    assert client.get(f"/profiles/{a.credit_code}/").status_code == 404
    assert client.get(f"/profiles/{a.credit_code}/relations/").status_code == 404
    own = client.get(f"/profiles/{b.credit_code}/").content.decode()
    assert 'data-testid="panel-total">1<' in panel_of(own, "hazards")
    index = client.get("/profiles/").content.decode()
    assert b.name in index and a.name not in index
    pivot = client.get("/profiles/pivot/").content.decode()
    assert 'data-township="430181111"' in pivot and 'data-township="430181110"' not in pivot
    assert "节前重点关注" in pivot and "存在重大风险（红色）" not in pivot  # a's rule tag is not counted there
    assert api("township_b").get("/api/profiles/graph/", {"node": f"organizations:{a.pk}"}).status_code == 404
    assert api("township_b").get("/api/profiles/graph/", {"node": f"hazard-sources:{facts['source'].pk}"}).status_code == 404
    missing = api("township_b").get("/api/profiles/graph/")
    assert missing.status_code == 400 and "node" in missing.json()  # no node named: said where, not "not found"


def test_an_enterprise_account_sees_only_its_own(facts, web, api):
    a, b = facts["a"], facts["b"]
    client = web("enterprise_a")
    assert client.get(f"/profiles/{b.credit_code}/").status_code == 404
    page = client.get(f"/profiles/{a.credit_code}/").content.decode()
    assert 'data-testid="panel-total">5<' in panel_of(page, "hazards")
    graph = api("enterprise_a").get("/api/profiles/graph/", {"node": f"organizations:{a.pk}"}).json()
    assert {n["kind"] for n in graph["nodes"]} >= {"hazards", "risk-points", "hazard-sources", "incidents"}


def test_the_pivot_counts_tags_by_township_and_links_to_the_filtered_list(facts, web, users):
    a, b = facts["a"], facts["b"]
    EnterpriseTag.objects.create(organization=b, label="节前重点关注", reason="旺季", tagged_by=users["staff"])
    page = web("staff").get("/profiles/pivot/").content.decode()
    row = page[page.index('data-tag="major-risk-point"'):]
    row = row[:row.index("</tr>")]
    assert '<a href="/registry/organizations/?tag=major-risk-point&amp;region=430181110">1</a>' in row
    assert "节前重点关注" in page
    listed = web("staff").get("/registry/organizations/?tag=major-risk-point&region=430181110").content.decode()
    assert a.name in listed and b.name not in listed
    assert b.name in web("staff").get("/registry/organizations/?tag=m-节前重点关注").content.decode()


def test_the_relationship_view_expands_a_node_within_scope(facts, api, web):
    a, source = facts["a"], facts["source"]
    root = api("staff").get("/api/profiles/graph/", {"node": f"organizations:{a.pk}"}).json()
    ids = {n["id"] for n in root["nodes"]}
    assert f"hazard-sources:{source.pk}" in ids and all(e["to"] == root["node"]["id"] for e in root["edges"])
    assert not any(n["label"] == "隐患-overdue" and n["id"].startswith("hazards:") and
                   Hazard.objects.get(pk=int(n["id"].split(":")[1])).organization_id != a.pk for n in root["nodes"])
    nxt = api("staff").get("/api/profiles/graph/", {"node": f"hazard-sources:{source.pk}"}).json()
    assert {"from": nxt["node"]["id"], "to": f"organizations:{a.pk}", "label": "所属单位"} in nxt["edges"]
    assert api("staff").get("/api/profiles/graph/", {"node": "accounts:1"}).status_code == 404
    assert api("staff").get("/api/profiles/graph/", {"node": "organizations:x"}).status_code == 404
    page = web("staff").get(f"/profiles/{a.credit_code}/relations/").content.decode()
    assert f'data-start="organizations:{a.pk}"' in page and "profiles/relations.js" in page and "<script>" not in page


def test_the_organization_record_page_links_to_its_profile(facts, web):
    a = facts["a"]
    client = web("staff")
    page = client.get(f"/registry/organizations/{a.pk}/").content.decode()
    assert f"/profiles/org/{a.pk}/" in page
    assert client.get(f"/profiles/org/{a.pk}/")["Location"] == f"/profiles/{a.credit_code}/"
