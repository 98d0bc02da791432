"""Document numbers come from one counter per kind and series (core.numbering, issue 14 point 2b):
consecutive, formatted as before, seeded from what a database already holds, given back on a
rollback, restarting with each day (and so with each year), and distinct under concurrent intake."""

import datetime
import json
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from tests.incidents.test_concurrency import together
from yingji.core.models import NumberSequence
from yingji.incidents import services
from yingji.incidents.models import Incident, Report
from yingji.resources.models import TransferOrder, Warehouse
from yingji.warnings.models import Warning

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def day(when=None) -> str:
    return f"{timezone.localtime(when or timezone.now()):%Y%m%d}"


def at(*args) -> datetime.datetime:
    """A moment in Beijing time (numbers take the local day)."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def received(make_incident, when):
    return make_incident(occurred_at=when - datetime.timedelta(minutes=10), received_at=when)


def make_warning(tree, title="大瑶镇暴雨橙色预警"):
    now = timezone.now()
    return Warning.objects.create(
        event_type="rainstorm", level="orange", title=title, content="预计未来6小时降雨量将达100毫米以上。",
        effective=now, expires=now + datetime.timedelta(hours=12), region=tree["county"], target_regions=tree["a"].code,
        target_roles="township_leader", area=json.dumps({"circle": [113.78, 27.98, 5]}))


@pytest.fixture
def store(tree):
    return Warehouse.objects.create(name="大瑶镇储备点", level="township", region=tree["a"], lon=113.8, lat=27.95)


def make_order(store):
    return TransferOrder.objects.create(source=store, destination="大瑶村安置点", region=store.region, purpose="转移安置")


# ---- consecutive, as formatted before -------------------------------------------------------------

def test_incident_numbers_are_the_days_consecutive_serials(make_incident):
    numbers = [make_incident().number for _ in range(3)]
    today = day()
    assert numbers == [f"SJ{today}001", f"SJ{today}002", f"SJ{today}003"]


def test_warning_codes_and_transfer_order_numbers_keep_their_formats(tree, store):
    today = day()
    assert [make_warning(tree).code for _ in range(2)] == [f"YJ{today}001", f"YJ{today}002"]
    assert [make_order(store).number for _ in range(2)] == [f"DB{today}-0001", f"DB{today}-0002"]


def test_report_issues_count_per_incident_and_apart_from_reports_received_from_below(make_incident, duty):
    first, second = make_incident(), make_incident()
    assert [services.draft_report(duty, first).sequence for _ in range(3)] == [1, 2, 3]
    assert services.draft_report(duty, second).sequence == 1
    below = Report.objects.create(incident=first, from_below=True, issuer="大瑶镇人民政府")
    assert (below.sequence, below.state) == (1, "received")
    assert services.draft_report(duty, first).sequence == 4


def test_a_backdated_incident_takes_the_next_serial_of_its_own_day(make_incident):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    today = make_incident().number
    late = received(make_incident, yesterday).number
    assert today == f"SJ{day()}001" and late == f"SJ{day(yesterday)}001"
    assert make_incident().number == f"SJ{day()}002"


def test_each_year_starts_at_one_again(make_incident, store, monkeypatch):
    assert received(make_incident, at(2025, 12, 31, 23, 50)).number == "SJ20251231001"
    assert received(make_incident, at(2025, 12, 31, 23, 55)).number == "SJ20251231002"
    assert received(make_incident, at(2026, 1, 1, 0, 5)).number == "SJ20260101001"
    assert received(make_incident, at(2025, 12, 31, 23, 58)).number == "SJ20251231003"  # entered after midnight
    # 23:30 UTC on 31 December is already 1 January in Beijing: the local day counts.
    assert received(make_incident, datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC)).number == "SJ20250101001"

    for moment, number in ((at(2025, 12, 31, 20, 0), "DB20251231-0001"), (at(2026, 1, 1, 8, 0), "DB20260101-0001"),
                           (at(2026, 1, 1, 9, 0), "DB20260101-0002")):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert make_order(store).number == number


# ---- a database numbered before the counters ------------------------------------------------------

def test_a_series_numbered_before_the_counters_continues_after_its_highest_number(make_incident, tree, store, duty):
    today = day()
    older = make_incident()
    Incident.objects.filter(pk=older.pk).update(number=f"SJ{today}041")  # as max + 1 had left it
    warning = make_warning(tree)
    Warning.objects.filter(pk=warning.pk).update(code=f"YJ{today}007")
    order = make_order(store)
    TransferOrder.objects.filter(pk=order.pk).update(number=f"DB{today}-0019")
    for _ in range(2):
        services.draft_report(duty, older)
    NumberSequence.objects.all().delete()  # none of the counters existed yet

    assert make_incident().number == f"SJ{today}042"
    assert make_warning(tree).code == f"YJ{today}008"
    assert make_order(store).number == f"DB{today}-0020"
    assert services.draft_report(duty, older).sequence == 3


# ---- rolled back, given back ----------------------------------------------------------------------

def test_an_intake_that_rolls_back_gives_its_number_back(make_incident):
    first = make_incident().number
    with pytest.raises(RuntimeError), transaction.atomic():
        assert make_incident().number.endswith("002")
        raise RuntimeError("the rest of the intake failed")
    assert make_incident().number == first[:-3] + "002"
    assert NumberSequence.objects.get(kind="incidents.incident", series=day()).last == 2


# ---- concurrent writers -------------------------------------------------------------------------

WRITERS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counter_exists", [False, True], ids=["first of the day", "counter in use"])
def test_concurrent_intakes_get_distinct_consecutive_numbers(make_incident, counter_exists):
    """Real threads, each its own connection and transaction, released at one barrier. On PostgreSQL
    max + 1 gave two of them the same number (a unique-constraint 500 on intake); SQLite (IMMEDIATE
    transactions) serialises the writers, so there it checks the same outcome without the race."""
    today = day()
    if counter_exists:
        make_incident()
    results = together(*[make_incident for _ in range(WRITERS)])
    assert results == ["ok"] * WRITERS
    numbers = sorted(Incident.objects.values_list("number", flat=True))
    start = 2 if counter_exists else 1
    assert numbers[-WRITERS:] == [f"SJ{today}{n:03d}" for n in range(start, start + WRITERS)]
    assert NumberSequence.objects.get(kind="incidents.incident", series=today).last == start + WRITERS - 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_report_drafts_get_distinct_issue_numbers(make_incident, duty):
    incident = make_incident()
    results = together(*[lambda: services.draft_report(duty, incident) for _ in range(WRITERS)])
    assert results == ["ok"] * WRITERS
    assert sorted(incident.reports.values_list("sequence", flat=True)) == list(range(1, WRITERS + 1))
