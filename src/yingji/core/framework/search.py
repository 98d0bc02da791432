"""Full-text-ish search over registries' key fields.

Portable path: ``icontains`` (SQL LIKE) on every database. PostgreSQL speed path: trigram GIN
indexes (pg_trgm) on exactly the expression Django's ``icontains`` produces, so the same query
uses an index instead of scanning. Created after every migrate for every registry's search fields.
"""

from __future__ import annotations

import logging

from django.db import connections
from django.db.models import Q

log = logging.getLogger(__name__)


def search_q(reg, term: str) -> Q:
    condition = Q()
    for name in reg.search_fields:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def ensure_trigram_indexes(using: str = "default") -> list[str]:
    """Create missing pg_trgm indexes for the search fields; no-op on other databases."""
    from yingji.core.framework.registry import registries

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    created = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for reg in registries():
                for name in reg.search_fields:
                    table, column = _table_column(reg.model, name)
                    index = f"{table}_{column}_trgm"[:63]
                    cursor.execute(f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" '
                                   f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')
                    if index not in created:
                        created.append(index)
    except Exception as exc:  # e.g. no right to create the extension: search still works, unindexed
        log.warning("trigram search indexes not created: %s", exc)
        return []
    return created


def _table_column(model, path: str) -> tuple[str, str]:
    """The table and column a search path ends on: "warehouse__name" is the warehouse table's name."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.db_table, model._meta.get_field(last).column


def trigram_indexes_after_migrate(sender, using="default", **kwargs):
    ensure_trigram_indexes(using)
