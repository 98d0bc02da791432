"""Hidden-hazard statistics for the dashboard, computed in the database and restricted to scope."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from yingji.core.framework.access import effective_region
from yingji.core.models import Region
from yingji.hazards.choices import Grade, State
from yingji.hazards.models import Hazard

OPEN = [State.REPORTED, State.RECTIFYING, State.OVERDUE, State.AWAITING_ACCEPTANCE]
VERIFIED = [State.RECTIFYING, State.OVERDUE, State.AWAITING_ACCEPTANCE, State.CLOSED]
AGE_BUCKETS = [("7 天以内", 0, 7), ("8–30 天", 8, 30), ("31–90 天", 31, 90), ("90 天以上", 91, None)]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summary(user) -> dict:
    hazards = Hazard.objects.for_user(user)
    now = timezone.now()
    # One pass over the hazards for every count, state and age bucket.
    ages_q = {f"age{i}": Count("id", filter=Q(state__in=OPEN, found_at__lte=now - datetime.timedelta(days=low)) & (
        Q(found_at__gt=now - datetime.timedelta(days=high + 1)) if high is not None else Q()))
        for i, (_, low, high) in enumerate(AGE_BUCKETS)}
    states_q = {f"state_{s}": Count("id", filter=Q(state=s)) for s in State.values}
    totals = hazards.aggregate(
        **ages_q, **states_q,
        total=Count("id"), open=Count("id", filter=Q(state__in=OPEN)),
        open_major=Count("id", filter=Q(state__in=OPEN, grade=Grade.MAJOR)),
        verified=Count("id", filter=Q(state__in=VERIFIED)), closed=Count("id", filter=Q(state=State.CLOSED)),
        overdue=Count("id", filter=Q(state=State.OVERDUE)),
        in_rectification=Count("id", filter=Q(state__in=[State.RECTIFYING, State.OVERDUE])),
        ever_escalated=Count("id", filter=Q(escalated_at__isnull=False)),
        avg_close=Avg(ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField()),
                      filter=Q(state=State.CLOSED)),
    )
    ages = {k: totals.pop(k) for k in ages_q}
    by_state = {k.removeprefix("state_"): totals.pop(k) for k in states_q}
    avg_close = totals.pop("avg_close")
    return {
        **totals,
        "rectification_rate": _rate(totals["closed"], totals["verified"]),
        "overdue_rate": _rate(totals["overdue"], totals["in_rectification"]),
        "escalation_rate": _rate(totals["ever_escalated"], totals["verified"]),
        "avg_days_to_close": round(avg_close.total_seconds() / 86400, 1) if avg_close else None,
        "by_state": [(State(s).label, by_state.get(s, 0)) for s in State.values],
        "by_age": [(label, ages[f"age{i}"]) for i, (label, _, _) in enumerate(AGE_BUCKETS)],
        "by_region": by_region(user, hazards),
        # what the list shows (title, unit, state, date): not the hazards' texts, photos' JSON or units' rows
        "major_list": list(hazards.filter(state__in=OPEN, grade=Grade.MAJOR).select_related("organization")
                           .only("title", "state", "found_at", "organization__name").order_by("found_at")[:100]),
    }


def by_region(user, hazards) -> list[dict]:
    """Open hazards per region one level below the user's region, split by grade (grouped in SQL)."""
    top = effective_region(user) or Region.objects.filter(level="county").first()
    if top is None:
        return []
    children = {c.path: c for c in Region.objects.filter(parent=top).only("code", "name", "path")}
    if not children:
        return []
    width = len(next(iter(children)))  # paths of siblings have equal length: parent path + own code + "/"
    rows = (hazards.filter(state__in=OPEN).annotate(branch=Substr("region__path", 1, width))
            .filter(region__path__startswith=top.path)
            .values("branch").annotate(general=Count("id", filter=Q(grade=Grade.GENERAL)),
                                       major=Count("id", filter=Q(grade=Grade.MAJOR))).order_by())
    counts = {r["branch"]: r for r in rows}
    return [{"region": child.name, "code": child.code, "general": counts.get(path, {}).get("general", 0),
             "major": counts.get(path, {}).get("major", 0)} for path, child in sorted(children.items())]
