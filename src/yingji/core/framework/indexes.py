"""Indexes for every registry's list order, created after migrate like the trigram ones (search.py).

A list page is the registry's first rows in its declared order (``Registry.ordering`` or the model's
``Meta.ordering``): without an index on that order PostgreSQL sorts every row in scope to return 20
(risk points by name at the demo county ×100: 128 ms of a 190 ms page; 23 ms with the index). Only
orders of the model's own columns are indexed (an order through a relation cannot be); a single
column Django already indexes (unique, ``db_index``) is skipped. Names end in ``_order``.

A record page's related panel is the first rows of another registry that point at the record, in
that registry's order (related.py): for each foreign key of a registry to a model with a record page,
an index on (the key, the order) serves it. Without it PostgreSQL walked the order index filtering
by the key — the busiest enterprise's risk points at ×100: 7,700 rows read and dropped for 10, 7.5 ms
of the page's 21 ms of SQL; 0.1 ms with it. Names end in ``_<column>_order``.
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


def panel_keys(reg) -> list[str]:
    """The columns of ``reg``'s foreign keys to models with a record page: each is a related panel."""
    from yingji.core.framework.registry import registry_for_model

    return [f.column for f in reg.model._meta.concrete_fields
            if f.many_to_one and f.related_model is not reg.model and registry_for_model(f.related_model)]


def _name(table: str, suffix: str) -> str:
    """An index name within PostgreSQL's 63 bytes; a long one keeps a hash of the whole so that two
    truncated names stay apart."""
    import hashlib

    name = f"{table}_{suffix}"
    if len(name) <= 63:
        return name
    return f"{name[:54]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


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
            for key in panel_keys(reg):
                index = _name(table, f"{key}_order")
                cursor.execute(f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{key}", {", ".join(columns)})')
                created.append(index)
    return created


def order_indexes_after_migrate(sender, using="default", **kwargs):
    ensure_order_indexes(using)
