"""Core records: validation messages, region paths, geometry summaries."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import credit
from yingji.core.models import Organization, Person, Region


def test_region_path_and_subtree_move(tree):
    assert tree["va"].path == "430000/430100/430181/430181110/430181110001/"
    # Moving a township re-roots its villages.
    other = Region.objects.create(code="430182", name="宁乡市", level="county", parent=tree["city"])
    tree["a"].parent = other
    tree["a"].save()
    tree["va"].refresh_from_db()
    assert tree["va"].path == "430000/430100/430182/430181110/430181110001/"


def test_region_code_must_match_level_and_parent(tree):
    bad = Region(code="430182001", name="错镇", level="township", parent=tree["county"])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert exc.value.message_dict["parent"] == ["代码前 6 位应与上级区划代码 430181 一致"]
    bad = Region(code="4301811", name="错镇", level="township", parent=tree["county"])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "乡镇街道级代码应为 9 位数字" in exc.value.message_dict["code"][0]


def test_region_geometry_summary(tree):
    county = tree["county"]
    assert (county.min_lon, county.min_lat, county.max_lon, county.max_lat) == (113.2, 27.9, 114.2, 28.5)
    assert county.centroid_lon == pytest.approx(113.7) and county.centroid_lat == pytest.approx(28.2)


def test_invalid_geometry_is_refused_with_reason(tree):
    county = tree["county"]
    county.geometry = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError) as exc:
        county.full_clean()
    assert "几何无效" in exc.value.message_dict["geometry"][0]


def test_credit_code_error_names_expected_check_character(tree):
    good = credit(7)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    org = Organization(credit_code=wrong, name="测试", region=tree["va"])
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert exc.value.message_dict["credit_code"] == [f"校验位应为 {good[17]}"]


def test_coordinates_must_be_in_china_and_paired(tree):
    org = Organization(credit_code=credit(8), name="测试", region=tree["va"], lon=10.0, lat=28.0)
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "经度应在 73–136 之间" in exc.value.message_dict["lon"][0]
    org.lon, org.lat = 113.7, None
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert exc.value.message_dict["lat"] == ["经度和纬度须同时填写"]


def test_person_region_must_agree_with_organization(orgs, tree):
    p = Person(name="张三", mobile="13800000000", region=tree["vb"], organization=orgs["a"])
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "所属区划与所属单位的区划" in exc.value.message_dict["region"][0]
    p.region = tree["a"]  # the township above the organization's village is consistent
    p.full_clean()


def test_a_government_departments_records_reach_its_county_and_parts_follow_their_parent(orgs, tree):
    """A county fire brigade seated in one village has stations in other townships (the demo's own
    teams); an enterprise's team stays on its own region's line; a team member is checked with its team."""
    from yingji.resources.models import Team, TeamMember

    brigade = Organization.objects.create(credit_code=credit(9, prefix="11430181"), name="消防救援大队",
                                          kind="government", region=tree["va"])
    station = Team(name="金刚消防救援站", kind="fire_rescue", region=tree["b"], organization=brigade)
    station.full_clean()
    station.save()
    TeamMember(team=station, name="李四").full_clean()
    elsewhere = Team(name="外镇护厂队", kind="enterprise", region=tree["b"], organization=orgs["a"])
    with pytest.raises(ValidationError) as exc:
        elsewhere.full_clean()
    assert "所属区划与所属单位的区划" in exc.value.message_dict["region"][0]
    outside = Region.objects.create(code="430102", name="芙蓉区", level="county", parent=tree["city"])
    with pytest.raises(ValidationError):
        Team(name="外县站", kind="fire_rescue", region=outside, organization=brigade).full_clean()


def test_mobile_validation(tree):
    p = Person(name="张三", mobile="12345", region=tree["va"])
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert exc.value.message_dict["mobile"] == ["手机号码应为以 1 开头的 11 位数字"]
