"""CAP 1.2 kept whole (warnings/cap.py, a pure engine): import → export → import gives the same
message, over generated messages (hypothesis) and over real messages of other services
(tests/data/cap/third_party/, sources in its SOURCES.md); times in CAP's form; colours from the
message's own level, then the rules."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from yingji.warnings import cap

THIRD_PARTY = Path(__file__).parent / "data" / "cap" / "third_party"
REAL = sorted(THIRD_PARTY.glob("*.xml"))

# --- generated messages -------------------------------------------------------------------------------

# Text as senders write it: any printable characters (Chinese, accents, markup characters the XML
# escapes), including leading/trailing spaces and line breaks — kept exactly.
text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
               | st.sampled_from("\n\t<>&\"'中文预警"), min_size=1, max_size=30)
token = st.from_regex(r"[A-Za-z0-9._:-]{1,20}", fullmatch=True)
opt = lambda s: st.none() | s  # noqa: E731


@st.composite
def cap_times(draw):
    at = draw(st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2099, 1, 1)))
    minutes = draw(st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15))
    return cap.cap_time(at.replace(tzinfo=datetime.UTC), datetime.timezone(datetime.timedelta(minutes=minutes)))


lat = st.floats(-90, 90, allow_nan=False).map(lambda x: f"{x:.4f}")
lon = st.floats(-180, 180, allow_nan=False).map(lambda x: f"{x:.4f}")
point = st.tuples(lat, lon).map(lambda p: f"{p[0]},{p[1]}")
polygon = st.lists(point, min_size=3, max_size=6).map(lambda ps: " ".join(ps + [ps[0]]))
circle = st.tuples(point, st.floats(0, 500, allow_nan=False).map(lambda r: f"{r:g}")).map(" ".join)
pairs = st.lists(st.tuples(text, text), max_size=3)
area = st.builds(cap.Area, areaDesc=text, polygons=st.lists(polygon, max_size=2), circles=st.lists(circle, max_size=2),
                 geocodes=pairs, altitude=opt(st.decimals(-500, 9000, places=1).map(str)),
                 ceiling=opt(st.decimals(0, 9000, places=1).map(str)))
resource = st.builds(cap.Resource, resourceDesc=text, mimeType=st.sampled_from(["image/png", "audio/mpeg", "text/plain"]),
                     size=opt(st.integers(0, 10**9).map(str)), uri=opt(st.just("http://example.org/r.png")),
                     derefUri=opt(st.just("aGVsbG8=")), digest=opt(st.just("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")))
info = st.builds(
    cap.Info, language=opt(st.sampled_from(["zh-CN", "en-US", "fr-CA", "is-IS", "es-419"])),
    categories=st.lists(st.sampled_from(["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
                                         "Transport", "Infra", "CBRNE", "Other"]), min_size=1, max_size=3),
    event=text, responseTypes=st.lists(st.sampled_from(["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor",
                                                        "Assess", "AllClear", "None"]), max_size=2),
    urgency=st.sampled_from(["Immediate", "Expected", "Future", "Past", "Unknown"]),
    severity=st.sampled_from(cap.SEVERITIES),
    certainty=st.sampled_from(["Observed", "Likely", "Possible", "Unlikely", "Unknown"]),
    audience=opt(text), eventCodes=pairs, effective=opt(cap_times()), onset=opt(cap_times()), expires=opt(cap_times()),
    senderName=opt(text), headline=opt(text), description=opt(text), instruction=opt(text),
    web=opt(st.just("http://example.org/w")), contact=opt(text), parameters=pairs, resources=st.lists(resource, max_size=2),
    areas=st.lists(area, max_size=3))
references = st.lists(st.tuples(token, token, cap_times()).map(",".join), min_size=1, max_size=3).map(" ".join)
alert = st.builds(
    cap.Alert, identifier=token, sender=token, sent=cap_times(), status=st.sampled_from(cap.STATUSES),
    msgType=st.sampled_from(cap.MSG_TYPES), scope=st.sampled_from(["Public", "Restricted", "Private"]),
    source=opt(text), restriction=opt(text), addresses=opt(text), codes=st.lists(text, max_size=2), note=opt(text),
    references=opt(references), incidents=opt(text), infos=st.lists(info, max_size=3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alert)
def test_round_trip_over_generated_messages(message):
    xml = cap.render(message)  # raises if the schema refuses what we wrote
    again = cap.parse(xml)
    assert again == message
    assert cap.render(again) == xml
    assert cap.Alert.from_dict(message.to_dict()) == message  # what the database keeps is the same message


# --- real messages ------------------------------------------------------------------------------------

def _leaves(root) -> Counter:
    """Every element of a message as (path of local names, text when a leaf), counted."""
    found = Counter()

    def walk(el, path):
        name = etree.QName(el).localname
        here = f"{path}/{name}"
        children = [c for c in el if isinstance(c.tag, str)]
        found[(here, None if children else (el.text or ""))] += 1
        for c in children:
            walk(c, here)

    walk(root, "")
    return found


def test_at_least_five_national_services_are_tried():
    assert len(REAL) >= 10
    sources = (THIRD_PARTY / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{p.name}`" in sources or p.name.startswith("oasis-cap12-appendix") for p in REAL)
    senders = {cap.parse(p.read_bytes()).sender for p in REAL}
    assert len(senders) >= 10


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_a_real_message_imports_without_loss(path):
    original = path.read_bytes()
    message = cap.parse(original)
    exported = cap.render(message)
    cap.schema().assertValid(cap.validate(exported))
    assert cap.parse(exported) == message
    # Nothing dropped or changed: every element and text of the original is in the re-export.
    assert _leaves(etree.fromstring(exported)) == _leaves(etree.fromstring(original, cap._parser()))


def test_what_the_real_messages_carry_is_kept():
    by_name = {p.stem: cap.parse(p.read_bytes()) for p in REAL}
    canada = by_name["ca-eccc-thunderstorm-update"]
    assert [i.lang for i in canada.infos] == ["en-CA", "fr-CA"] and canada.msgType == "Update"
    assert canada.restriction == "" and canada.note == ""  # empty elements stay empty, not absent
    assert len(canada.referenced()) == 2 and canada.referenced()[0][0] == "cap@ec.gc.ca"
    point = by_name["oasis-cap12-appendix-a3"].infos[0].areas[0].circles
    assert point == ["32.9525,-115.5527 0"] and cap.circle_parts(point[0])[2] == 0  # radius 0 is legal
    naad = by_name["ca-naad-eccc-weather"]
    assert sum(len(a.polygons) for i in naad.infos for a in i.areas) >= 2
    assert any(r.derefUri for r in by_name["us-fema-ipaws-local-area-emergency"].infos[0].resources)
    assert by_name["us-noaa-wcatwc-tsunami-cancellation"].signatures  # the ds:Signature is carried along
    assert by_name["tw-wra-reservoir-release"].infos[0].event == "水庫洩洪"


# --- times, references, colours ---------------------------------------------------------------------------

def test_cap_time_has_an_offset_no_fraction_and_no_z():
    at = datetime.datetime(2026, 11, 22, 0, 0, 0, 123456, tzinfo=datetime.UTC)
    assert cap.cap_time(at) == "2026-11-22T08:00:00+08:00"
    assert cap.cap_time(at, datetime.UTC) == "2026-11-22T00:00:00+00:00"
    with pytest.raises(ValueError):
        cap.cap_time(datetime.datetime(2026, 1, 1))  # a naive time has no honest offset
    assert cap.parse_time("2012-05-02T21:45:05-00:00") == datetime.datetime(2012, 5, 2, 21, 45, 5, tzinfo=datetime.UTC)
    with pytest.raises(cap.CapError, match="时间格式"):
        cap.parse_time("2026-11-22 08:00")


@given(cap_times())
def test_generated_times_are_in_cap_form(t):
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", t)


def _info(**kw):
    return cap.Info(event="e", urgency="Expected", severity=kw.pop("severity", "Moderate"), certainty="Likely", **kw)


def test_colour_comes_from_the_message_then_the_sender_then_the_default():
    rules = {("", "Moderate"): "yellow", ("", "Unknown"): "blue", ("met.example", "Moderate"): "orange"}
    # MeteoAlarm's own level: a red alert may carry severity Moderate.
    red = _info(parameters=[("awareness_level", "4; red; Extreme")])
    assert cap.level_of(red, "met.example", rules)[0] == "red"
    assert cap.level_of(_info(parameters=[("预警级别", "橙色预警")]), "x", rules)[0] == "orange"
    assert cap.level_of(_info(eventCodes=[("CN_WARN", "11B03_BLUE")]), "x", rules)[0] == "blue"
    # A parameter that is not a level does not colour the message, even if it names a colour.
    assert cap.level_of(_info(parameters=[("note", "red tide")]), "x", rules) == ("yellow", "按默认规则：严重程度较重")
    assert cap.level_of(_info(), "met.example", rules)[0] == "orange"  # the sender's own rule
    assert cap.level_of(_info(severity="Unknown"), "x", rules)[0] == "blue"
    with pytest.raises(cap.CapError, match="Severe"):
        cap.level_of(_info(severity="Severe"), "x", rules)
