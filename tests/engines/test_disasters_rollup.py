"""Roll-up (villages → township → county, the main-type rule), the copy-forward diff, and the
reporting rates of DHIS2 against a worked example by hand."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yingji.disasters import changes, rates, rollup
from yingji.disasters.catalogue import national
from yingji.disasters.rates import Slot

RULES = national()
CST = ZoneInfo("Asia/Shanghai")


def test_villages_roll_into_townships_and_the_county():
    villages = {
        "青石镇": {"河口村": {"affected_population": 300, "relocated_total": 40, "relocated_current": 10, "shelter_sites": 1,
                          "crop_affected_area": Decimal("12.5"), "direct_loss": Decimal("150000.00")},
                 "上坪村": {"affected_population": 200, "relocated_total": 60, "relocated_current": 60, "shelter_sites": 2,
                          "crop_affected_area": Decimal("7.25"), "deaths": None}},
        "白水乡": {"白水村": {"affected_population": 90, "deaths": 1}},
    }
    report = rollup.county_from_villages(villages)
    assert report["青石镇"] == {"affected_population": 500, "relocated_total": 100, "relocated_current": 70,
                             "shelter_sites": 3, "crop_affected_area": Decimal("19.75"),
                             "direct_loss": Decimal("150000.00")}
    assert "deaths" not in report["青石镇"]  # no village gave it: unknown, not 0
    assert report[""] == {"affected_population": 590, "relocated_total": 100, "relocated_current": 70, "shelter_sites": 3,
                          "crop_affected_area": Decimal("19.75"), "direct_loss": Decimal("150000.00"), "deaths": 1}
    assert isinstance(report[""]["affected_population"], int)


def test_the_main_type_counts_and_each_level_reports_its_own():
    occurrences = {"flood": 1200, "landslide": 300}
    assert rollup.main_type_of(occurrences) == "flood"
    assert rollup.main_type_of(occurrences, primary="landslide") == "landslide"
    assert rollup.main_type_of({"collapse": 10, "landslide": 10}) == "collapse"  # tie: the first listed
    assert rollup.type_for_level(RULES, occurrences, "county") == ("flood", "洪涝")
    assert rollup.type_for_level(RULES, occurrences, "city") == ("hydro", "水旱灾害")
    assert rollup.type_for_level(RULES, occurrences, "province", primary="landslide") == ("geological", "地质灾害")
    with pytest.raises(ValueError, match="主要灾种 typhoon 不在"):
        rollup.main_type_of(occurrences, primary="typhoon")


def test_copy_forward_and_diff():
    sent = {"青石镇": {"affected_population": 500, "missing": 3, "relocated_current": 70}, "": {"missing": 3}}
    draft = changes.copy_forward(sent)
    draft["青石镇"]["missing"] = 1
    draft["青石镇"]["affected_population"] = 1600
    draft["青石镇"]["relocated_current"] = 20
    draft["青石镇"]["deaths"] = 2
    assert sent["青石镇"]["missing"] == 3  # the sent report is untouched
    rows = {(r.township, r.code): r for r in changes.diff(sent, draft, RULES)}
    missing = rows["青石镇", "missing"]
    assert (missing.old, missing.new, missing.change, missing.needs_explanation) == (3, 1, -2, True)
    assert missing.finding.rule == "fell" and missing.label == "因灾失踪人口"
    assert rows["青石镇", "affected_population"].finding.rule == "jumped"  # 500 → 1600: beyond 2×
    assert not rows["青石镇", "relocated_current"].needs_explanation  # 实时 may fall
    assert (rows["青石镇", "deaths"].old, rows["青石镇", "deaths"].change) == (None, None)
    assert not rows["", "missing"].changed
    only = changes.diff(sent, draft, RULES, only_changed=True)
    assert ("", "missing") not in {(r.township, r.code) for r in only}
    assert [r.code for r in only] == ["affected_population", "deaths", "missing", "relocated_current"]  # form order


def at(day, hour, minute=0):
    return datetime.datetime(2025, 7, day, hour, minute, tzinfo=CST)


def test_reporting_rates_worked_example():
    # Two events; three townships each owe their figures 1 h after learning; the county owes its 初报.
    # By hand: township slots due ≤ now = 6 (the 3rd event's are not due yet and not received);
    # received 5 (白水乡 never sent for E1); on time 4 (青石镇 sent E2 at 16:05, due 16:00).
    slots = [Slot(f"E1/township:{t}", "township", t, at(1, 15)) for t in ("青石镇", "白水乡", "河西乡")]
    slots += [Slot(f"E2/township:{t}", "township", t, at(2, 16)) for t in ("青石镇", "白水乡", "河西乡")]
    slots += [Slot(f"E3/township:{t}", "township", t, at(9, 10)) for t in ("青石镇", "白水乡", "河西乡")]
    slots += [Slot("E1/initial:county", "county", "", at(1, 16)), Slot("E2/initial:county", "county", "", at(2, 17))]
    received = {"E1/township:青石镇": at(1, 14, 30), "E1/township:河西乡": at(1, 15),
                "E2/township:青石镇": at(2, 16, 5), "E2/township:白水乡": at(2, 15), "E2/township:河西乡": at(2, 15, 59),
                "E1/initial:county": at(1, 15, 50), "E2/initial:county": at(2, 18)}
    rows = {(r.level, r.township): r for r in rates.reporting_rates(slots, received, now=at(3, 0))}
    assert list(rows) == [("township", ""), ("township", "河西乡"), ("township", "白水乡"), ("township", "青石镇"),
                          ("county", "")]
    total = rows["township", ""]
    assert (total.expected, total.received, total.on_time, total.late, total.missing) == (6, 5, 4, 1, 1)
    assert (total.rate, total.on_time_rate) == (83.3, 66.7)
    assert rows["township", "白水乡"].as_dict() == {
        "period": "", "level": "township", "township": "白水乡", "expected": 2, "received": 1, "on_time": 1, "late": 0,
        "missing": 1, "rate": 50.0, "on_time_rate": 50.0}
    assert (rows["township", "青石镇"].rate, rows["township", "青石镇"].on_time_rate) == (100.0, 50.0)
    assert (rows["county", ""].expected, rows["county", ""].on_time, rows["county", ""].late) == (2, 1, 1)


def test_a_report_received_before_it_is_due_counts_and_nothing_expected_has_no_rate():
    slot = Slot("E3/initial:county", "county", "", at(9, 10))
    early = rates.reporting_rates([slot], {"E3/initial:county": at(9, 9)}, now=at(9, 9, 30))
    assert (early[0].expected, early[0].on_time) == (1, 1)
    assert rates.reporting_rates([slot], {}, now=at(8, 0)) == []
    assert rates.RateRow("county", "", 0, 0, 0).rate is None


def test_an_incidents_figures_open_its_event_and_the_relief_engine_reads_the_figures():
    from yingji.incidents.grading import relief_level

    opened = rollup.from_incident({"deaths": 3, "missing": 0, "injured": 2, "relocated": 1500, "trapped": 4,
                                   "houses_collapsed": 12, "direct_loss": Decimal("1234.567")})
    assert opened == {"deaths": 3, "missing": 0, "injured_serious": 2, "relocated_total": 1500,
                      "direct_loss": Decimal("12345670.000")}
    figures = {"deaths": 15, "missing": 6, "relocated_total": 90_000, "emergency_aid_total": 120_000,
               "houses_collapsed_rooms": 8000, "houses_severe_rooms": 3000, "houses_collapsed_households": 2500,
               "houses_severe_households": 700}
    relief = rollup.relief_figures(figures)
    assert relief == {"deaths_missing": 21, "relocated": 120_000, "houses_rooms": 11_000, "houses_households": 3200,
                      "drought_people": 0}
    assert relief_level(relief).level == "IV"  # 20–49 deaths + missing (STANDARDS.md §3)


def test_rates_per_period_in_one_pass():
    slots = [Slot("A", "county", "", at(1, 10)), Slot("B", "county", "", at(2, 10)),
             Slot("C", "county", "", datetime.datetime(2024, 7, 1, 10, tzinfo=CST))]
    received = {"A": at(1, 9), "C": datetime.datetime(2024, 7, 1, 11, tzinfo=CST)}
    rows = rates.reporting_rates(slots, received, now=at(3, 0), period=lambda s: str(s.due.year))
    assert [(r.period, r.expected, r.received, r.on_time) for r in rows] == [("2024", 1, 1, 0), ("2025", 2, 1, 1)]
