"""GB 11643-1999 公民身份号码 against the standard's own examples (附录A), and the named lists'
row validation: required fields, choices, the ID check, birth date and gender against the ID,
duplicates by ID and by name + birth date + township — each located by row and field."""

import datetime

import pytest

from yingji.core.directory import codes
from yingji.disasters import namedlists

STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]  # GB 11643-1999 附录A


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_the_standards_examples_are_valid(number):
    assert codes.id_number_check_char(number[:17]) == number[17]
    assert codes.id_number_error(number) is None


def test_check_characters_cover_every_remainder():
    # Σ mod 11 → 1 0 X 9 8 7 6 5 4 3 2 (STANDARDS.md §10): 17 zeros give Σ = 0 → "1".
    assert codes.id_number_check_char("0" * 17) == "1"
    assert codes.id_number_check_char("00000000000000001") == "X"  # last weight 2 → Σ mod 11 = 2
    assert codes.id_number_check_char("10000000000000000") == "5"  # weight 7 → 7 → 5


@pytest.mark.parametrize(("number", "message"), [
    ("110105194912310021", "校验码应为 X，实际为 1"),
    ("440524188001010015", "校验码应为 4，实际为 5"),
    ("11010519490231002X", "出生日期 19490231 不是有效日期"),
    ("1101051949123100X2", "前 17 位应为数字，第 18 位为数字或 X"),
    ("11010519491231002", "应为 18 位，实际为 17 位"),
    ("110105491231002", "15 位旧号码请换算为 18 位后填写：11010519491231002X"),
])
def test_bad_numbers_say_why(number, message):
    assert codes.id_number_error(number) == message


def test_lower_case_x_and_future_birth_dates():
    assert codes.id_number_error("11010519491231002x") is None
    future = "110105" + "20300101" + "001"
    future += codes.id_number_check_char(future)
    assert codes.id_number_error(future) is None
    assert codes.id_number_error(future, today=datetime.date(2026, 12, 1)) == "出生日期 2030-01-01 晚于今天"


def test_fifteen_digit_numbers_convert():
    assert codes.id_number_from_15("440524800101001") == "440524198001010010"[:17] + codes.id_number_check_char(
        "44052419800101001")


def death_row(**changes):
    row = {"township": "青石镇", "village": "河口村", "name": "王秀英", "gender": "女", "id_number": "11010519491231002X",
           "birth_date": "1949-12-31", "status": "死亡", "occurred_on": "2025-07-01", "place": "河口村后山",
           "cause": "山体滑坡掩埋", "remarks": ""}
    return {**row, **changes}


def test_a_good_list_passes():
    rows = [death_row(), death_row(name="张三", gender="男", id_number="440524188001010014", birth_date="",
                                   status="失踪")]
    assert namedlists.validate("deaths_missing", rows, today=datetime.date(2026, 12, 1)) == []


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": " "}, "name", "必填"),
    ({"gender": "F"}, "gender", "应为 男、女 之一，实际为「F」"),
    ({"status": "受伤"}, "status", "应为 死亡、失踪 之一"),
    ({"id_number": "110105194912310021"}, "id_number", "校验码应为 X，实际为 1"),
    ({"occurred_on": "7月1日"}, "occurred_on", "「7月1日」不是日期"),
    ({"birth_date": "1950-01-01"}, "birth_date", "1950-01-01 与身份证号码中的 1880-01-01 不一致"),
    ({"gender": "女"}, "gender", "「女」与身份证号码（第 17 位为男性）不一致"),
])
def test_each_problem_is_located(change, field, message):
    second = {"name": "张三", "gender": "男", "id_number": "440524188001010014", "birth_date": "", **change}
    errors = namedlists.validate("deaths_missing", [death_row(), death_row(**second)])
    assert len(errors) == 1, errors
    assert (errors[0].row, errors[0].field) == (2, field)
    assert message in errors[0].message
    assert str(errors[0]).startswith("第 2 行「")


def test_duplicates_by_id_and_by_person():
    same_id = namedlists.validate("deaths_missing", [death_row(), death_row(name="王秀瑛")])
    assert [(e.row, e.field, e.message) for e in same_id] == [(2, "id_number", "与第 1 行重复")]
    # No ID on the second row's twin: same name, birth date (read from the first row's ID) and township.
    twin = death_row(id_number="", birth_date="1949-12-31")
    errors = namedlists.validate("deaths_missing", [death_row(), twin])
    assert [(e.row, e.field) for e in errors] == [(2, "id_number"), (2, "name")]
    assert "与第 1 行姓名、出生日期和乡镇相同" in errors[1].message
    elsewhere = namedlists.validate("deaths_missing", [death_row(), death_row(id_number="", township="白水乡")])
    assert [(e.row, e.field) for e in elsewhere] == [(2, "id_number")]  # only the missing ID: another township


def test_housing_rows():
    row = {"township": "青石镇", "village": "河口村", "name": "李四", "id_number": "440524188001010014",
           "household_size": "4", "damage": "倒塌", "rooms": "3", "structure": "砖木"}
    assert namedlists.validate("housing", [row]) == []
    errors = namedlists.validate("housing", [{**row, "rooms": "三", "damage": "损坏"}])
    assert [(e.field, e.message) for e in errors] == [("damage", "应为 倒塌、严重损坏、一般损坏 之一，实际为「损坏」"),
                                                      ("rooms", "应为不小于 0 的整数，实际为「三」")]


def test_counts_per_township_for_the_figures_check():
    counts = namedlists.death_missing_counts([death_row(), death_row(status="失踪"), death_row(township="白水乡")])
    assert counts[""]["死亡"] == 2 and counts[""]["失踪"] == 1
    assert counts["青石镇"]["失踪"] == 1 and counts["白水乡"]["死亡"] == 1
