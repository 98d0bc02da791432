"""POST /api/extraction/: authenticated, validated, places resolved against the platform's own region
table (villages included) as well as the national gazetteer."""

from rest_framework.test import APIClient


def test_extraction_api_resolves_the_bureaus_villages(tree, users, api):
    text = "7月3日14时许，浏阳市大瑶镇大瑶村发生山体滑坡，造成3人死亡、5人受伤。"
    response = api("staff").post("/api/extraction/", {"text": text, "reference_date": "2024-07-04"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(p["name"], p["code"]) for p in body["places"]] == [("大瑶村", "430181110001")]
    assert body["figures"]["deaths"]["value"] == 3
    assert text[body["figures"]["deaths"]["start"]:body["figures"]["deaths"]["end"]] == "3人"
    assert body["occurred_date"]["value"] == "2024-07-03"
    assert body["event_type"]["value"] == "地质灾害"


def test_extraction_api_refuses_bad_input_and_anonymous_callers(db, users, api):
    response = api("staff").post("/api/extraction/", {"text": "", "reference_date": "2024-13-40"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"text", "reference_date"}
    assert APIClient().post("/api/extraction/", {"text": "3人死亡"}, format="json").status_code in (401, 403)


def test_extraction_api_is_in_the_schema(db, client, users):
    client.force_login(users["staff"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/extraction/" in schema
