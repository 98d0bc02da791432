"""The 灾害信息员 registry and its coverage check: validation of posts and accounts, the coverage API
and home-page card by scope, and who may maintain officers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from yingji.core.models import Person, Region
from yingji.disasters.officers import DisasterOfficer, DisasterProneVillage, OfficerTraining


@pytest.fixture
def county(tree):
    """大瑶镇: 大瑶村 (A) and 南阳村 (disaster-prone, A only); 金刚镇: 金刚村 (none)."""
    south = Region.objects.create(code="430181110002", name="南阳村", level="village", parent=tree["a"])
    DisasterProneVillage.objects.create(region=south, hazards="山洪、滑坡", basis="《隐患点名录》第3条",
                                        listed_on=datetime.date(2026, 3, 1))
    officer(tree["va"], "A", "张伟")
    officer(south, "A", "李娜")
    return {**tree, "south": south}


def officer(region, post, name, active=True, mobile=None):
    n = Person.objects.count()
    person = Person.objects.create(name=name, mobile=mobile or f"1390000{n:04d}", region=region)
    return DisasterOfficer.objects.create(person=person, region=region, post=post, phone=person.mobile, active=active)


def test_an_officer_serves_a_village_or_township_and_the_account_must_reach_it(county, users):
    o = officer(county["va"], "B", "王强")
    o.full_clean()
    o.region = county["county"]
    with pytest.raises(ValidationError) as exc:
        o.full_clean()
    assert "村社区或乡镇街道" in exc.value.message_dict["region"][0]
    o.region, o.account = county["va"], users["township_b"]  # scoped to 金刚镇, not 大瑶村
    with pytest.raises(ValidationError) as exc:
        o.full_clean()
    assert "不含负责区域“大瑶村”" in exc.value.message_dict["account"][0]
    o.account = users["village_a"]
    o.full_clean()
    o.phone = ""  # not given: the address book's mobile
    o.full_clean()
    assert o.phone == o.person.mobile


def test_only_villages_go_on_the_disaster_prone_list(county):
    entry = DisasterProneVillage(region=county["a"], hazards="内涝", basis="x", listed_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    assert "只列村社区" in exc.value.message_dict["region"][0]


def test_training_hours_must_be_positive_and_the_record_takes_its_officers_scope(county):
    o = DisasterOfficer.objects.get(person__name="张伟")
    t = OfficerTraining(officer=o, date=datetime.date(2026, 5, 12), course="灾情统计报送", hours=0, organizer="县局")
    with pytest.raises(ValidationError) as exc:
        t.full_clean()
    assert exc.value.message_dict["hours"] == ["学时应大于 0"]
    t.hours = 8
    t.save()
    assert t.region_id == county["va"].pk


def test_coverage_for_county_staff_lists_every_townships_gaps(county, api):
    body = api("staff").get("/api/disasters/officer-coverage/").json()
    assert (body["villages"], body["covered"], body["gaps"]) == (3, 1, 2)
    gaps = {t["name"]: [(g["name"], g["missing"], g["disaster_prone"]) for g in t["gaps"]] for t in body["townships"]}
    assert gaps == {"大瑶镇": [("南阳村", ["B"], True)], "金刚镇": [("金刚村", ["A"], False)]}
    assert body["townships"][0]["code"] == "430181110"


def test_an_inactive_officer_leaves_a_gap(county, api):
    DisasterOfficer.objects.filter(person__name="张伟").update(active=False)
    body = api("staff").get("/api/disasters/officer-coverage/").json()
    assert ("大瑶村", ["A"]) in [(g["name"], g["missing"]) for t in body["townships"] for g in t["gaps"]]


def test_a_township_user_sees_only_its_own_villages(county, api):
    body = api("township_b").get("/api/disasters/officer-coverage/").json()
    assert (body["villages"], body["gaps"]) == (1, 1)
    assert [t["name"] for t in body["townships"]] == ["金刚镇"]


def test_the_home_page_card_shows_the_gaps_with_links_to_the_filtered_registry(county, web):
    page = web("township_a").get("/").content.decode()
    assert 'data-testid="officer-coverage"' in page
    assert "南阳村<span class=\"text-muted\">（灾害易发）</span>缺B岗" in page and "金刚村" not in page
    assert "/registry/disaster-officers/?region=430181110002" in page
    listing = web("township_a").get("/registry/disaster-officers/?region=430181110002").content.decode()
    assert "李娜" in listing and "张伟" not in listing


def test_enterprise_accounts_get_no_card_and_the_api_refuses_a_role_without_the_registry(county, web, api):
    assert 'data-testid="officer-coverage"' not in web("enterprise_a").get("/").content.decode()
    assert api("nobody").get("/api/disasters/officer-coverage/").json()["villages"] == 0  # no scope: nothing
    from rest_framework.test import APIClient

    from tests.conftest import make_user

    client = APIClient()
    client.force_authenticate(make_user("no_role", ""))
    assert client.get("/api/disasters/officer-coverage/").status_code == 403


def test_a_township_user_maintains_its_own_officers_and_a_village_user_only_reads(county, api):
    person = Person.objects.create(name="赵敏", mobile="13911112222", region=county["south"])
    payload = {"person": person.pk, "region": county["south"].code, "post": "B", "phone": "13911112222",
               "active": True}
    assert api("village_a").post("/api/disaster-officers/", payload, format="json").status_code == 403
    created = api("township_a").post("/api/disaster-officers/", payload, format="json")
    assert created.status_code == 201, created.content
    assert api("staff").get("/api/disasters/officer-coverage/").json()["gaps"] == 1
    other = DisasterOfficer.objects.get(person__name="张伟")
    assert api("township_b").get(f"/api/disaster-officers/{other.pk}/").status_code == 404


def test_the_coverage_check_does_not_grow_queries_with_villages(county, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yingji.disasters import officer_coverage

    def count():
        with CaptureQueriesContext(connection) as ctx:
            officer_coverage.summary(users["staff"])
        return len(ctx.captured_queries)

    few = count()
    for n in range(3, 9):
        village = Region.objects.create(code=f"430181111{n:03d}", name=f"新村{n}", level="village", parent=county["b"])
        if n % 2:
            officer(village, "A", f"新{n}")
    assert count() == few
