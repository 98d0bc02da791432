"""Registry search: two-character terms (烟花, 化工) give exactly what ``icontains`` gives, field by field,
on every database, and on PostgreSQL they are answered by the bigram index; bulk writes refresh the
planner's statistics."""

import pytest
from django.db import connection
from django.db.models import Q

from tests.samples import make_record
from yingji.core.framework.registry import registries
from yingji.core.framework.search import search_q

POSTGRESQL = "__import__('django.db').db.connection.vendor == 'postgresql'"


def icontains_q(reg, term):
    return Q(*[Q(**{f"{name}__icontains": term}) for name in reg.search_fields], _connector=Q.OR)


def same_as_icontains(reg, term) -> set:
    found = set(reg.model.objects.filter(search_q(reg, term)).values_list("pk", flat=True))
    expected = set(reg.model.objects.filter(icontains_q(reg, term)).values_list("pk", flat=True))
    assert found == expected, f"{reg.slug} {term!r}: search {sorted(found)}, icontains {sorted(expected)}"
    return found


def test_two_character_terms_match_as_icontains_and_never_across_fields(tree, orgs, users, api, web):
    from yingji.core.framework.registry import get_registry
    from yingji.core.models import Organization

    reg = get_registry("organizations")
    # 烟|花 only across name and address: no match; 烟花 inside one field: a match.
    across = Organization.objects.create(credit_code="91430181MA4L000011", name="浏阳市大瑶烟", kind="enterprise",
                                         region=tree["va"], address="花炮路1号")
    inside = Organization.objects.create(credit_code="91430181MA4L00002X", name="金刚烟花厂", kind="enterprise",
                                         region=tree["va"], address="金刚镇")
    latin = Organization.objects.create(credit_code="91430181MA4L000038", name="Ab化工", kind="enterprise",
                                        region=tree["vb"], address="50%_路")
    new = {across.pk, inside.pk, latin.pk}

    def found(term):
        return same_as_icontains(reg, term) & new

    assert found("烟花") == {inside.pk}  # not the name ending 烟 beside the address beginning 花
    assert found("化工") == {latin.pk}
    assert found("aB") == {latin.pk} == found("AB")  # case as icontains
    assert found("%_") == {latin.pk}  # LIKE's wildcards are plain characters
    assert found("0%") == {latin.pk}
    assert found("炮路") == {across.pk}
    assert found("瑶烟") == {across.pk}
    assert found("烟花路") == set()  # three or more: icontains itself (trigrams)
    # The page's 搜索 and the API's ?q= take the same path.
    listed = web("admin").get("/registry/organizations/", {"q": "烟花"}).context["page"].object_list
    assert {o.pk for o in listed} & new == {inside.pk}
    results = api("admin").get("/api/organizations/", {"q": "烟花"}).json()["results"]
    assert {r["id"] for r in results} & new == {inside.pk}


@pytest.mark.parametrize("reg", [r for r in registries() if r.search_fields], ids=lambda r: r.slug)
def test_every_registry_two_character_search_is_icontains(reg, tree, orgs):
    """For each registry: every two-character piece of a record's search fields finds what icontains finds."""
    record = make_record(reg, tree["va"], orgs["a"])
    make_record(reg, tree["vb"], orgs["b"])
    # A sample record may leave optional search fields empty: give those a text of their own.
    own = {f.name: f for f in reg.model._meta.concrete_fields}
    empty = {name: f"抽样检索{i}" for i, name in enumerate(reg.search_fields) if name in own
             and not own[name].choices and getattr(record, own[name].attname) in (None, "")}
    reg.model.objects.filter(pk=record.pk).update(**{n: v[:own[n].max_length or 50] for n, v in empty.items()})
    terms = set()
    for name in reg.search_fields:
        value = reg.model.objects.filter(pk=record.pk).values_list(name, flat=True).first()
        text = str(value or "")
        terms |= {text[i:i + 2] for i in range(0, max(len(text) - 1, 0), max(len(text) // 4, 1))}
    terms.discard("")
    assert terms, f"{reg.slug}: its search fields hold no text to search for"
    for term in sorted(terms):
        assert record.pk in same_as_icontains(reg, term)


@pytest.mark.skipif(f"not {POSTGRESQL}", reason="PostgreSQL's own indexes and planner")
def test_two_character_search_uses_the_bigram_index_on_postgresql(tree, orgs):
    from yingji.core.framework.registry import get_registry
    from yingji.core.models import Organization

    reg = get_registry("organizations")
    sql, params = Organization.objects.filter(search_q(reg, "烟花")).query.sql_with_params()
    assert "yingji_bigrams(" in sql  # the lookup's PostgreSQL form, not LIKE
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: the planner would rather scan
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "core_organization_name_bigram" in plan, plan
    with connection.cursor() as cursor:  # the planner knows a row's bigrams are dear (migration 0011)
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'yingji_bigrams'")
        assert cursor.fetchone()[0] >= 1000


@pytest.mark.skipif(f"not {POSTGRESQL}", reason="PostgreSQL's own indexes and planner")
def test_every_registry_search_field_gets_a_bigram_index(db):
    from yingji.core.framework.search import _table_column, ensure_bigram_indexes

    created = ensure_bigram_indexes()
    expected = {f"{table}_{column}_bigram"[:63] for reg in registries() for name in reg.search_fields
                for table, column in [_table_column(reg.model, name)]}
    assert set(created) == expected and "resources_warehouse_name_bigram" in expected  # through a relation too
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_bigram'")
        assert expected <= {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(f"not {POSTGRESQL}", reason="PostgreSQL's own indexes and planner")
def test_an_import_refreshes_the_tables_statistics(tree, orgs, users, monkeypatch):
    """A bulk import ends with ANALYZE of its table (pg_class.reltuples is what ANALYZE counted)."""
    import io

    from openpyxl import Workbook

    from yingji.core.framework import services
    from yingji.core.framework.registry import get_registry
    from yingji.core.models import Organization, User

    monkeypatch.setattr(services, "ANALYZE_ROWS", 2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 12345 WHERE relname = 'core_organization'")  # stale
    from tests.conftest import credit

    reg = get_registry("organizations")
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称", "单位类型", "所属区划"])
    for i in range(3):
        book.active.append([credit(700 + i), f"导入{i}", "企业", tree["va"].code])
    out = io.BytesIO()
    book.save(out)
    result = services.import_file(User.objects.get(username="admin"), reg, "单位.xlsx", out.getvalue())
    assert result.ok and result.created == 3, result.errors
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_organization'")
        assert cursor.fetchone()[0] == Organization.objects.count()
