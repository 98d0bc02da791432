"""The whole event's duplicate list: the database finds the people who share a sign (grouped queries) and
the pure engine pairs only them — the same pairs as the engine over everyone; scope and paging."""

from __future__ import annotations

from yingji.shelters import duplicates, services
from yingji.shelters.models import Evacuee

from . import test_flow as flow
from .test_flow import CHILD, HEAD

event, shelters = flow.event, flow.shelters


def test_the_narrowed_list_is_the_engine_over_everyone(api, tree, users, event, shelters):
    staff = users["staff"]
    a = services.activate(staff, shelters[0], event=event)
    b = services.activate(staff, shelters[1], event=event)
    type(a).objects.filter(pk=a.pk).update(capacity_people=50)
    va, vb = tree["va"], tree["vb"]
    services.check_in(staff, a, head_name="刘建国", head_id_number=HEAD, phone="13800000001", village=va,
                      members=f"王秀兰，，配偶\n刘小宇，{CHILD}，子女")
    services.check_in(staff, b, head_name="刘建国", head_id_number=HEAD, village=vb)  # same ID number
    services.check_in(staff, b, head_name="王秀兰", phone="13800000001", village=vb)  # name + the household's phone
    services.check_in(staff, a, head_name="周敏", village=va, members="周敏，，子女")  # one name twice in a family
    services.check_in(staff, b, head_name="何强", village=va, members="何强，，其他")
    services.check_in(staff, a, head_name="无关的人", phone="13900000000", village=vb)
    Evacuee.objects.filter(name__in=["周敏", "何强"]).update(birth_year=1975)  # name + village + year
    everyone = duplicates.candidates(services._event_people(event))
    listed = services.duplicate_candidates(event)
    assert [(c.first["key"], c.second["key"], c.reason) for c in listed] == [
        (c.first["key"], c.second["key"], c.reason) for c in everyone]
    assert sorted(c.reason for c in listed) == ["id_number", "name_phone", "name_village_year", "name_village_year"]
    # a township sees the pairs with someone in its scope only; paging through the API
    town_b = services.duplicate_candidates(event, users["township_b"])
    assert len(town_b) == 3 and all("金刚" in c.first["shelter"] + c.second["shelter"] for c in town_b)
    page = api("staff").get("/api/shelters/duplicates/", {"event": event.pk, "page": 2, "page_size": 3}).json()
    assert (page["count"], page["page"], len(page["candidates"])) == (4, 2, 1)
    assert api("staff").get("/api/shelters/duplicates/", {"event": event.pk, "page": 0}).status_code == 400
