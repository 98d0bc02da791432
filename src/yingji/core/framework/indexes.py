"""Indexes for every registry's list order, created after migrate like the trigram ones (search.py).

A list page is the registry's first rows in its declared order (``Registry.ordering`` or the model's
``Meta.ordering``): without an index on that order PostgreSQL sorts every row in scope to return 20
(risk points by name at the demo county ×100: 128 ms of a 190 ms page; 23 ms with the index). Only
orders of the model's own columns are indexed (an order through a relation cannot be); a single
column Django already indexes (unique, ``db_index``) is skipped. Names end in ``_order``.
"""

from __future__ import annotations

import logging

from django.db import connections

log = logging.getLogger(__name__)


def order_columns(reg) -> list[str] | None:
    """``['"name"', '"found_at" DESC', ...]`` for the registry's order, or None when it cannot be indexed."""
    meta = reg.model._meta
    names = list(reg.ordering or meta.ordering or ())
    out = []
    for name in names:
        plain = name.lstrip("-")
        if plain == "pk":
            plain = meta.pk.name
        try:
            field = meta.get_field(plain)
        except Exception:
            return None
        if "__" in plain or field.is_relation or not field.concrete:
            return None
        out.append(f'"{field.column}"' + (" DESC" if name.startswith("-") else ""))
    if not out:
        return None
    if len(out) == 1:
        field = meta.get_field(names[0].lstrip("-").replace("pk", meta.pk.name))
        if field.unique or field.db_index or field.primary_key:
            return None
    return out


def ensure_order_indexes(using: str = "default") -> list[str]:
    from yingji.core.framework.registry import registries

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    created = []
    with connection.cursor() as cursor:
        for reg in registries():
            columns = order_columns(reg)
            if columns is None:
                continue
            table = reg.model._meta.db_table
            index = f"{table}_order"[:63]
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ({", ".join(columns)})')
            created.append(index)
    return created


def order_indexes_after_migrate(sender, using="default", **kwargs):
    ensure_order_indexes(using)
