"""Autocomplete: matches anywhere in the name, what begins with the term first, and the picked
record is named beside its key (issue 15)."""


def test_suggestions_match_anywhere_and_prefix_first(orgs, users, web):
    client = web("staff")
    anywhere = client.get("/registry/organizations/suggest/", {"q": "化工"}).content.decode()
    assert "金刚化工有限公司" in anywhere  # 化工 is in the middle of the name (was: start only for keys)
    from tests.conftest import credit
    from yingji.core.models import Organization

    Organization.objects.create(credit_code=credit(77), name="化工原料仓库", region=orgs["a"].region)
    both = client.get("/registry/organizations/suggest/", {"q": "化工"}).content.decode()
    assert both.index("化工原料仓库") < both.index("金刚化工有限公司")  # beginning with the term: first


def test_the_picked_record_is_named_beside_its_key(orgs, users, web):
    page = web("staff").get(f"/registry/organizations/{orgs['a'].pk}/edit/").content.decode()
    assert 'data-picked-for="id_region"' in page and ">大瑶村（大瑶镇）</div>" in page
    assert "yingji/autocomplete.js" in page
