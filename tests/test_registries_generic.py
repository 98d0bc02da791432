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


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_lists_do_not_grow_queries_with_rows(reg, tree, orgs, users, web, api):
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


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_a_page_edit_is_saved_and_in_the_history(reg, tree, orgs, users, web):
    obj = make_record(reg, tree["va"], orgs["a"])
    name = editable_text_field(reg, obj)
    client = web("admin")
    if reason := reg.locked(obj):  # locked from its first state: the edit page refuses, with the reason
        refused = client.get(f"/registry/{reg.slug}/{obj.pk}/edit/", follow=True)
        assert reason in refused.content.decode() and refused.redirect_chain, reg.slug
        return
    if name is None:  # only numbers, choices and links (stock levels, plans' dates, inventories): nothing to type
        pytest.skip(f"{reg.slug}: no free text field for this test to change; its own tests edit it")
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
    records = [make_record(reg, tree["va"], orgs["a"])]
    try:
        with transaction.atomic():
            records.append(make_record(reg, tree["va"], orgs["a"]))
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
