"""The disaster-statistics rules as data: every type, indicator and setting loads with its source,
the structure the checks rely on is consistent, and a jurisdiction's overrides replace values and
sources (and bad ones are refused by name)."""

import csv
from pathlib import Path

import pytest

from yingji.disasters import catalogue
from yingji.disasters.catalogue import national

EVENT_TYPES = Path(catalogue.__file__).parents[1] / "incidents" / "data" / "event_types.csv"


def test_the_制度s_types_and_their_main_types():
    rules = national()
    assert {t.name for t in rules.types.values()} == {
        "洪涝", "干旱", "台风", "风雹", "低温冷冻", "雪灾", "沙尘暴", "地震", "崩塌", "滑坡", "泥石流", "风暴潮", "海啸",
        "森林草原火灾", "生物灾害"}
    assert catalogue.main_type(rules, "landslide") == ("geological", "地质灾害")
    assert catalogue.reported_type(rules, "landslide", "county") == ("landslide", "滑坡")
    assert catalogue.reported_type(rules, "landslide", "city") == ("geological", "地质灾害")
    assert catalogue.reported_type(rules, "drought", "province") == ("hydro", "水旱灾害")
    assert all(t.source.document.startswith("自然灾害情况统计调查制度") for t in rules.types.values())


def test_every_mapped_event_type_exists_in_incidents_table():
    known = {row["code"] for row in csv.DictReader(EVENT_TYPES.open(encoding="utf-8"))}
    mapped = {code for t in national().types.values() for code in t.event_types}
    assert mapped and mapped <= known


@pytest.mark.parametrize(("event_type", "kind"), [("11400", "drought"), ("11100", "flood"), ("11300", "flood"),
                                                  ("14200", "landslide"), ("17100", "forest_grassland_fire"),
                                                  ("13000", "earthquake"), ("21100", None), ("15000", None)])
def test_an_incident_opens_the_matching_type(event_type, kind):
    found = national().type_for_event(event_type)
    assert (found.code if found else None) == kind


def test_indicators_are_consistent():
    rules = national()
    codes = set(rules.indicators)
    for ind in rules.indicators.values():
        assert ind.code.isascii() and ind.code == ind.code.lower(), ind.code
        assert ind.parent in codes | {""} and ind.at_most in codes | {""} and ind.pair in codes | {""}, ind.code
        if ind.pair:
            assert rules.indicators[ind.pair].pair == ind.code  # 累计/实时 pairs point at each other
        assert ind.timing in ("cumulative", "realtime")
        assert ind.stored_as in ("count", "hectare", "decimal", "yuan")
        assert ind.hxl.startswith("#") and all(a.startswith("+") for a in ind.hxl.split()[1:]), ind.hxl
        assert ind.form in catalogue.FORMS
    for form in catalogue.FORMS:
        columns = [i.column for i in rules.form_columns(form)]
        assert columns == list(range(1, len(columns) + 1))  # no gap, no duplicate
    assert len({i.hxl for i in rules.indicators.values()}) == len(rules.indicators)


def test_the_issues_indicators_are_all_there_with_their_units():
    rules = national()
    want = {"affected_population": "人", "deaths": "人", "missing": "人", "injured": "人", "injured_serious": "人",
            "drinking_water_difficulty": "人", "emergency_avoidance": "人", "relocated_total": "人",
            "relocated_current": "人", "relocated_concentrated": "人", "relocated_dispersed": "人",
            "shelter_sites": "个", "emergency_aid_total": "人", "emergency_aid_current": "人", "transition_aid": "人",
            "transition_aid_female": "人", "transition_aid_elderly": "人", "transition_aid_children": "人",
            "sanwu_sangu": "人", "houses_collapsed_rooms": "间", "houses_collapsed_households": "户",
            "houses_severe_rooms": "间", "houses_severe_households": "户", "houses_minor_rooms": "间",
            "houses_minor_households": "户", "crop_affected_area": "公顷", "crop_damaged_area": "公顷",
            "crop_lost_area": "公顷", "crop_affected_grain": "公顷", "direct_loss": "万元"}
    assert {code: rules.indicators[code].unit for code in want} == want
    assert rules.indicators["direct_loss"].stored_as == "yuan"  # decision 0012: yuan kept, 万元 shown
    assert rules.indicators["relocated_current"].timing == "realtime"
    assert [c.code for c in rules.children("relocated_total")] == ["relocated_concentrated", "relocated_dispersed"]
    assert rules.indicators["deaths"].hxl == "#affected +killed"
    assert rules.indicators["affected_population"].header == "受灾人口（人）"
    assert rules.indicators["houses_collapsed_rooms"].header == "倒塌房屋（间）"
    assert rules.indicators["emergency_aid_current"].header == "需紧急生活救助人口（人，实时）"


def test_settings_carry_their_sources_and_the_unconfirmed_ones_say_so():
    clocks = national().clocks
    assert (clocks.county_initial_hours, clocks.next_level_hours, clocks.skip_level_threshold) == (2, 2, 10)
    assert clocks.zero_report_times == {"county": "09:00", "city": "10:00", "province": "12:00"}
    assert clocks.final_report_working_days == {"county": 2, "city": 3, "province": 5}
    assert clocks.drought_followup_days == 10
    assert clocks.followup_days == 7 and not clocks.sources["followup_days"].confirmed
    assert "未经原文核实" in clocks.sources["followup_days"].text
    assert not clocks.sources["township_to_county_hours"].confirmed
    assert clocks.sources["skip_level_threshold"].confirmed and clocks.sources["skip_level_threshold"].url
    assert not national().plausibility.sources["jump_ratio"].confirmed


def test_overrides_replace_value_and_source():
    rules = national().with_overrides({
        "clocks": {"followup_days": {"value": 5, "source": "某县自然灾害救助应急预案", "article": "5.3.2",
                                     "date": "2024-05-01", "confirmed": True},
                   "final_report_working_days": {"county": 3}},
        "plausibility": {"jump_ratio": 1.5}})
    assert rules.clocks.followup_days == 5
    assert rules.clocks.sources["followup_days"].document == "某县自然灾害救助应急预案"
    assert rules.clocks.final_report_working_days == {"county": 3, "city": 3, "province": 5}
    assert rules.clocks.sources["final_report_working_days"].document == "本级设置"
    assert rules.plausibility.jump_ratio == 1.5
    assert national().clocks.followup_days == 7  # the national defaults stay as they were


@pytest.mark.parametrize(("overrides", "message"), [
    ({"deadlines": {}}, "未知的设置分组：deadlines"),
    ({"clocks": {"followup_dayz": 5}}, "clocks 中未知的设置：followup_dayz"),
    ({"clocks": {"followup_days": -1}}, "clocks.followup_days 应为不小于 0 的数"),
    ({"clocks": {"followup_days": "7"}}, "clocks.followup_days 应为不小于 0 的数"),
    ({"clocks": {"final_report_working_days": {"town": 1}}}, "clocks.final_report_working_days 应为"),
    ({"plausibility": {"jump_ratio": 1}}, "plausibility.jump_ratio 应大于 1"),
])
def test_bad_overrides_are_refused_by_name(overrides, message):
    with pytest.raises(ValueError, match=message):
        national().with_overrides(overrides)


def test_named_list_forms():
    forms = catalogue.named_list_forms()
    assert forms["deaths_missing"]["title"] == "因灾死亡失踪人口一览表"
    assert forms["housing"]["title"] == "因灾倒塌损坏住房户一览表"
    assert "id_number" in [f["code"] for f in forms["housing"]["fields"]]
