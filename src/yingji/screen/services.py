"""The command-centre screen's figures and the 事理图谱's links, in the viewer's scope.

Both read other apps only through what those apps declare: the figures through their
``screen_figures`` (contributions.ScreenFigure), the incidents and their timelines through their
registries ("incidents", "timeline"), whose querysets are already restricted to the user's scope."""

from __future__ import annotations

import re

from django.utils import timezone

from yingji.core.framework import contributions
from yingji.core.framework.access import effective_region
from yingji.core.framework.registry import get_registry
from yingji.screen import chains
from yingji.screen.models import IncidentLink

NUMBER = re.compile(r"SJ\d{11}")  # an incident's number as the incidents app makes it (SJ + date + serial)
LAYER_COLOURS = ("#ff4d4f", "#ffa940", "#36cfc9", "#73d13d", "#9254de", "#40a9ff")


def scope_name(user) -> str:
    region = effective_region(user)
    if region is not None:
        return region.name
    from yingji.core.models import Region

    county = Region.objects.filter(level="county").order_by("code").first()
    return county.name if county else "全辖区"


def figures(user) -> list[dict]:
    """Every declared screen figure this user may see, computed in their scope, in declared order."""
    out = []
    for f in contributions.screen_figures():
        if f.perm and not user.has_perm(f.perm):
            continue
        value = contributions.resolve(f.provider)(user)
        number, note = value if isinstance(value, tuple) else (value, "")
        out.append({"key": f.key, "label": f.label, "unit": f.unit, "value": int(number), "note": note,
                    "alert": bool(f.alert and number)})
    return out


def snapshot(user) -> dict:
    return {"scope": scope_name(user), "at": timezone.localtime().isoformat(timespec="seconds"),
            "figures": figures(user)}


def channels(user) -> list[str]:
    """The live-stream channels on which a figure this user sees may change."""
    return sorted({c for f in contributions.screen_figures() if not f.perm or user.has_perm(f.perm)
                   for c in f.channels})


def map_layers(user) -> list[dict]:
    """The figures' map layers the user may view (located registries only), one colour per figure."""
    out = []
    visible = [f for f in contributions.screen_figures() if not f.perm or user.has_perm(f.perm)]
    for i, f in enumerate(visible):
        for slug, query in f.layers:
            reg = get_registry(slug)
            if reg is None or not reg.has_point or not user.has_perm(reg.perm("view")):
                continue
            out.append({"slug": slug, "query": query, "label": f.label,
                        "colour": LAYER_COLOURS[i % len(LAYER_COLOURS)]})
    return out


# ---- 事理图谱 --------------------------------------------------------------------------------------

def _case(incident) -> chains.Case:
    return chains.Case(incident.pk, f"{incident.number} {incident.title}")


def links(user) -> tuple[list[chains.Link], dict[str, str]]:
    """Every link between two incidents the user may see, and the names of their event types: the
    links the desk recorded (事件关联), and an incident's timeline naming a later incident's number
    (“引发次生灾害，见 SJ20260613002”)."""
    incidents = get_registry("incidents").queryset(user)
    found: list[tuple] = []
    for link in IncidentLink.objects.for_user(user).select_related("cause", "effect"):
        found.append((link.cause, link.effect))
    mentions = (get_registry("timeline").model.objects.filter(incident__in=incidents, text__contains="SJ")
                .values_list("incident_id", "text"))
    named = {(pk, number) for pk, text in mentions for number in NUMBER.findall(text)}
    if named:
        by_number = {i.number: i for i in incidents.filter(number__in={n for _, n in named})}
        by_pk = {i.pk: i for i in incidents.filter(pk__in={pk for pk, _ in named})}
        for pk, number in sorted(named):
            cause, effect = by_pk.get(pk), by_number.get(number)
            if cause and effect and effect.occurred_at >= cause.occurred_at:  # a later one it led to
                found.append((cause, effect))
    visible = set(incidents.filter(pk__in={e.pk for _, e in found}).values_list("pk", flat=True))
    out, names = [], {}
    for cause, effect in found:
        if effect.pk not in visible:  # a link into another township's incident: not this user's to see
            continue
        out.append(chains.Link(cause.event_type, effect.event_type, _case(cause), _case(effect)))
        names[cause.event_type], names[effect.event_type] = cause.type.name, effect.type.name
    return out, names
