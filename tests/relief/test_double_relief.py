"""No double relief: one household gets an item once per period — the service skips it with the reason,
the database refuses it whatever path writes, repeated items keep their minimum interval, a cancelled
batch frees its households; two batches taking the same household at the same moment (PostgreSQL)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests.relief.conftest import shelter_rows
from yingji.core.framework import workflow
from yingji.relief import services
from yingji.relief.models import BatchLine, Beneficiary, ReliefBatch

needs_postgres = pytest.mark.skipif(
    "not __import__('django.db').db.connection.vendor == 'postgresql'",
    reason="row locks (SELECT … FOR UPDATE) and real concurrent transactions need PostgreSQL; SQLite serialises writes")


def batch(users, event, tree, kind="emergency", category="emergency", start=None, **kw):
    return services.create_batch(users["staff"], event=event, region=tree["county"], kind=kind, category=category,
                                 period_start=start or event.onset_date, **kw)


def test_a_second_batch_of_the_same_period_skips_the_household_with_why(tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 2), users["staff"])
    first = batch(users, event, tree)
    assert services.add_households(users["staff"], first)["added"] == 2
    second = batch(users, event, tree)
    result = services.add_households(users["staff"], second)
    assert result["added"] == 0 and len(result["skipped"]) == 2
    assert f"已在批次 {first.number} 中领取" in result["skipped"][0][1]
    second.refresh_from_db()
    assert second.households == 0 and second.total_cny == 0


def test_the_database_refuses_a_second_line_whatever_path_writes(tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 1), users["staff"])
    first = batch(users, event, tree)
    services.add_households(users["staff"], first)
    line = BatchLine.objects.get(batch=first)
    second = batch(users, event, tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchLine.objects.create(batch=second, beneficiary=line.beneficiary, region=line.region, kind=line.kind,
                                 household_key=line.household_key, period_key=line.period_key,
                                 period_start=line.period_start, people=1, amount_cny=1)


def test_monthly_transition_relief_once_per_month_up_to_its_periods(tree, users, event, items):
    rows = shelter_rows(tree, 1)
    services.beneficiaries_from_households(event, rows, users["staff"])
    Beneficiary.objects.update(category="transition")
    onset = event.onset_date
    month1 = batch(users, event, tree, "transition", "transition", onset)
    assert services.add_households(users["staff"], month1)["added"] == 1
    line = BatchLine.objects.get(batch=month1)
    assert line.period_key == f"E{event.pk}-P1" and line.days == 30 and line.amount_cny == 20 * 2 * 30
    # ten days later is still the first month: refused by the period, and a new period too soon by the interval
    same = batch(users, event, tree, "transition", "transition", onset + datetime.timedelta(days=10))
    assert "已在批次" in services.add_households(users["staff"], same)["skipped"][0][1]
    month2 = batch(users, event, tree, "transition", "transition", onset + datetime.timedelta(days=30))
    assert services.add_households(users["staff"], month2)["added"] == 1
    items["transition"].min_interval_days = 45  # a jurisdiction that pays every 45 days at the least
    items["transition"].save()
    month3 = batch(users, event, tree, "transition", "transition", onset + datetime.timedelta(days=60))
    assert "至少间隔 45 天" in services.add_households(users["staff"], month3)["skipped"][0][1]
    with pytest.raises(ValidationError, match="最多发放 3 期"):
        services.add_households(users["staff"], batch(users, event, tree, "transition", "transition",
                                                      onset + datetime.timedelta(days=95)))


def test_winter_spring_once_per_season_across_events(tree, users, event, items):
    from yingji.disasters.models import DisasterEvent

    other = DisasterEvent.objects.create(name="金刚镇低温雨雪冰冻", disaster_type="flood", onset_date=datetime.date(2026, 11, 1),
                                         learned_at=event.learned_at, region=tree["county"])
    for e in (event, other):
        services.beneficiaries_from_households(e, shelter_rows(tree, 1), users["staff"])
    Beneficiary.objects.update(category="winter_spring")
    winter = datetime.date(2026, 12, 10)
    first = batch(users, event, tree, "winter_spring", "winter_spring", winter)
    assert services.add_households(users["staff"], first)["added"] == 1
    again = batch(users, other, tree, "winter_spring", "winter_spring", datetime.date(2027, 2, 1))
    assert "冬春2026" in services.add_households(users["staff"], again)["skipped"][0][1]


def test_cancelling_frees_the_households(tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 1), users["staff"])
    first = batch(users, event, tree)
    services.add_households(users["staff"], first)
    workflow.apply(users["leader"], first, "cancel", comment="", inputs={"reason": "名单有误，重新评议"})
    first.refresh_from_db()
    assert first.state == "cancelled" and first.households == 0 and not first.lines.exists()
    assert services.add_households(users["staff"], batch(users, event, tree))["added"] == 1


def test_a_household_cannot_be_added_once_the_batch_is_reviewed(api, tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 2), users["staff"])
    b = batch(users, event, tree)
    services.add_households(users["staff"], b, list(Beneficiary.objects.filter(household_ref="H001")))
    workflow.apply(users["township_a"], b, "review")
    response = api("staff").post(f"/api/relief-batches/{b.pk}/add-households/", {}, format="json")
    assert response.status_code == 409 and "不能再调整" in response.json()["detail"]


def together(*calls):
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # an IntegrityError here would be the 500 the constraint must not give
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_taking_the_same_household_at_once(tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 1), users["staff"])
    batches = [batch(users, event, tree) for _ in range(2)]

    def add(b):
        def call():
            with transaction.atomic():
                return services.add_households(users["staff"], b)
        return call

    for _ in range(3):
        BatchLine.objects.all().delete()
        results = together(add(batches[0]), add(batches[1]))
        assert all(isinstance(r, dict) for r in results), results
        assert sorted(r["added"] for r in results) == [0, 1]
        assert "不能重复救助" in next(r for r in results if not r["added"])["skipped"][0][1]
        assert BatchLine.objects.count() == 1
        totals = sorted(ReliefBatch.objects.filter(pk__in=[b.pk for b in batches]).values_list("households", flat=True))
        assert totals == [0, 1]
