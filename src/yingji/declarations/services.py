"""Every state change of a declaration: taking one in (extraction, region, duplicate group, photos) and
turning one — or its duplicate group — into a 灾情 entry (the township's report in the open round of a
灾情事件, through the disasters services) or an incident (through the incidents intake), each as the
declaration's workflow step; and what the declarant may read back by the tracking code."""

from __future__ import annotations

import datetime
import json
import math
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core.directory.public_forms import Refused, locate, locate_address, tracking_code
from yingji.core.framework import services as core_services
from yingji.core.framework import workflow
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.declarations import grouping, rules
from yingji.declarations.choices import DeclarantKind, RegionSource, State
from yingji.declarations.models import Declaration

# ---- taking a declaration in --------------------------------------------------------------------------


def extract(text: str, at: datetime.datetime | None = None) -> dict:
    """The extraction engine's reading of the text (event type, places, figures with their spans), as
    JSON (Decimals as text), with the platform's own townships and villages in the gazetteer."""
    from yingji.extraction import engine
    from yingji.extraction import services as extraction

    county = Region.objects.filter(level="county").order_by("code").first()
    result = engine.extract(text, timezone.localdate(at), extraction.gazetteer(), [county.code] if county else [])
    return json.loads(json.dumps(result.as_dict(), cls=DjangoJSONEncoder))


def _in_platform(code: str | None) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def resolve_region(lon: float | None, lat: float | None, place: str, extracted: dict) -> tuple[Region, str]:
    """Where the declaration belongs: the village (else township) containing the phone's position when
    one is given (``Refused`` when it lies outside the county); else the place typed in the form; else
    the deepest place the text names that the platform's region table holds (ambiguous names, listed
    without a code by the engine, are not guessed); else the county."""
    if lon is not None and lat is not None:
        return locate(lon, lat), RegionSource.LOCATION
    if place.strip():
        try:
            found = locate_address(place, Region.objects.all())
        except Refused:  # a name for several units: left to the text, then to the county
            found = None
        if found is not None:
            return found, RegionSource.PLACE
    depth = {"village": 3, "township": 2, "county": 1}
    named = [r for r in (_in_platform(p.get("code")) for p in extracted.get("places", [])) if r is not None]
    named.sort(key=lambda r: -depth.get(r.level, 0))
    if named and named[0].level in depth:
        return named[0], RegionSource.TEXT
    return locate(None, None), RegionSource.DEFAULT


def township_of(region: Region) -> Region | None:
    while region is not None and region.level == "village":
        region = region.parent
    return region if region is not None and region.level == "township" else None


def _item(d: Declaration) -> grouping.Item:
    town = township_of(d.region)
    return grouping.Item(d.pk, d.created_at, d.text, town.code if town else None, d.lon, d.lat)


def find_duplicates(d: Declaration) -> list[grouping.Match]:
    """The earlier declarations (not dismissed) that ``d`` duplicates, by the grouping rules."""
    t = rules.thresholds()
    window = datetime.timedelta(hours=t.window_hours)
    earlier = (Declaration.objects.filter(created_at__gte=d.created_at - window, created_at__lte=d.created_at)
               .exclude(pk=d.pk).exclude(state=State.DISMISSED).select_related("region__parent"))
    # Only those that can be in the same place are compared: the same township, or a box around the
    # position a little wider than the distance (the engine then measures it exactly).
    near = Q(pk__in=[])
    town = township_of(d.region)
    if t.same_township and town is not None:
        near |= Q(region__path__startswith=town.path)
    if d.lon is not None and d.lat is not None:
        dlat = t.distance_m / 111_000 * 1.1
        dlon = dlat / max(math.cos(math.radians(d.lat)), 0.01)
        near |= Q(lon__gte=d.lon - dlon, lon__lte=d.lon + dlon, lat__gte=d.lat - dlat, lat__lte=d.lat + dlat)
    return grouping.duplicates_of(_item(d), [_item(o) for o in earlier.filter(near)], t)


def declare(*, text: str, kind: str, declarant_kind: str = DeclarantKind.PUBLIC, place: str = "", lon=None, lat=None,
            accuracy_m=None, contact_name: str = "", contact_phone: str = "", client: str = "", photos=(),
            at: datetime.datetime | None = None) -> Declaration:
    """Take a declaration in (the public form's gate has passed): extract, place, group, attach photos."""
    extracted = extract(text, at)
    region, source = resolve_region(lon, lat, place, extracted)
    with transaction.atomic():
        d = Declaration.objects.create(
            tracking_code=tracking_code(), kind=kind, declarant_kind=declarant_kind, text=text, place=place[:200],
            region=region, region_source=source, lon=lon, lat=lat, accuracy_m=accuracy_m,
            contact_name=contact_name[:32], contact_phone=contact_phone[:20], client_hash=client,
            extracted=extracted, event_type=(extracted.get("event_type") or {}).get("value") or "")
        if at is not None:  # the demo's past declarations
            Declaration.objects.filter(pk=d.pk).update(created_at=at)
            d.refresh_from_db()
        matches = find_duplicates(d)
        if matches:
            first = Declaration.objects.get(pk=matches[0].id)
            head = first.duplicate_of or first
            Declaration.objects.filter(pk=d.pk).update(duplicate_of=head, similarity=matches[0].similarity)
            d.refresh_from_db()
        for photo in photos:
            core_services.attach_file(None, d, photo, "申报照片", public=True)
    return d


# ---- the group ---------------------------------------------------------------------------------------------

def group(d: Declaration):
    """The declaration's duplicate group, head first (one declaration alone is its own group)."""
    head_id = d.duplicate_of_id or d.pk
    return Declaration.objects.filter(pk=head_id) | Declaration.objects.filter(duplicate_of_id=head_id)


def _members(user, d: Declaration, include_group: bool) -> list[Declaration]:
    if d.state != State.NEW:
        raise Conflict(f"该申报已{d.get_state_display()}，不能再次处理")
    if not include_group:
        return [d]
    scoped = Declaration.objects.for_user(user).filter(pk__in=group(d).values("pk"), state=State.NEW)
    return [d] + [m for m in scoped.order_by("created_at", "pk") if m.pk != d.pk]


def _value(fig: dict | None):
    return None if not fig or fig.get("value") in (None, "") else fig["value"]


# extraction field -> 灾情 indicator (自然灾害情况统计调查制度); houses by their unit
DISASTER_FIGURES = {"deaths": "deaths", "missing": "missing", "injured": "injured",
                    "injured_serious": "injured_serious", "affected_population": "affected_population",
                    "relocated": "relocated_total", "need_emergency_relief": "emergency_aid_total",
                    "crop_affected_ha": "crop_affected_area", "crop_lost_ha": "crop_lost_area",
                    "direct_loss_cny": "direct_loss"}
HOUSE_FIGURES = {("houses_collapsed", "间"): "houses_collapsed_rooms",
                 ("houses_collapsed", "户"): "houses_collapsed_households"}


def disaster_figures(members) -> dict:
    """The 灾情 indicators the declarations' texts give. Duplicates tell one loss: per indicator the
    largest of the group, never their sum. Damaged houses are left out (the text rarely says 严重 or
    一般损坏, which the 制度 counts apart); collapsed houses keep their unit (间 or 户)."""
    out: dict[str, Decimal] = {}
    for d in members:
        figures = (d.extracted or {}).get("figures", {})
        found = {code: _value(figures.get(name)) for name, code in DISASTER_FIGURES.items()}
        for (name, unit), code in HOUSE_FIGURES.items():
            fig = figures.get(name) or {}
            if fig.get("unit") == unit:
                found[code] = _value(fig)
        for code, v in found.items():
            if v is not None:
                out[code] = max(out.get(code, Decimal(0)), Decimal(str(v)))
    return out


def _codes(members) -> str:
    return "、".join(m.tracking_code for m in members)


def to_disaster(user, d: Declaration, *, event, include_group: bool = True):
    """转为灾情: the declaration's (and its group's) figures added to the township's entry of the event's open
    round (a draft the township confirms and submits as ever), with the declarations named in its 灾害过程;
    each declaration then reads 已纳入灾情统计. 409 when it was handled already or the round takes no entry."""
    from yingji.disasters import services as disasters

    members = _members(user, d, include_group)
    if event.received_from:
        raise Conflict("这是下级报送的事件副本，不能在此填报")
    town = township_of(d.region)
    if town is None:
        raise Conflict("申报未定位到乡镇（街道），请先核实地点，或转为事件处理")
    report = disasters.entry_for(user, event)  # the user's own township's entry; 409 if no round is open
    if report.region_id != town.pk:
        raise PermissionDenied("申报所在乡镇不是您填报的单位，请由所在乡镇处理")
    figures = disasters.to_numbers(report.figures)
    for code, value in disaster_figures(members).items():
        figures[code] = figures.get(code, 0) + value
    line = f"网上申报（查询码 {_codes(members)}）：{d.text[:120]}"
    course = f"{report.course}\n{line}".strip() if report.course else line
    disasters.save_entry(user, report, figures, {"course": course})  # 409 if the entry is submitted already
    outcome = f"已纳入{report.unit_name}灾情统计：{event.name}（第{report.sequence}报）"
    for m in members:
        workflow.apply(user, m, "to_disaster", system=True,
                       inputs={"report": report.pk, "outcome": outcome, "by": user.pk})
    d.refresh_from_db()
    return report


# extraction event type -> GB/T 35561 code (incidents/data/event_types.csv), finer where the subtype says
INCIDENT_TYPES = {"暴雨洪涝": "11100", "台风": "12100", "地质灾害": "14000", "地震": "13000", "森林火灾": "17100",
                  "干旱": "11400", "风雹": "12A00", "低温冷冻和雪灾": "12700", "火灾": "24000", "爆炸": "21000",
                  "坍塌": "21300", "矿山事故": "21200", "道路交通事故": "22100", "危化品泄漏": "21400", "其他": "10000"}
SUBTYPES = (("山洪", "11300"), ("内涝", "11200"), ("滑坡", "14200"), ("泥石流", "14300"), ("崩塌", "14100"),
            ("烟花", "21500"), ("煤矿", "21100"), ("雪", "12300"))


def incident_type(d: Declaration) -> str:
    sub = str(_value((d.extracted or {}).get("event_subtype")) or "")
    for word, code in SUBTYPES:
        if word in sub:
            return code
    return INCIDENT_TYPES.get(d.event_type, "10000")


INCIDENT_FIGURES = {"deaths": "deaths", "missing": "missing", "injured_serious": "injured", "trapped": "trapped",
                    "relocated": "relocated"}


def to_incident(user, d: Declaration, *, event_type: str = "", title: str = "", include_group: bool = True):
    """转为事件: an incident registered through the intake (its clocks, timeline and duty log as any call's),
    from the declaration (and its group): place, position, text, declarant as reporter, the largest of the
    group's casualty figures; each declaration then reads 已作为突发事件处置 with the incident's number."""
    from yingji.incidents import services as incidents
    from yingji.incidents.models import Incident

    members = _members(user, d, include_group)
    first = min(members, key=lambda m: m.created_at)
    figures = {field: 0 for field in INCIDENT_FIGURES.values()}
    for m in members:
        found = (m.extracted or {}).get("figures", {})
        for name, field in INCIDENT_FIGURES.items():
            v = _value(found.get(name))
            if v is not None:
                figures[field] = max(figures[field], int(Decimal(str(v))))
        fig = found.get("houses_collapsed") or {}
        if fig.get("unit") == "间" and _value(fig) is not None:
            figures["houses_collapsed"] = max(figures.get("houses_collapsed", 0), int(Decimal(str(fig["value"]))))
    text = "\n".join(f"网上申报 {m.tracking_code}（{m.get_declarant_kind_display()}，"
                     f"{timezone.localtime(m.created_at):%m-%d %H:%M}）：{m.text}" for m in members)
    incident = Incident(
        event_type=event_type or incident_type(d), title=title.strip(), occurred_at=first.created_at,
        received_at=timezone.now(), address=(d.place or d.region.name)[:200], region=d.region, lon=d.lon, lat=d.lat,
        source="social_force" if d.declarant_kind == DeclarantKind.SOCIAL_FORCE else "public",
        reporter=d.contact_name or "网上申报（未留名）", reporter_phone=d.contact_phone,
        description=text[:4000], **figures)
    created = incidents.intake_call(user, incident)
    outcome = f"已作为突发事件处置（事件编号 {created.number}）"
    for m in members:
        workflow.apply(user, m, "to_incident", system=True,
                       inputs={"incident": created.pk, "outcome": outcome, "by": user.pk})
    d.refresh_from_db()
    return created


# ---- what the declarant reads back ------------------------------------------------------------------------

PROGRESS = {State.NEW: "已收到，等待乡镇（街道）核实处理", State.DISASTER: "已核实，已纳入灾情统计",
            State.INCIDENT: "已核实，已作为突发事件处置", State.DISMISSED: "经核实，不予采纳"}


def progress(code: str) -> dict | None:
    """What the declarant may read by the tracking code: the declaration's own kind, time, state and
    outcome, and how many declarations were handled with it — nobody else's text, name or phone."""
    d = Declaration.objects.filter(tracking_code=(code or "").strip().upper()[:12]).first()
    if d is None:
        return None
    together = group(d).exclude(pk=d.pk).count() if d.duplicate_of_id or d.duplicates.exists() else 0
    return {"code": d.tracking_code, "kind": d.get_kind_display(), "received_at": d.created_at, "state": d.state,
            "progress": PROGRESS[d.state], "outcome": d.outcome, "handled_at": d.handled_at, "together": together,
            "region": d.region.name}
