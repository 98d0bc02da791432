"""The access-control matrix, run the same way over every registered model.

A township user sees and touches only records in their township's subtree; an enterprise user only
their own organization's; a user with no scope sees nothing; an out-of-scope record is a 404 on
every page and endpoint, never a leak.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.samples import make_record
from yingji.core.registry import registries

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
    from yingji.core.codes import credit_code_check_char

    body["credit_code"] = body["credit_code"][:17] + credit_code_check_char(body["credit_code"][:17])
    response = rest.post("/api/organizations/", body, format="json")
    assert response.status_code == 400
    assert "region" in response.json()  # the other township's village is not even a valid choice
    body["region"] = "430181110001"
    assert rest.post("/api/organizations/", body, format="json").status_code == 201
