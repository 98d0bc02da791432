"""Every registry, the same way (beyond scope, which test_access covers): the list page and the API
list do not grow queries with the rows (no N+1), an edit through the page is saved and in the
history, an export holds every visible record, and an import with one bad row writes nothing while
the same file without it round-trips unchanged."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.samples import make_record
from yingji.core.framework import history
from yingji.core.framework.registry import registries

REGISTRIES = registries()
IDS = [r.slug for r in REGISTRIES]


@pytest.fixture
def fresh_cache():
    """An empty cache: what the first request keeps (an account's roles, who.py) is not culled from a
    cache that earlier tests filled (the per-process cache drops a third of its entries at 300)."""
    from django.core.cache import cache

    cache.clear()


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_lists_do_not_grow_queries_with_rows(reg, tree, orgs, users, web, api, fresh_cache):
    make_record(reg, tree["va"], orgs["a"])
    page, client = f"/registry/{reg.slug}/", api("admin")
    browser = web("admin")
    browser.get(page), client.get(f"/api/{reg.slug}/")  # sessions, tokens and caches warmed once
    few = queries(lambda: browser.get(page)), queries(lambda: client.get(f"/api/{reg.slug}/"))
    added = 0
    for org in [orgs["a"]] * 5 + [orgs["b"]]:  # a registry with one record per organization grows by the other
        try:
            with transaction.atomic():
                make_record(reg, org.region, org)
            added += 1
        except IntegrityError:  # one record per unique combination (e.g. a band setting per method)
            continue
    assert added, f"{reg.slug}: no second record could be made to count the queries with"
    browser.get(page)  # the session's periodic write (its clock) falls here on a slow machine, not in the count
    many = queries(lambda: browser.get(page)), queries(lambda: client.get(f"/api/{reg.slug}/"))
    assert many[0] <= few[0] and many[1] <= few[1], \
        f"list page / API list: {few} queries for 1 record, {many} for {1 + added}"


def editable_text_field(reg, obj):
    """A text field the page lets one change by appending a character, as the model accepts it."""
    import copy

    from django.core.exceptions import ValidationError
    from django.db import models

    for name in reg.editable_fields:
        f = reg.field(name)
        if (not isinstance(f, models.CharField | models.TextField) or f.choices or f.unique
                or name in reg.natural_key or getattr(obj, name) is None):
            continue
        changed = copy.copy(obj)
        setattr(changed, name, (str(getattr(obj, name)) + "改")[-(f.max_length or 200):])
        try:
            changed.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            if name in exc.message_dict:
                continue
        return name
    return None


def has_free_text(reg) -> bool:
    """Whether the page form has a text field one may type into (not a choice, unique or key field)."""
    from django.db import models

    return any(isinstance(f := reg.field(name), models.CharField | models.TextField) and not f.choices
               and not f.unique and name not in reg.natural_key for name in reg.editable_fields)


# This test appends a character to a text field. Registries without one it can take are edited by their
# own tests: forms of numbers, choices, dates and links only (stock levels), and text that is a code
# checked against a catalogue or a key.
CODED_TEXT = {"hazard-inventories": "危险化学品名称与类别代码须在 GB 18218 表1/表2 中（tests/risk/test_hazard_sources.py）",
              "plans": "预案名称是自然键，适用事件类型须是 GB/T 35561 代码（tests/incidents/test_response.py）"}
TYPED = [r for r in REGISTRIES if has_free_text(r) and r.slug not in CODED_TEXT]
# Registries whose records a form or an import takes only at a higher level than the village the samples
# sit in (their model's clean refuses it): the sample is made there instead.
SAMPLE_AT = {"disaster-rules": "county"}  # 灾情报送规则由县级及以上设置（tests/disasters/test_rules.py）


@pytest.mark.parametrize("reg", TYPED, ids=[r.slug for r in TYPED])
def test_a_page_edit_is_saved_and_in_the_history(reg, tree, orgs, users, web):
    obj = make_record(reg, tree[SAMPLE_AT.get(reg.slug, "va")], orgs["a"])
    name = editable_text_field(reg, obj)
    client = web("admin")
    if reason := reg.locked(obj):  # locked from its first state: the edit page refuses, with the reason
        refused = client.get(f"/registry/{reg.slug}/{obj.pk}/edit/", follow=True)
        assert reason in refused.content.decode() and refused.redirect_chain, reg.slug
        return
    assert name is not None, f"{reg.slug}: no text field of the sample record takes one more character"
    form = client.get(f"/registry/{reg.slug}/{obj.pk}/edit/").context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        data[field.name] = value if isinstance(value, list) else str(value)
    max_length = reg.field(name).max_length or 200
    data[name] = (str(getattr(obj, name)) + "改")[-max_length:]
    response = client.post(f"/registry/{reg.slug}/{obj.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    obj.refresh_from_db()
    assert getattr(obj, name).endswith("改")
    entries = [history.describe(e, reg) for e in history.entries_for(obj)]
    assert any(e["action"] != "新增" and any(c["field"] == name for c in e["changes"])
               for e in entries), entries


def rows_of(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("reg", [r for r in REGISTRIES if r.allow_create], ids=[r.slug for r in REGISTRIES
                                                                                 if r.allow_create])
def test_export_then_import_round_trips_and_one_bad_row_writes_nothing(reg, tree, orgs, users, web):
    region = tree[SAMPLE_AT.get(reg.slug, "va")]
    records = [make_record(reg, region, orgs["a"])]
    try:
        with transaction.atomic():
            records.append(make_record(reg, region, orgs["a"]))
    except IntegrityError:  # one record per unique combination (a band setting per method)
        pass
    client = web("admin")
    exported = client.get(f"/registry/{reg.slug}/export.xlsx")
    rows = rows_of(exported.content)
    assert len(rows) - 1 == reg.model.objects.count() >= len(records)
    before = {o.pk: o.updated_at for o in reg.model.objects.all()}
    again = client.post(f"/registry/{reg.slug}/import/", {"file": SimpleUploadedFile("导出.xlsx", exported.content)})
    assert again.status_code == 302, again.context and again.context.get("result_errors")
    assert {o.pk: o.updated_at for o in reg.model.objects.all()} == before  # nothing changed: nothing written
    done = [str(m) for m in get_messages(again.wsgi_request)]  # and it says so: 未变化, not 更新
    assert done == [f"导入完成：新增 0 条，更新 0 条，未变化 {len(rows) - 1} 条"], done
    # A new row with every cell empty but one: refused with its row named; the good rows are not written.
    header = rows[0]
    bad = [None] * len(header)
    bad[-1] = "x"
    response = client.post(f"/registry/{reg.slug}/import/",
                           {"file": SimpleUploadedFile("坏.xlsx", xlsx([header, *rows[1:], bad]))})
    assert response.status_code == 400
    assert any(e.startswith(f"第 {len(rows) + 1} 行") for e in response.context["result_errors"]), \
        response.context["result_errors"]
    assert {o.pk: o.updated_at for o in reg.model.objects.all()} == before


def _related_kinds(model):
    """(relation, registry) of every registry whose records point at ``model``'s (its record page's panels)."""
    from yingji.core.framework.registry import registry_for_model

    out = []
    for rel in model._meta.related_objects:
        target = registry_for_model(rel.related_model)
        if target is not None and rel.one_to_many and rel.related_model is not model:
            out.append((rel, target))
    return out


def _point_at(obj, rel, target, region, org, n) -> int:
    """Make up to ``n`` records of ``target`` pointing at ``obj``; how many could be made."""
    made = 0
    for _ in range(n):
        try:
            with transaction.atomic():
                record = make_record(target, region, org)
                target.model.objects.filter(pk=record.pk).update(**{rel.field.name: obj})
        except IntegrityError:  # one record per unique combination (a stock level per material …)
            break
        made += 1
    return made


# Records other registries point at (regions left out: every kind points at one).
RECORDS_WITH_PARTS = [r for r in REGISTRIES if r.slug != "regions" and _related_kinds(r.model)]


@pytest.mark.parametrize("reg", RECORDS_WITH_PARTS, ids=[r.slug for r in RECORDS_WITH_PARTS])
def test_record_page_does_not_grow_queries_with_related_rows(reg, tree, orgs, users, web, fresh_cache):
    """A record page reads each related registry once, whatever the number of related rows: the
    panel lists the first PANEL_ROWS with the total and a link to the list filtered to this record."""
    from yingji.core.framework.related import PANEL_ROWS

    obj = make_record(reg, tree["va"], orgs["a"])
    kinds = _related_kinds(type(obj))
    page, client = f"/registry/{reg.slug}/{obj.pk}/", web("admin")
    made = {target.slug: _point_at(obj, rel, target, tree["va"], orgs["a"], 1) for rel, target in kinds}
    client.get(page)  # session and caches warmed once
    few = queries(lambda: client.get(page))
    assert any(made.values()), f"{reg.slug}: no related record could be made"
    for rel, target in kinds:
        if made[target.slug]:
            made[target.slug] += _point_at(obj, rel, target, tree["va"], orgs["a"], 2)
    # One kind past a panel's rows (one that is not one record per parent, as a sensor's alarm is).
    big = next(((rel, target) for rel, target in kinds if made[target.slug] == 3), None)
    if big is not None:
        made[big[1].slug] += _point_at(obj, *big, tree["va"], orgs["a"], PANEL_ROWS)
    client.get(page)  # the session's periodic write (its clock) falls here on a slow machine, not in the count
    many = queries(lambda: client.get(page))
    assert many <= few, f"{reg.slug}: {few} queries with one related record per kind, {many} with more"
    if big is None:
        return
    response = client.get(page)
    rel, target = big
    panel = next(p for p in response.context["related"] if p["reg"] is target)
    assert panel["total"] == made[target.slug] > PANEL_ROWS
    assert len(panel["items"]) == PANEL_ROWS
    html = response.content.decode()
    assert f"{target.label}（{made[target.slug]}）" in html and panel["more_url"] in html
    listed = client.get(panel["more_url"])  # the link: the list filtered to this record's
    assert listed.status_code == 200 and listed.context["page"].paginator.count == made[target.slug], \
        f"{panel['more_url']}: {listed.context['page'].paginator.count} rows, {made[target.slug]} point at the record"
