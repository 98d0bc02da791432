"""The engine on the traps the issue lists and the rules of the labels (docs/decisions/0023): each
value with its span in the original text. Inputs are fragments of real texts of the development set
(named by id; sources in each text's file) or built from their wording where a trap needs isolating."""

import datetime as dt

import pytest

from yingji.extraction.engine import extract
from yingji.extraction.places import Gazetteer, find, national


def figures(text, **kw):
    return {k: v for k, v in extract(text, **kw).labels().items()
            if k not in ("event_type", "event_subtype", "occurred_date", "places", "cumulative", "approximate")
            and v is not None}


def test_a_report_with_spans_and_confidence():
    text = ("7月3日14时许，四川省宜宾市长宁县双河镇发生山体滑坡，造成3人死亡、5人受伤，另有2人失踪。"
            "倒塌房屋12户36间，直接经济损失约1.2亿元。")
    e = extract(text, dt.date(2016, 7, 4))
    assert (e.event_type.value, e.event_subtype.value) == ("地质灾害", "滑坡")
    assert e.occurred_date.value == "2016-07-03"
    assert [(p.name, p.code) for p in e.places] == [("双河镇", "511524102")]
    assert figures(text) == {"deaths": 3, "injured": 5, "missing": 2, "houses_collapsed": {"value": 36, "unit": "间"},
                             "direct_loss_cny": 120_000_000}
    deaths = e.figures["deaths"]
    assert text[deaths.start:deaths.end] == deaths.text == "3人" and 0 < deaths.confidence <= 1
    assert e.approximate == ["direct_loss_cny"]
    assert e.cumulative.value is False  # the figures of a new event


def test_traditional_text_keeps_its_own_spans():
    # chinanews-2016-09-29-megi-three-provinces (traditional, as the mirror page serves it)
    text = "臺風“鲇魚”已造成浙江、福建、江西3省13市97個縣(市、區)142.5萬人受災,6人死亡,33人失蹤,58.9萬人緊急轉移安置"
    e = extract(text)
    assert e.event_type.value == "台风"
    assert e.labels()["affected_population"] == 1_425_000 and e.labels()["relocated"] == 589_000
    v = e.figures["missing"]
    assert text[v.start:v.end] == "33人"
    assert {p.code for p in e.places} == {"330000", "350000", "360000"}
    assert [p.text for p in e.places] == ["浙江", "福建", "江西"]


@pytest.mark.parametrize("text", [
    "事故发生后，省消防救援总队出动指战员120人、消防车20辆赶赴现场，3人受伤。",
    "市里派出救援人员300余名，搜救被困人员，3人受伤。",
    "大客车核载55人，实载53人，事故造成3人受伤。",
    "伤者中有一名12岁儿童，3人受伤。",
    "火灾发生在18层，3人受伤。",
    "依据《生产安全事故报告和调查处理条例》（国务院令第493号），事故造成3人受伤。",
])
def test_numbers_that_are_not_casualties(text):
    assert figures(text) == {"injured": 3}


def test_national_statistics_inside_a_local_story_are_not_its_figures():
    text = ("8月15日，裕安区江家店镇遭遇龙卷风袭击，倒塌房屋5户11间。今年以来全国因灾死亡失踪200人，"
            "紧急转移安置50万人。")
    assert figures(text) == {"houses_collapsed": {"value": 11, "unit": "间"}}


def test_a_national_text_keeps_its_national_figures():
    # chinadaily-2012-05-16-floods-hail-national-trad (simplified here)
    text = "截至5月16日8时，4月底以来发生的洪涝风雹灾害已造成全国1311.9万人次受灾，102人死亡，30人失踪，82.9万人需应急救助。"
    assert figures(text) == {"affected_population": 13_119_000, "deaths": 102, "missing": 30,
                             "need_emergency_relief": 829_000}
    assert extract(text).cumulative.value is True


@pytest.mark.parametrize("text, zeros", [
    ("暂无人员伤亡。", {"deaths": 0, "injured": 0}),
    ("事故未造成人员伤亡。", {"deaths": 0, "injured": 0}),
    ("无人员失踪。", {"missing": 0}),
    ("事故造成3人受伤，无人员死亡。", {"injured": 3, "deaths": 0}),
])
def test_an_explicit_zero_is_zero(text, zeros):
    assert figures(text) == zeros


def test_silence_is_unknown():
    e = extract("6月6日晚，灵丘县遭遇罕见的冰雹灾害。")
    assert figures("6月6日晚，灵丘县遭遇罕见的冰雹灾害。") == {}
    assert e.cumulative.value is False  # a new event's report, as the labels read it


def test_totals_win_over_parts_and_the_latest_update_wins():
    # chinanews-2016-09-29-megi-three-provinces: the total, then a province's part
    text = ("台风已造成浙江、福建、江西3省142.5万人受灾，6人死亡，33人失踪。"
            "据福建省民政厅报告，福州、厦门、莆田等9市62.5万人受灾，5人死亡。")
    assert figures(text) == {"affected_population": 1_425_000, "deaths": 6, "missing": 33}
    updates = "事故已造成12人死亡。截至7日8时，死亡人数上升至15人。"
    assert figures(updates) == {"deaths": 15}


def test_parts_of_one_crop_are_not_the_crop_total():
    # lalt-yuan-jiangjiadian-tornado: areas per crop only
    assert figures("龙卷风共造成倒伏水稻1900余亩，绝收900余亩；倒伏玉米450余亩，绝收450余亩。") == {}


def test_figures_given_respectively():
    assert figures("事故造成的死亡、失踪、受伤人数分别为3人、2人、5人。") == {"deaths": 3, "missing": 2, "injured": 5}


def test_a_number_before_its_cue_and_the_next_after_its_own():
    # chinanews-2016-09-29-megi-three-provinces, the title
    assert figures("台风鲇鱼致闽浙赣6人死亡33人失踪 直接经济损失25.8亿元") == {
        "deaths": 6, "missing": 33, "direct_loss_cny": 2_580_000_000}


def test_one_figure_in_two_units():
    # cctv-2009-06-12-lingqiu-hail: 户 and 人 for the affected population
    assert figures("受灾人口达2.31万户、7.39万人。") == {"affected_population": 73_900}


def test_dates():
    assert extract("1月22日5时51分，镇雄县塘房镇发生滑坡。", dt.date(2024, 1, 22)).occurred_date.value == "2024-01-22"
    assert extract("1月22日5时51分，镇雄县塘房镇发生滑坡。").occurred_date.value == "--01-22"  # year not stated
    assert extract("截至5月16日8时，4月底以来的洪涝灾害已造成2人死亡。", dt.date(2012, 5, 16)).occurred_date.value == "2012-04"
    assert extract("新华社成都7月4日电 7月3日，长宁县发生滑坡。", dt.date(2016, 7, 4)).occurred_date.value == "2016-07-03"
    assert extract("今年第八号台风“莫拉克”正面袭击福建。", dt.date(2009, 8, 10)).occurred_date is None


def test_an_ambiguous_place_is_listed_with_its_candidates_not_guessed():
    e = extract("朝阳区发生火灾，3人受伤。")
    assert [(p.code, sorted(c["code"] for c in p.candidates)) for p in e.places] == [
        (None, sorted(u.code for u in national().units.values() if u.name == "朝阳区"))]
    assert [p.code for p in extract("北京市朝阳区发生火灾，3人受伤。").places] == ["110105"]


def test_places_down_to_village_with_the_platforms_own_table():
    gazetteer = national().merged([("430181125234", "大围山村", "village", "430181125")])
    mentions = find("浏阳市大围山镇大围山村发生山洪", gazetteer)
    assert [m.code for m in mentions][-1] == "430181125234"
    e = extract("浏阳市大围山镇大围山村发生山洪，2人失踪。", gazetteer=gazetteer)
    assert [p.code for p in e.places] == ["430181125234"]


def test_a_short_county_name_needs_its_parent_named():
    assert find("通道两侧发生塌方", national()) == []  # 通道 is also 通道侗族自治县
    assert [m.code for m in find("宜宾长宁发生地震", national())] == ["511500", "511524"]


def test_the_gazetteer_reads_plain_rows():
    g = Gazetteer.from_rows([{"code": "1", "name": "甲省", "level": "province", "parent": ""},
                             {"code": "11", "name": "乙县", "level": "county", "parent": "1"}])
    assert g.ancestors("11") == ["1"]


def test_the_events_date_not_a_forecast_a_caption_or_another_event():
    # chinanews-2008-06-27-linwu-flash-flood: a day in Chinese numerals without its month
    assert extract("二十五日晚，郴州市临武县暴发山洪。", dt.date(2008, 6, 27)).occurred_date.value == "2008-06-25"
    # lufeng-2023-08-02-hail-report: a date and the hour it happened is no publication stamp
    assert extract("2023年8月2日16:00左右，禄丰市勤丰镇遭受冰雹。").occurred_date.value == "2023-08-02"
    # fjdaily-2017-08-23-hato-fujian-transfer: 预计…将于23日 has not happened yet
    text = "台风“天鸽”22日16时中心位于东经118.2度。预计，“天鸽”将于23日白天在广东沿海登陆。"
    assert extract(text, dt.date(2017, 8, 23)).occurred_date.value == "2017-08-22"
    # chinanews-2009-08-10-morakot-fujian: each date's onset and place up to the next date
    text = ("台风“莫拉克”正面袭击福建，给福建造成了较大经济损失：一百四十多万人受灾。"
            "截至十日九时初步统计，福建共有六个设区市、四十六个县、一百四十一点一万人受灾。"
            "“莫拉克”七日二十三时四十五分登陆台湾花莲，九日十六时二十分在福建宁德市霞浦县沿海再次登陆。")
    assert extract(text, dt.date(2009, 8, 10)).occurred_date.value == "2009-08-09"
    # people-2016-05-07-shenzhen-dust-explosion: an accident named by its date
    text = "更新日期:2016年05月07日\n安监总局通报深圳“4·29”粉尘爆炸事故，已造成4人死亡。"
    assert extract(text, dt.date(2016, 5, 7)).occurred_date.value == "2016-04-29"
    assert extract("云南大理州漾濞县发生6.4级地震。", dt.date(2021, 5, 23)).occurred_date is None  # 6.4 is no date


def test_townships_as_texts_write_them():
    g = national()
    # feidong-2024-04-07-house-fire-notice: 撮镇 for the official 撮镇镇
    assert [m.code for m in find("肥东县撮镇中心街一民房起火", g)][-1] == "340122101"
    # jinqian-2008-02-14-wuchuan-forest-fire: 都濡镇 before it became 都濡街道
    assert [m.code for m in find("遵义市务川自治县都濡镇大坡林场发生一起森林火灾", g)][-1] == "520326002"
    # weather-2016-07-14-jinsha-rainstorm: 石场乡 for 石场苗族彝族乡, and stems in a list of townships
    assert [m.code for m in find("金沙县石场乡145.5毫米", g)][-1] == "520523202"
    assert [m.code for m in find("金沙县出现暴雨。暴雨致石场、高坪等乡镇受灾", g)][1:] == ["520523202", "520523110"]
    assert [m.code for m in find("金沙县出现暴雨，高坪一带受灾", g)] == ["520523"]  # a stem alone is a word


def test_a_unit_listed_as_its_own_parent_ends_the_chain():
    g = Gazetteer.from_rows([("46", "海南省", "province", ""), ("4604", "儋州市", "county", "4604"),
                             ("4604115", "东成镇", "township", "4604")])
    assert g.ancestors("4604115") == ["4604"]


def test_a_kind_stated_in_brackets():
    # lufeng-2022-12-16-guangtong-flood-report
    e = extract("此次强降雨共造成禄丰市广通镇清水等3个村委会发生洪涝灾害(江河洪水)，造成烤烟受灾。")
    assert (e.event_type.value, e.event_subtype.value) == ("暴雨洪涝", "江河洪水")
