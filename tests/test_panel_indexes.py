"""Indexes behind a record page's related panels (decision 0015): every foreign key of a registry to a
model with a record page is indexed together with the registry's list order, so that a panel's first
rows are read from the index instead of walking the order index past every other record's rows."""

import pytest
from django.db import connection

from yingji.core.framework import indexes
from yingji.core.framework.registry import registries


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'",
                    reason="the order indexes are PostgreSQL's (created after migrate); SQLite sorts in memory")
def test_each_panel_key_is_indexed_with_its_registrys_order(db):
    with connection.cursor() as cur:
        cur.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        defs = {}
        for table, definition in cur.fetchall():
            defs.setdefault(table, []).append(definition.split(" USING btree ", 1)[-1])
    checked = 0
    for reg in registries():
        columns = indexes.order_columns(reg)
        if columns is None:
            continue
        for key in indexes.panel_keys(reg):
            wanted = f'("{key}", {", ".join(columns)})'.replace('"', "")
            found = [d.replace('"', "") for d in defs.get(reg.model._meta.db_table, [])]
            assert wanted in found, f"{reg.slug}: no index on {wanted}; has {found}"
            checked += 1
    assert checked > 20  # every registry's organization and region keys at least


def test_panel_keys_are_the_relations_record_pages_list(db):
    from yingji.core.framework.registry import get_registry

    assert indexes.panel_keys(get_registry("risk-points")) == ["organization_id", "region_id"]
    assert "parent_id" not in indexes.panel_keys(get_registry("regions"))  # its own children: the tree's panel
