"""Hazard statistics: counts, rates, ages, per-region split and the 重大隐患动态清零 list."""

import datetime

from django.utils import timezone

from yingji.hazards.models import Hazard


def hazard(tree, orgs, state, *, grade="general", village="va", days_old=1, closed_after_days=None, escalated=False):
    found = timezone.now() - datetime.timedelta(days=days_old)
    h = Hazard.objects.create(title=f"{state}-{grade}", organization=orgs["a" if village == "va" else "b"],
                              region=tree[village], description="d", channel="self_inspection", finder="f",
                              grade=grade, major_basis="判定标准第二条" if grade == "major" else "", found_at=found)
    Hazard.objects.filter(pk=h.pk).update(
        state=state, closed_at=found + datetime.timedelta(days=closed_after_days) if closed_after_days else None,
        escalated_at=timezone.now() if escalated else None)
    return h


def test_summary(tree, orgs, users, api, web):
    hazard(tree, orgs, "reported", days_old=3)
    hazard(tree, orgs, "rectifying", grade="major", days_old=40)
    hazard(tree, orgs, "overdue", village="vb", days_old=100, escalated=True)
    hazard(tree, orgs, "closed", days_old=20, closed_after_days=4)
    hazard(tree, orgs, "closed", grade="major", village="vb", days_old=20, closed_after_days=10, escalated=True)
    hazard(tree, orgs, "rejected", days_old=2)
    s = api("leader").get("/api/hazards/dashboard/").json()
    assert (s["total"], s["open"], s["open_major"], s["overdue"], s["closed"]) == (6, 3, 1, 1, 2)
    assert s["rectification_rate"] == 50.0  # 2 closed of 4 verified
    assert s["overdue_rate"] == 50.0  # 1 overdue of 2 in rectification
    assert s["escalation_rate"] == 50.0  # 2 ever escalated of 4 verified
    assert s["avg_days_to_close"] == 7.0
    assert s["by_age"] == [["7 天以内", 1], ["8–30 天", 0], ["31–90 天", 1], ["90 天以上", 1]]
    assert s["by_region"] == [{"region": "大瑶镇", "code": "430181110", "general": 1, "major": 1},
                              {"region": "金刚镇", "code": "430181111", "general": 1, "major": 0}]
    assert [h["title"] for h in s["major_list"]] == ["rectifying-major"]  # closed majors leave the list
    page = web("leader").get("/hazards/dashboard/").content.decode()
    assert "rectifying-major" in page and "50.0%" in page


def test_summary_respects_scope(tree, orgs, users, api):
    hazard(tree, orgs, "reported")
    hazard(tree, orgs, "reported", village="vb")
    s = api("township_a").get("/api/hazards/dashboard/").json()
    assert s["total"] == 1
    assert s["by_region"] == [{"region": "大瑶村", "code": "430181110001", "general": 1, "major": 0}]


def test_queries_do_not_grow_with_hazards(tree, orgs, users, web):
    """The dashboard counts in SQL: its queries are the same for 2 hazards as for 40 (the major list too)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the account's roles are kept there (who.py): not culled by earlier tests' entries
    client = web("leader")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/hazards/dashboard/")
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    hazard(tree, orgs, "rectifying", grade="major")
    hazard(tree, orgs, "reported", village="vb")
    client.get("/hazards/dashboard/")  # session and caches warmed once
    few, _ = queries()
    for i in range(20):
        hazard(tree, orgs, "rectifying" if i % 2 else "overdue", grade="major", village="va" if i % 3 else "vb",
               days_old=i + 1)
        hazard(tree, orgs, "closed", days_old=i + 30, closed_after_days=3)
    client.get("/hazards/dashboard/")  # the session's periodic write (its clock) falls here, not in the count
    many, page = queries()
    assert many <= few, f"{few} queries for 2 hazards, {many} for 42"
    assert page.count('href="/registry/hazards/') >= 21  # every open major hazard listed, with its unit
    assert orgs["a"].name in page and orgs["b"].name in page
