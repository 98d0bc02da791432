"""The demo county's event chains reach the 事理图谱, and its screen figures count (the shared demo layer)."""

from tests.test_demo import demo_county, load_demo  # noqa: F401  (the shared demo layer)


def test_demo_storms_make_a_rain_chain(demo_county, client):  # noqa: F811
    from django.contrib.auth import get_user_model

    from yingji.screen import chains, services

    leader = get_user_model().objects.get(username="leader")
    links, names = services.links(leader)
    edges = chains.count_edges(links)
    counted = {(e.cause, e.effect): e.count for e in edges}
    assert counted[("12200", "14200")] == 2 and counted[("14200", "22100")] == 2  # 暴雨 → 滑坡 → 道路交通事故, twice
    assert (("12200", "14200", "22100"), 2) in chains.chains(edges, "12200")
    assert names["12200"] == "暴雨"
    figures = {f["key"]: f["value"] for f in services.figures(leader)}
    assert figures["open-incidents"] >= 1  # the demo's open landslide; the chains' incidents are all closed
    client.force_login(leader)
    assert "暴雨" in client.get("/chains/").content.decode()
