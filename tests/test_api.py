"""API: a valid OpenAPI 3 schema, token and session auth, CRUD, JSON errors with field messages."""

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import credit
from yingji.core.registry import registries


def test_schema_is_valid_openapi_and_covers_every_registry(db, client, users):
    client.force_login(users["admin"])
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)  # raises on an invalid OpenAPI 3 document
    for reg in registries():
        assert f"/api/{reg.slug}/" in schema["paths"]
        assert f"/api/{reg.slug}/{{id}}/history/" in schema["paths"]
        assert f"/api/{reg.slug}/import/" in schema["paths"]


def test_schema_generation_has_no_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    assert out.stat().st_size > 1000


def test_docs_page_uses_vendored_assets(db, client, users):
    client.force_login(users["admin"])
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page and "cdn" not in page.lower()


def test_token_auth_and_crud(tree, users):
    token = Token.objects.create(user=users["staff"])
    rest = APIClient()
    assert rest.get("/api/organizations/").status_code == 401
    rest.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"credit_code": credit(9001), "name": "接口企业", "kind": "enterprise", "region": "430181110001",
            "industry_code": "C2672", "lon": 113.7, "lat": 28.1}
    created = rest.post("/api/organizations/", body, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["region_name"] == "大瑶村"
    listed = rest.get("/api/organizations/", {"q": "接口", "ordering": "-name"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk
    in_a = rest.get("/api/organizations/", {"region": "430181110"}).json()["results"]  # township subtree
    assert {o["name"] for o in in_a} == {"接口企业", "大瑶花炮厂"}
    assert [o["name"] for o in rest.get("/api/organizations/", {"region": "430181111"}).json()["results"]] == \
        ["金刚化工有限公司"]
    assert rest.get("/api/organizations/", {"industry_code": "C267"}).json()["count"] == 2  # prefix filter
    assert rest.patch(f"/api/organizations/{pk}/", {"employees": 12}, format="json").json()["employees"] == 12
    assert rest.delete(f"/api/organizations/{pk}/").status_code == 204


def test_token_endpoint(db, users):
    response = APIClient().post("/api/token/", {"username": "staff", "password": "pw-for-tests-1"})
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_validation_errors_are_json_with_field_messages(tree, users, api):
    bad = credit(9002)[:17] + ("0" if credit(9002)[17] != "0" else "1")
    response = api("staff").post("/api/organizations/", {"credit_code": bad, "name": "", "kind": "x",
                                                        "region": "000000"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["credit_code"] == [f"校验位应为 {credit(9002)[17]}"]
    assert set(errors) >= {"name", "kind", "region"}


def test_model_clean_runs_through_the_api(tree, users, api):
    response = api("admin").post("/api/regions/", {"code": "430182001", "name": "错", "level": "township",
                                                   "parent": "430181"}, format="json")
    assert response.status_code == 400
    assert response.json()["parent"] == ["代码前 6 位应与上级区划代码 430181 一致"]


def test_export_endpoint_respects_filters(orgs, users, api):
    response = api("staff").get("/api/organizations/export/", {"region": "430181110"})
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "大瑶花炮厂"


def test_region_layer_colours_by_attributes(tree, orgs, users, api):
    tree["a"].geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.9, 27.9], [113.9, 28.0],
                                                              [113.7, 28.0], [113.7, 27.9]]]}
    tree["a"].area_km2 = 100
    tree["a"].save()
    layer = api("leader").get("/api/map/regions.geojson", {"level": "township"}).json()
    (feature,) = layer["features"]
    assert feature["properties"]["organizations"] == 1
    assert feature["properties"]["density"] == 800.0
    assert layer["attributes"]["population"] == "常住人口"


def test_search_uses_trigram_indexes_on_postgresql(tree, orgs):
    from django.db import connection

    from yingji.core.models import Organization
    from yingji.core.registry import get_registry
    from yingji.core.search import search_q

    reg = get_registry("organizations")
    found = list(Organization.objects.filter(search_q(reg, "花炮")))
    assert found == [orgs["a"]]  # the portable path, on every database
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # created by the post-migrate hook when the test DB was built
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'core_organization'")
            assert "core_organization_name_trgm" in {row[0] for row in cursor.fetchall()}
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")  # leaves bitmap scans: only trgm can serve LIKE
            sql, params = Organization.objects.filter(search_q(reg, "大瑶花炮")).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "core_organization_name_trgm" in plan


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_every_registry_search_field_gets_a_trigram_index_even_through_a_relation(db):
    from django.db import connection

    from yingji.core.search import _table_column, ensure_trigram_indexes

    created = ensure_trigram_indexes()
    # A path through a relation is indexed on the related table (was: an error that stopped the
    # loop, leaving every registry after it unindexed).
    assert "resources_warehouse_name_trgm" in created
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        present = {row[0] for row in cursor.fetchall()}
    assert set(created) <= present
    # Every registry's every search field, to the last registry registered.
    expected = {f"{table}_{column}_trgm"[:63] for reg in registries() for name in reg.search_fields
                for table, column in [_table_column(reg.model, name)]}
    assert expected == set(created) and "incidents_incident_title_trgm" in expected


def test_unique_constraints_are_reported_by_the_model(tree, users, api):
    rest = api("staff")
    body = {"name": "张三", "mobile": "13800000001", "contact_role": "grid_worker", "region": "430181110001"}
    assert rest.post("/api/persons/", body, format="json").status_code == 201
    again = rest.post("/api/persons/", body, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["包含 姓名 和 手机 的 人员通讯录 已经存在。"]}
