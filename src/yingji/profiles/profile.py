"""The enterprise 360 profile (企业全息档案), read side: its panels and its time line.

Every panel is a contributions.ProfilePanel some app declared: the records of one registry pointing at the
enterprise, read through that registry's scoped queryset (a township user's page counts what that user
may see) with **one** aggregate statement per panel — the total, each declared count and each value of
the breakdown as conditional counts — and a link to the registry's list filtered to the enterprise
(``?organization=<信用代码>``, the record page's own "查看全部" filter, decision 0015). The time line reads,
per panel with dated fields, its latest records in one statement, and the enterprise's own change
history (core/framework/history.py)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from yingji.core.framework import contributions, history, times
from yingji.core.framework.registry import get_registry
from yingji.profiles import conditions

TIMELINE_ROWS = 40  # records read per panel for the time line (its latest by the first dated field)
TIMELINE_EVENTS = 80  # events shown


def declared(user):
    """[(panel, registry)] the user may view, in declared order (a panel of an app not installed is left out)."""
    out = []
    for panel in contributions.profile_panels():
        reg = get_registry(panel.registry)
        if reg is not None and user.has_perm(reg.perm("view")):
            out.append((panel, reg))
    return out


def _choices(reg, name):
    field = reg.model._meta.get_field(name)
    if not field.choices:  # its values would need a query of their own: declare counts instead
        raise ValueError(f"{reg.slug}.{name}: a profile panel's breakdown must be a choice field")
    return [(v, str(label)) for v, label in field.flatchoices if v not in ("", None)]


def panel(user, org, panel_decl, reg, now=None) -> dict:
    """One panel: {"label", "total", "counts": [(label, n, url)], "breakdown": [(label, n, url)], "url"}."""
    now, today = now or timezone.now(), timezone.localdate(now)
    qs = reg.queryset(user).order_by().filter(**{panel_decl.relation: org})
    aggregates = {"total": Count("pk")}
    for i, (_, where) in enumerate(panel_decl.counts):
        aggregates[f"c{i}"] = Count("pk", filter=conditions.where_q(reg.model, where, now, today))
    values = []
    if panel_decl.breakdown:
        values = _choices(reg, panel_decl.breakdown)
        for j, (value, _) in enumerate(values):
            aggregates[f"b{j}"] = Count("pk", filter=Q(**{panel_decl.breakdown: value}))
    got = qs.aggregate(**aggregates)
    key = reg.related_key(panel_decl.relation) or "pk"
    base = {panel_decl.relation: getattr(org, key) if key != "pk" else org.pk}
    list_url = reverse("registry_list", args=[reg.slug])

    def link(extra=None):
        return f"{list_url}?{urlencode({**base, **(extra or {})})}"

    counts = []
    for i, (label, where) in enumerate(panel_decl.counts):
        # a single equality on a declared filter narrows the list too (逾期 → ?state=overdue)
        extra = None
        if len(where) == 1:
            (k, v), = where.items()
            if k in reg.filter_fields and not isinstance(v, list | dict) and not str(v).startswith("@"):
                extra = {k: "true" if v is True else "false" if v is False else v}
        counts.append((label, got[f"c{i}"], link(extra)))
    breakdown = []
    for j, (value, label) in enumerate(values):
        extra = {panel_decl.breakdown: value} if panel_decl.breakdown in reg.filter_fields else None
        breakdown.append((label, got[f"b{j}"], link(extra), value))
    return {"key": panel_decl.key, "label": panel_decl.label, "reg": reg, "total": got["total"], "counts": counts,
            "breakdown": [b for b in breakdown if b[1]], "url": link(),
            "layer": {"slug": reg.slug, "label": reg.label, "query": urlencode(base)}
            if reg.has_point and got["total"] else None}


def panels(user, org, now=None) -> list[dict]:
    return [panel(user, org, p, reg, now) for p, reg in declared(user)]


def timeline(user, org, year: int | None = None) -> list[dict]:
    """The enterprise's events, newest first: each dated field of its panels' records, and the changes
    of its own record. ``year`` limits it to one calendar year (Asia/Shanghai)."""
    events = []
    window = None
    if year:
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        window = (start, timezone.make_aware(datetime.datetime(year + 1, 1, 1)))
    for p, reg in declared(user):
        if not p.dates:
            continue
        names = list(p.title or reg.map_name)
        fields = [f for f, _ in p.dates]
        qs = reg.queryset(user).order_by().filter(**{p.relation: org})
        first = fields[0]
        if window:
            span = Q()
            for f in fields:
                span |= Q(**{f"{f}__gte": _as(reg, f, window[0]), f"{f}__lt": _as(reg, f, window[1])})
            qs = qs.filter(span)
        else:
            qs = qs.filter(**{f"{first}__isnull": False})
        prefix = reverse("registry_detail", args=[reg.slug, 0])[:-2]
        for row in qs.order_by(f"-{first}").values("pk", *names, *fields)[:TIMELINE_ROWS]:
            title = " ".join(str(row[n]) for n in names if row[n] not in (None, ""))
            for f, what in p.dates:
                at = row[f]
                if at is None:
                    continue
                moment = at if isinstance(at, datetime.datetime) else timezone.make_aware(
                    datetime.datetime.combine(at, datetime.time(0, 0)))
                if window and not (window[0] <= moment < window[1]):
                    continue
                events.append({"at": moment, "day_only": not isinstance(at, datetime.datetime), "what": what,
                               "title": title, "url": f"{prefix}{row['pk']}/", "kind": p.label})
    for entry in history.entries_for(org)[:20]:
        if window and not (window[0] <= entry.timestamp < window[1]):
            continue
        told = history.describe(entry)
        events.append({"at": entry.timestamp, "day_only": False, "what": f"单位信息{told['action']}",
                       "title": "、".join(c["label"] for c in told.get("changes", [])[:4]), "url": "", "kind": "单位"})
    events.sort(key=lambda e: e["at"], reverse=True)
    for e in events:
        e["text"] = times.local(e["at"]).strftime("%Y-%m-%d") if e["day_only"] else times.minute(e["at"])
    return events[:TIMELINE_EVENTS]


def _as(reg, name, moment):
    field = reg.model._meta.get_field(name)
    return timezone.localdate(moment) if field.get_internal_type() == "DateField" else moment
