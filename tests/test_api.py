"""API: a valid OpenAPI 3 schema, token and session auth, CRUD, JSON errors with field messages."""

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import credit
from yingji.core.framework.registry import registries


def test_schema_is_valid_openapi_and_covers_every_registry(db, client, users):
    client.force_login(users["admin"])
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.load(response.content, Loader=yaml.CSafeLoader)  # libyaml: the pure-Python loader takes ~10 s
    validate(schema)  # raises on an invalid OpenAPI 3 document
    for reg in registries():
        assert f"/api/{reg.slug}/" in schema["paths"]
        assert f"/api/{reg.slug}/{{id}}/history/" in schema["paths"]
        assert f"/api/{reg.slug}/import/" in schema["paths"]


def test_schema_generation_has_no_warnings(db, tmp_path, monkeypatch):
    from drf_spectacular.drainage import GENERATOR_STATS

    # The command turns on source line numbers in its warnings for the rest of the process: every later
    # schema would then read the source of each serializer (36 s instead of 3 s a schema), so it is undone.
    monkeypatch.setattr(GENERATOR_STATS, "_trace_lineno", False)
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

    from yingji.core.framework.registry import get_registry
    from yingji.core.framework.search import search_q
    from yingji.core.models import Organization

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

    from yingji.core.framework.search import _table_column, ensure_trigram_indexes

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


def _schema(client, users):
    client.force_login(users["admin"])
    return client.get("/api/schema/?format=json").json()


def test_schema_declares_errors_nullable_names_and_paginated_history(db, client, users):
    schema = _schema(client, users)
    error = schema["components"]["schemas"]["Error"]
    assert "detail" in error["properties"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "409"} <= codes, (method, path, codes)
            if method != "get":
                assert "405" in codes, (method, path)
            for p in operation.get("parameters", []):  # an empty query value means "not given"
                assert p["in"] != "query" or p.get("required") or p["allowEmptyValue"] is True, (path, p["name"])
    props = schema["components"]["schemas"]["DutyLog"]["properties"]
    assert props["incident_name"]["nullable"] is True  # the log may name no incident: null, not a string
    assert props["recorded_by"]["nullable"] is True
    assert schema["components"]["schemas"]["Organization"]["properties"]["region_name"].get("nullable") is None
    level = schema["components"]["schemas"]["RiskPoint"]["properties"]["level"]  # "" before any assessment
    assert {"$ref": "#/components/schemas/BlankEnum"} in level["oneOf"]
    history = schema["paths"]["/api/organizations/{id}/history/"]["get"]
    assert history["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedHistoryEntryList")
    assert {p["name"] for p in history["parameters"]} == {"id", "page", "page_size"}  # no list filters there
    bbox = {p["name"] for p in schema["paths"]["/api/map/{slug}.geojson"]["get"]["parameters"]}
    assert {"west", "south", "east", "north"} <= bbox


def test_bad_query_parameters_are_a_400_that_names_them(tree, orgs, users, api):
    from tests.samples import make_record
    from yingji.core.framework.registry import get_registry

    sensor = make_record(get_registry("sensors"), tree["va"], orgs["a"])
    rest = api("admin")
    for url, params, name in [
        ("/api/organizations/", {"q": "花\x00炮"}, "q"),  # PostgreSQL refuses NUL in text: was a 500 there
        ("/api/organizations/", {"kind": "enterprise\x00"}, "kind"),
        ("/api/organizations/", {"page_size": "abc"}, "page_size"),  # was: silently the default size
        ("/api/organizations/", {"page_size": "0"}, "page_size"),
        ("/api/organizations/", {"page": "0"}, "page"),
        ("/api/organizations/", {"page": "1.5"}, "page"),
        ("/api/organizations/", {"page_size": ["5", "6"]}, "page_size"),  # was: the last one, silently
        ("/api/alarms/", {"level": "1.5"}, "level"),  # an integer filter took decimals
        ("/api/plans/", {"abolished": "null"}, "abolished"),  # a yes/no filter took any text as "either"
        (f"/api/monitoring/sensors/{sensor.pk}/series/", {"minutes": "abc"}, "minutes"),  # was a 500
        ("/api/map/organizations.geojson", {"west": "nan", "south": "1", "east": "2", "north": "3"}, "west"),
    ]:
        response = rest.get(url, params)
        assert response.status_code == 400, (url, params, response.status_code)
        assert name in response.json(), (url, params, response.json())
    # An empty value is "not given", as the schema says (allowEmptyValue) and as forms send it.
    listed = rest.get("/api/organizations/", {"page": "", "page_size": "", "kind": "", "q": ""})
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert rest.get("/api/organizations/", {"page": "9"}).status_code == 404  # past the last page
    unknown = rest.get("/api/organizations/not-an-id./")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "未找到。"}  # JSON, not an HTML page


def test_nul_characters_in_json_input_are_a_400_that_names_the_field(tree, users, api):
    body = {"name": "化工事故专项预案", "kind": "special", "event_types": "21400", "approved_on": "2025-06-01",
            "region": "430181", "command_structure": {"总指挥": "县\x00长"}}
    response = api("admin").post("/api/plans/", body, format="json")
    assert response.status_code == 400  # was 201 on SQLite and a 500 on PostgreSQL (jsonb refuses \u0000)
    assert "command_structure" in response.json()
    body["command_structure"] = {"总指挥": "县长"}
    assert api("admin").post("/api/plans/", body, format="json").status_code == 201
    # Form-encoded too: a related record looked up by a code with NUL in it was a 500 on PostgreSQL.
    form = api("admin").post("/api/hazard-sources/", {"name": "储罐区", "organization": "\x00", "region": "430181",
                                                      "unit_kind": "storage"})
    assert form.status_code == 400 and "NUL" in form.json()["organization"][0]


def test_bad_query_parameters_on_pages_are_a_400_not_a_server_error(tree, users, web):
    client = web("admin")
    for url, name in [("/incidents/intake/?alarm=abc", "alarm"), ("/incidents/intake/?warning=1x", "warning"),
                      ("/live/stream?max_s=abc", "max_s"), ("/registry/organizations/?q=a%00b", "q")]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert name in response.content.decode(), url
