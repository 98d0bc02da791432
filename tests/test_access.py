"""The access-control matrix, run the same way over every registered model.

A township user sees and touches only records in their township's subtree; an enterprise user only
their own organization's; a user with no scope sees nothing; an out-of-scope record is a 404 on
every page and endpoint, never a leak.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.samples import make_record
from yingji.core.framework.registry import registries

REGISTRIES = registries()
IDS = [r.slug for r in REGISTRIES]


def exported_keys(response, reg):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    cols = [header.index(reg.field_label(k)) for k in reg.natural_key]
    return {tuple(str(row[c]) for c in cols) for row in rows[1:]}


def key_of(reg, obj):
    return tuple(str(getattr(obj, k)) for k in reg.natural_key)


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_region_scope_everywhere(reg, tree, orgs, users, api, client):
    inside = make_record(reg, tree["va"], orgs["a"])
    outside = make_record(reg, tree["vb"], orgs["b"])
    client.force_login(users["all_in_a"])
    base = f"/registry/{reg.slug}/"

    page = client.get(base, {"page_size": 200}).content.decode()
    assert f'href="{base}{inside.pk}/"' in page and f'href="{base}{outside.pk}/"' not in page
    assert client.get(f"{base}{inside.pk}/").status_code == 200
    for suffix in ("", "edit/", "delete/"):
        assert client.get(f"{base}{outside.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"{base}{outside.pk}/delete/").status_code == 404
    suggestions = client.get(f"{base}suggest/", {"q": ""}).content.decode()
    assert f'value="{reg.key_of(inside)}"' in suggestions and f'value="{reg.key_of(outside)}"' not in suggestions
    keys = exported_keys(client.get(f"{base}export.xlsx"), reg)
    assert key_of(reg, inside) in keys and key_of(reg, outside) not in keys

    rest = api("all_in_a")
    ids = {row["id"] for row in rest.get(f"/api/{reg.slug}/", {"page_size": 500}).json()["results"]}
    assert inside.pk in ids and outside.pk not in ids
    assert rest.get(f"/api/{reg.slug}/{inside.pk}/").status_code == 200
    assert rest.get(f"/api/{reg.slug}/{outside.pk}/").status_code == 404
    assert rest.get(f"/api/{reg.slug}/{outside.pk}/history/").status_code == 404
    assert rest.patch(f"/api/{reg.slug}/{outside.pk}/", {}, format="json").status_code == 404
    assert rest.delete(f"/api/{reg.slug}/{outside.pk}/").status_code == 404
    assert reg.model.objects.filter(pk=outside.pk).exists()

    if reg.has_point:
        layer = rest.get(f"/api/map/{reg.slug}.geojson").json()
        shown = {f["properties"]["id"] for f in layer["features"]}
        assert inside.pk in shown and outside.pk not in shown


@pytest.mark.parametrize("reg", [r for r in REGISTRIES if r.model.scope_organization], ids=lambda r: r.slug)
def test_organization_scope(reg, tree, orgs, users, api):
    own = orgs["a"] if reg.model.scope_organization == "self" else make_record(reg, tree["va"], orgs["a"])
    other = make_record(reg, tree["va"], orgs["b"])  # same village, another organization
    rest = api("all_in_org_a")
    ids = {row["id"] for row in rest.get(f"/api/{reg.slug}/", {"page_size": 500}).json()["results"]}
    assert own.pk in ids and other.pk not in ids
    assert rest.get(f"/api/{reg.slug}/{other.pk}/").status_code == 404


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_no_scope_sees_nothing(reg, tree, orgs, users, api):
    make_record(reg, tree["va"], orgs["a"])
    assert api("nobody").get(f"/api/{reg.slug}/").json()["count"] == 0


@pytest.mark.parametrize("reg", REGISTRIES, ids=IDS)
def test_readonly_role_cannot_write(reg, tree, orgs, users, api, client):
    record = make_record(reg, tree["va"], orgs["a"])
    rest = api("readonly")
    assert rest.get(f"/api/{reg.slug}/{record.pk}/").status_code == 200
    assert rest.post(f"/api/{reg.slug}/", {}, format="json").status_code == 403
    assert rest.delete(f"/api/{reg.slug}/{record.pk}/").status_code == 403
    client.force_login(users["readonly"])
    assert client.get(f"/registry/{reg.slug}/new/").status_code == 403
    assert client.get(f"/registry/{reg.slug}/import/").status_code == 403
    assert client.post(f"/registry/{reg.slug}/{record.pk}/delete/").status_code == 403


def test_anonymous_is_sent_to_login_and_api_refuses(tree, client):
    response = client.get("/registry/organizations/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/organizations/").status_code in (401, 403)


def test_township_user_cannot_create_outside_scope(tree, users, api):
    rest = api("township_a")
    body = {"credit_code": "914301810000000099", "name": "越界企业", "kind": "enterprise", "region": "430181111001"}
    from yingji.core.directory.codes import credit_code_check_char

    body["credit_code"] = body["credit_code"][:17] + credit_code_check_char(body["credit_code"][:17])
    response = rest.post("/api/organizations/", body, format="json")
    assert response.status_code == 400
    assert "region" in response.json()  # the other township's village is not even a valid choice
    body["region"] = "430181110001"
    assert rest.post("/api/organizations/", body, format="json").status_code == 201


# ---- relations: every key a user can send names a record only when it lies in their scope --------

def _scoped_relation(reg, name) -> bool:
    """A relation to records that have a scope (not to a Reference such as the roles, which every
    user may name and whose picking rules are the Reference's: tests/test_users.py)."""
    from yingji.core.framework.registry import reference_for

    f = reg.field(name)
    return f.is_relation and reference_for(f.related_model) is None


RELATIONS = [(reg, name) for reg in REGISTRIES for name in dict.fromkeys(reg.editable_fields + reg.filter_fields)
             if _scoped_relation(reg, name)]


def related_pair(model, tree, orgs):
    """A record of ``model`` inside township A (the viewer's scope) and one in township B."""
    from tests.conftest import make_user
    from yingji.core.framework.registry import registry_for_model

    target = registry_for_model(model)
    if target is None:  # accounts: inside when their own scope lies within the viewer's
        return (make_user("scope_in_account", "staff", region=tree["va"]),
                make_user("scope_out_account", "staff", region=tree["vb"]))
    return make_record(target, tree["va"], orgs["a"]), make_record(target, tree["vb"], orgs["b"])


def related_label(model, obj):
    from yingji.core.framework.registry import registry_for_model

    target = registry_for_model(model)
    return target.suggest_label(obj) if target else str(obj)


def missing_key(model, key):
    field = model._meta.pk if key == "pk" else model._meta.get_field(key)
    return 987654321 if field.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField") else "NO-SUCH-KEY"


def worded(messages, value):
    """Error messages with the offending value taken out, to compare the answers to two keys."""
    return [str(m).replace(str(value), "<key>") for m in messages]


@pytest.mark.parametrize(("reg", "name"), RELATIONS, ids=[f"{r.slug}.{n}" for r, n in RELATIONS])
def test_relation_keys_outside_scope_are_unknown(reg, name, tree, orgs, users, api, client):
    from urllib.parse import quote

    from django.core.exceptions import ValidationError
    from django.utils.html import escape

    model = reg.field(name).related_model
    key = reg.related_key(name)
    inside, outside = related_pair(model, tree, orgs)
    good, bad, none = getattr(inside, key), getattr(outside, key), missing_key(model, key)
    viewer = users["all_in_a"]

    # Pages: the list filter and the new-record form name the current value only when it is in scope.
    client.force_login(viewer)
    pages = ([f"/registry/{reg.slug}/"] if name in reg.filter_fields else []) + (
        [f"/registry/{reg.slug}/new/"] if name in reg.editable_fields and reg.allow_create else [])
    for url in pages:
        shown = client.get(url, {name: good}).content.decode()
        assert f">{escape(related_label(model, inside))}<" in shown, url
        hidden = client.get(url, {name: bad}).content.decode()
        assert f'<option value="{escape(bad)}"' not in hidden, url
        for typed in (escape(bad), quote(str(bad))):  # the key as typed may come back; nothing more
            hidden = hidden.replace(typed, "<key>")
        assert escape(related_label(model, outside)) not in hidden, url

    # Forms (page and import): the field refuses an out-of-scope key in the words it uses for a missing one.
    if name in reg.editable_fields:
        for for_import in (False, True):
            field = reg.form_class(viewer, for_import=for_import)().fields[name]
            assert field.clean(good) == inside
            refusals = []
            for value in (bad, none):
                with pytest.raises(ValidationError) as refused:
                    field.clean(value)
                refusals.append(worded(refused.value.messages, value))
            assert refusals[0] == refusals[1], for_import
        # A record that already links to an out-of-scope one (set above the user) keeps it when edited.
        linked = make_record(reg, tree["va"], orgs["a"])
        reg.model.objects.filter(pk=linked.pk).update(**{reg.field(name).attname: outside.pk})
        linked.refresh_from_db()
        assert reg.form_class(viewer)(instance=linked).fields[name].clean(bad) == outside

    # API writes: the same 400 for an out-of-scope key as for a missing one; an in-scope key passes the field.
    rest = api("all_in_a")
    if name in reg.editable_fields:
        if reg.allow_create:
            def send(value):
                return rest.post(f"/api/{reg.slug}/", {name: value}, format="json")
        else:
            record = make_record(reg, tree["va"], orgs["a"])

            def send(value):
                return rest.patch(f"/api/{reg.slug}/{record.pk}/", {name: value}, format="json")
        answers = [send(value) for value in (bad, none)]
        assert [a.status_code for a in answers] == [400, 400]
        assert worded(answers[0].json()[name], bad) == worded(answers[1].json()[name], none)
        accepted = send(good)  # found: whatever the record's own rules then say, not "does not exist"
        assert (accepted.status_code in (200, 201) or name not in accepted.json()
                or worded(accepted.json()[name], good) != worded(answers[1].json()[name], none)), accepted.json()
        kept = rest.patch(f"/api/{reg.slug}/{linked.pk}/", {name: bad}, format="json")
        assert (kept.status_code == 200 or name not in kept.json()
                or worded(kept.json()[name], bad) != worded(answers[1].json()[name], none)), kept.json()
    # API filters: likewise.
    if name in reg.filter_fields:
        assert rest.get(f"/api/{reg.slug}/", {name: good}).status_code == 200
        answers = [rest.get(f"/api/{reg.slug}/", {name: value}) for value in (bad, none)]
        assert [a.status_code for a in answers] == [400, 400]
        assert worded(answers[0].json()[name], bad) == worded(answers[1].json()[name], none)


def test_duty_shift_people_outside_scope_are_neither_named_nor_linked(tree, users, api, client):
    """The reported case: ?leader=<id> echoed the names of every other township's people, and a shift
    could be saved naming them (their names then read back as leader_name)."""
    from yingji.core.models import Person
    from yingji.incidents.models import DutyShift

    strangers = [Person.objects.create(name=f"金刚镇干部{i}", mobile=f"1390000000{i}", region=tree["vb"])
                 for i in range(3)]
    own = [Person.objects.create(name=f"大瑶镇干部{i}", mobile=f"1380000000{i}", region=tree["va"]) for i in range(2)]
    client.force_login(users["township_a"])
    for field in ("leader", "officer", "assistant"):
        for person in strangers:
            assert person.name not in client.get("/registry/duty-shifts/new/", {field: person.pk}).content.decode()
        assert f">{own[0].name}<" in client.get("/registry/duty-shifts/new/", {field: own[0].pk}).content.decode()

    rest = api("township_a")
    body = {"region": tree["a"].code, "date": "2026-11-22", "shift": "all", "starts_at": "2026-11-22T08:30:00+08:00",
            "ends_at": "2026-11-23T08:30:00+08:00", "phone": "0731-83000000", "leader": own[0].pk, "officer": own[1].pk}
    nobody_has = max(p.pk for p in strangers + own) + 1000
    for field in ("leader", "officer", "assistant"):
        refused = rest.post("/api/duty-shifts/", {**body, field: strangers[0].pk}, format="json")
        missing = rest.post("/api/duty-shifts/", {**body, field: nobody_has}, format="json")
        assert refused.status_code == missing.status_code == 400
        assert worded(refused.json()[field], strangers[0].pk) == worded(missing.json()[field], nobody_has)
        assert "金刚镇干部" not in refused.content.decode()
    assert not DutyShift.objects.exists()
    made = rest.post("/api/duty-shifts/", {**body, "assistant": own[1].pk}, format="json")
    assert made.status_code == 201 and made.json()["leader_name"] == own[0].name
    # Changing an existing shift to a stranger is refused the same way.
    changed = rest.patch(f"/api/duty-shifts/{made.json()['id']}/", {"officer": strangers[1].pk}, format="json")
    assert changed.status_code == 400 and "金刚镇干部" not in changed.content.decode()
    assert DutyShift.objects.get().officer == own[1]


def test_task_assignee_is_no_account_oracle(tree, users, api, client):
    """The reported case: an assignee id outside the user's scope was accepted (and its name read
    back), an id nobody has was refused — so the answer told which accounts exist."""
    from tests.conftest import make_user
    from yingji.incidents.models import Incident, Task

    incident = Incident.objects.create(title="大瑶村山体滑坡", event_type="14200", occurred_at="2026-11-22T06:00:00+08:00",
                                       received_at="2026-11-22T06:10:00+08:00", address="大瑶村", region=tree["va"],
                                       description="山体滑坡", number="SJ-TEST-1")
    stranger = make_user("jingang_officer", "township", region=tree["vb"])
    colleague = make_user("dayao_officer", "village", region=tree["va"])
    rest = api("township_a")
    body = {"incident": incident.number, "title": "转移受威胁群众", "due_at": "2026-11-22T09:00:00+08:00"}
    nobody_has = max(u.pk for u in (stranger, colleague, users["admin"])) + 1000
    refused = rest.post("/api/tasks/", {**body, "assignee": stranger.pk}, format="json")
    missing = rest.post("/api/tasks/", {**body, "assignee": nobody_has}, format="json")
    assert refused.status_code == missing.status_code == 400
    assert worded(refused.json()["assignee"], stranger.pk) == worded(missing.json()["assignee"], nobody_has)
    # Administrators without a scope (global) are nobody's to assign either, from a township.
    assert rest.post("/api/tasks/", {**body, "assignee": users["admin"].pk}, format="json").status_code == 400
    assert not Task.objects.exists()
    made = rest.post("/api/tasks/", {**body, "assignee": colleague.pk}, format="json")
    assert made.status_code == 201 and made.json()["assignee_name"] == "dayao_officer"
    # The task form offers only the accounts in scope.
    client.force_login(users["township_a"])
    page = client.get("/registry/tasks/new/", {"assignee": stranger.pk}).content.decode()
    assert "jingang_officer" not in page and ">dayao_officer<" in page


PERSONAL = [r for r in REGISTRIES if r.personal_fields]


@pytest.mark.parametrize("reg", PERSONAL, ids=[r.slug for r in PERSONAL])
def test_personal_fields_only_for_their_roles(reg, tree, orgs, users, api, web):
    """Personal data (a victim's name and ID number) reads only for a role that needs it; everyone else
    who may see the record gets it masked on the list and record pages, in the API and in exports."""
    from yingji.core.framework.registry import MASK
    from yingji.core.framework.roles import holds

    record = make_record(reg, tree["va"], orgs["a"])
    secret = {}
    for name in reg.personal_fields:
        value = "甲乙丙" + str(record.pk) if name != "id_number" else "11010519491231002X"
        type(record).objects.filter(pk=record.pk).update(**{name: value})
        secret[name] = value
    allowed = next(u for u in ("admin", "staff") if holds(users[u]) & set(reg.personal_roles) or u == "admin")
    masked = next(u for u in ("leader", "readonly") if not holds(users[u]) & set(reg.personal_roles))
    for who, shows in ((allowed, True), (masked, False)):
        browser = web(who)
        pages = {"list": browser.get(f"/registry/{reg.slug}/").content.decode(),
                 "detail": browser.get(f"/registry/{reg.slug}/{record.pk}/").content.decode()}
        sheet = load_workbook(io.BytesIO(browser.get(f"/registry/{reg.slug}/export.xlsx").content), read_only=True)
        cells = {str(c) for row in sheet.worksheets[0].iter_rows(values_only=True) for c in row}
        client = api(who)
        body = client.get(f"/api/{reg.slug}/{record.pk}/").json()
        listed = client.get(f"/api/{reg.slug}/").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        for name, value in secret.items():
            for page, html in pages.items():
                if name in (reg.list_fields if page == "list" else reg.display_fields):
                    assert (value in html) is shows, (who, name, page)
            assert (value in cells) is shows and ((MASK in cells) is not shows), (who, name)
            assert (body[name] == value) is shows and (shows or body[name] == MASK), (who, name, body[name])
            assert any(r.get(name) == (value if shows else MASK) for r in rows), (who, name)
