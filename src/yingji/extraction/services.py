"""Extraction in the platform: the national gazetteer shipped with the engine combined with the
platform's own region table (the bureau's townships and villages, down to 12-digit codes), and the
user's own region preferred where a name stands for several units."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import Count, Max
from django.utils import timezone

from yingji.core.directory.models import Region
from yingji.core.framework.access import effective_region
from yingji.extraction import engine, places


@lru_cache(maxsize=4)
def _gazetteer(signature: tuple) -> places.Gazetteer:
    rows = [(r.code, r.name, r.level, parent) for r, parent in
            ((r, r.parent.code if r.parent_id else None) for r in Region.objects.select_related("parent"))]
    return places.national().merged(rows)


def gazetteer() -> places.Gazetteer:
    """Rebuilt when the region table changes (its row count or latest update)."""
    stats = Region.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return _gazetteer((stats["n"], stats["last"]))


def extract_for(user, text: str, reference_date: dt.date | None = None) -> engine.Extraction:
    region = effective_region(user)
    prefer = [region.code] if region is not None else []
    return engine.extract(text, reference_date or timezone.localdate(), gazetteer(), prefer)
