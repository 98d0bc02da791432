"""Full-text-ish search over registries' key fields.

Portable path: ``icontains`` (SQL LIKE) on every database. PostgreSQL speed paths, created after
every migrate for every registry's search fields (``Registry.search_fields``):

- trigram GIN indexes (pg_trgm) on exactly the expression Django's ``icontains`` produces, so a
  term of three characters or more uses an index instead of scanning;
- for two-character terms (烟花, 化工: a LIKE pattern needs three to give pg_trgm a trigram) a GIN
  index on the field's **bigrams**, ``yingji_bigrams(UPPER(col::text))`` — an SQL function (core
  migration 0011) giving every two-character substring. A two-character term occurs in a value
  exactly when it is one of the value's bigrams, so ``bigrams @> ARRAY[term]`` returns what
  ``icontains`` returns, field by field (a term never matches across two fields). It is an
  expression index: PostgreSQL keeps it on every write path (page, API, import, COPY, raw SQL);
  no column for the services to maintain. Where the pg_bigm extension is installed, its
  ``gin_bigm_ops`` index on the same expression serves the plain ``icontains`` instead.

The lookup ``search`` (``name__search=term``) is ``icontains`` everywhere except a two-character
term on PostgreSQL; pages, the API's ``?search=`` and imports' bulk paths all use it.
"""

from __future__ import annotations

import logging

from django.db import connections, models
from django.db.models import Q
from django.db.models.lookups import IContains, Lookup

log = logging.getLogger(__name__)


def search_q(reg, term: str) -> Q:
    condition = Q()
    for name in reg.search_fields:
        condition |= Q(**{f"{name}__search": term})
    return condition


_BIGM: dict[str, bool] = {}  # database alias -> pg_bigm installed (asked once per process)


def _has_bigm(connection) -> bool:
    if connection.alias not in _BIGM:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_bigm'")
            _BIGM[connection.alias] = cursor.fetchone() is not None
    return _BIGM[connection.alias]


@models.CharField.register_lookup
@models.TextField.register_lookup
class Search(Lookup):
    """``icontains``, with two-character terms answered by the bigram index on PostgreSQL."""

    lookup_name = "search"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        if not (isinstance(self.rhs, str) and len(self.rhs) == 2) or _has_bigm(connection):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = compiler.compile(self.lhs)
        column = connection.ops.lookup_cast("icontains", self.lhs.output_field.get_internal_type()) % lhs
        return f"yingji_bigrams({column}) @> ARRAY[UPPER(%s)]::text[]", [*lhs_params, self.rhs]


def ensure_trigram_indexes(using: str = "default") -> list[str]:
    """Create missing pg_trgm and bigram indexes for the search fields; no-op on other databases."""
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


def ensure_bigram_indexes(using: str = "default") -> list[str]:
    """The two-character indexes: pg_bigm's where the extension is available, else on yingji_bigrams."""
    from yingji.core.framework.registry import registries

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    created = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_bigm'")
        bigm = cursor.fetchone() is not None
        if bigm:
            try:
                with connection.cursor() as inner:
                    inner.execute("CREATE EXTENSION IF NOT EXISTS pg_bigm")
            except Exception as exc:  # available but not ours to install: the portable index
                log.warning("pg_bigm not installed (%s); two-character search uses yingji_bigrams", exc)
                bigm = False
        _BIGM.pop(connection.alias, None)
        for reg in registries():
            for name in reg.search_fields:
                table, column = _table_column(reg.model, name)
                index = f"{table}_{column}_bigram"[:63]
                expression = (f'UPPER("{column}"::text) gin_bigm_ops' if bigm
                              else f'yingji_bigrams(UPPER("{column}"::text))')
                cursor.execute(f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin ({expression})')
                if index not in created:
                    created.append(index)
    return created


def refresh_statistics(tables, using: str = "default") -> None:
    """After a bulk write (an import, the demo county): ANALYZE the tables, so the next queries are
    planned for their new size, and move their GIN indexes' pending entries (trigram, bigram) into
    the index proper — until VACUUM does it, every search reads that unsorted list (PostgreSQL's
    manual ANALYZE leaves it; only autovacuum's cleans it). No-op on other databases."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute("SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                           "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                           "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'", [table])


def _table_column(model, path: str) -> tuple[str, str]:
    """The table and column a search path ends on: "warehouse__name" is the warehouse table's name."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.db_table, model._meta.get_field(last).column


def trigram_indexes_after_migrate(sender, using="default", **kwargs):
    ensure_trigram_indexes(using)
    ensure_bigram_indexes(using)
