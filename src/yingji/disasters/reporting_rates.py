"""The reporting-rate dashboard and the 灾情 map by township, read from the database.

Reporting rates follow DHIS2 (rates.py, pure): a *slot* is one report a level owes — a township's
figures to the county, the county's 初报, each 续报, 24小时零报告 and 核报 — with its due time, exactly the
clocks the platform keeps per event (DisasterDeadline, computed by clocks.py from the rules as data);
received and on time come from when each was sent. One query reads the slots of the selection,
whatever the number of events.

The map colours each township by one 快报 indicator of the selected event — or, for a period, summed
over its events — from each township's latest report sent (one query, the one figure extracted in SQL
rather than the reports' whole JSON)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import FloatField, Func
from django.db.models.fields.json import KT
from django.utils import timezone

from yingji.core.framework import access
from yingji.core.models import Region
from yingji.disasters import catalogue, rates
from yingji.disasters.models import DisasterDeadline, DisasterEvent, DisasterReport

SENT = ("submitted", "accepted")  # a report the level above has (a returned one is not received)
# The indicators the map offers, in the 快报's order (catalogue codes).
MAP_INDICATORS = ("affected_population", "deaths", "missing", "relocated_total", "relocated_current",
                  "houses_collapsed_rooms", "crop_affected_area", "direct_loss")


@functools.cache
def rules() -> catalogue.Rules:
    """The national catalogue (types, indicators), read once per process: the labels and units."""
    return catalogue.national()


class SelectionError(ValueError):
    """A malformed selection: ``field`` names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Selection:
    since: datetime.date | None = None
    until: datetime.date | None = None
    disaster_type: str = ""
    event: int | None = None

    def as_query(self) -> str:
        parts = [f"since={self.since}" if self.since else "", f"until={self.until}" if self.until else "",
                 f"type={self.disaster_type}" if self.disaster_type else "", f"event={self.event}" if self.event else ""]
        return "&".join(p for p in parts if p)


def selection(since="", until="", type="", event="") -> Selection:  # noqa: A002 (the query parameter's name)
    """A selection from query parameters; a bad one is a SelectionError naming the parameter."""
    def day(name, text):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise SelectionError(name, "日期格式应为 YYYY-MM-DD") from None

    start, end = day("since", since), day("until", until)
    if start and end and start > end:
        raise SelectionError("until", "截止日期不能早于起始日期")
    if type and type not in rules().types:
        raise SelectionError("type", f"没有灾害种类“{type}”")
    if event and not str(event).isdigit():
        raise SelectionError("event", "灾情事件应为编号（数字）")
    return Selection(start, end, type, int(event) if event else None)


def events(user, sel: Selection):
    qs = DisasterEvent.objects.for_user(user)
    if sel.event:
        return qs.filter(pk=sel.event)
    if sel.since:
        qs = qs.filter(onset_date__gte=sel.since)
    if sel.until:
        qs = qs.filter(onset_date__lte=sel.until)
    if sel.disaster_type:
        qs = qs.filter(disaster_type=sel.disaster_type)
    return qs


def own_township(user) -> Region | None:
    """The township a township or village account belongs to: it sees its own figures only."""
    if access.has_global_scope(user):
        return None
    region = access.effective_region(user)
    if region is None or region.level not in ("township", "village"):
        return None
    return region if region.level == "township" else region.parent


def level_of(key: str) -> tuple[str, str]:
    """(level, township) of a clock key (clocks.py): ``township:<name>``, ``initial:<level>``,
    ``final:<level>``, ``zero:<level>:<day>``, ``followup-<n>`` and the 越级 ``skip:*`` (the county's)."""
    head, _, rest = key.partition(":")
    if head == "township":
        return "township", rest
    if head in ("initial", "final", "zero"):
        return rest.split(":")[0], ""
    return "county", ""  # followup-<n>, skip:province, skip:ministry


class Epoch(Func):
    """A timestamp as seconds since 1970 (UTC): 5 years of clocks are thousands of timestamps, and
    reading them as numbers is several times faster than having the driver parse each one."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):  # Julian days: fractions of a second kept
        return super().as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
                              **extra)


def _moment(epoch: float | None) -> datetime.datetime | None:
    return None if epoch is None else datetime.datetime.fromtimestamp(epoch, datetime.UTC)


def slots(user, sel: Selection) -> tuple[list[rates.Slot], dict]:
    rows = (DisasterDeadline.objects.filter(event__in=events(user, sel))
            .annotate(due_s=Epoch("due_at"), done_s=Epoch("done_at"))
            .values_list("event_id", "key", "due_s", "done_s"))
    town = own_township(user)
    out, sent = [], {}
    for event_id, key, due, done in rows:
        level, township = level_of(key)
        if town is not None and (level != "township" or township != town.name):
            continue
        slot_key = f"E{event_id}/{key}"
        out.append(rates.Slot(slot_key, level, township, _moment(due)))
        if done is not None:
            sent[slot_key] = _moment(done)
    return out, sent


def summary(user, sel: Selection, now: datetime.datetime | None = None) -> dict:
    """Per level (its total) and per township: expected, received, on time, late, missing and the rates."""
    found, sent = slots(user, sel)
    rows = [r.as_dict() for r in rates.reporting_rates(found, sent, now or timezone.now())]
    labels = catalogue.LEVEL_LABELS
    for r in rows:
        r["level_label"] = labels.get(r["level"], r["level"])
    return {"levels": [r for r in rows if r["township"] == rates.ALL],
            "townships": [r for r in rows if r["township"] != rates.ALL],
            "events": events(user, sel).count(), "selection": sel.as_query()}


def indicator_by_township(user, sel: Selection, code: str) -> dict[int, float]:
    """Township region id -> the indicator's figure (in its national unit: 直接经济损失 in 万元) from each
    township's latest report sent per event, summed over the events of the selection."""
    indicator = rules().indicators[code]
    reports = (DisasterReport.objects.filter(event__in=events(user, sel), level="township", state__in=SENT)
               .order_by("event_id", "region_id", "-sequence").annotate(value=KT(f"figures__{code}"))
               .values_list("event_id", "region_id", "value"))
    latest: dict[tuple[int, int], object] = {}
    for event_id, region_id, value in reports:
        latest.setdefault((event_id, region_id), value)  # the first row of each pair is its latest report
    out: dict[int, Decimal] = {}
    for (_, region_id), value in latest.items():
        if value in (None, ""):
            continue
        out[region_id] = out.get(region_id, Decimal(0)) + Decimal(str(value))
    town = own_township(user)
    return {rid: float(catalogue.yuan_to_wan(v) if indicator.stored_as == "yuan" else v)
            for rid, v in out.items() if town is None or rid == town.pk}


def region_attribute(code: str):
    """A provider for the region layer (core/directory/api.py): each township (and the county, as the
    sum of its townships) coloured by the indicator for the request's selection."""
    def compute(user, refs, event="", since="", until="", type=""):  # noqa: A002
        from rest_framework.exceptions import ValidationError

        try:
            sel = selection(since, until, type, event)
        except SelectionError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        values = indicator_by_township(user, sel, code)
        paths = dict(Region.objects.filter(pk__in=values).values_list("pk", "path"))
        out = {}
        for ref in refs:
            hits = [v for rid, v in values.items() if paths.get(rid, "").startswith(ref.path)]
            out[ref.pk] = round(sum(hits), 2) if hits else None
        return out

    return compute


def register_map_attributes() -> None:
    from yingji.core.directory.api import register_region_attribute

    indicators = rules().indicators
    for code in MAP_INDICATORS:
        ind = indicators[code]
        register_region_attribute(f"disaster-{code}", f"灾情：{ind.label}（{ind.unit}）", region_attribute(code),
                                  query=("event", "since", "until", "type"))
