"""The shelters' second part: the 灾情 report takes its 集中安置 figures from the registrations (a declared
figure source; disasters never imports shelters), the 居民安置卡, the GB/T 33744 forms, the nearest
shelter with room by road time, and the desk's idempotent submissions."""

from __future__ import annotations

import pytest

from yingji.disasters.models import DisasterReport
from yingji.shelters.models import Activation, Household

from . import test_flow as flow
from .test_flow import activate, check_in, post

event, shelters = flow.event, flow.shelters  # the flow's fixtures


def test_the_report_takes_its_concentrated_figures_from_the_registrations(api, web, tree, event, shelters):
    a, b = shelters
    site, other = activate(api, a, event), activate(api, b, event)
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/open-report/", {"kind": "initial"}).status_code == 200
    county = DisasterReport.objects.get(event=event, level="county")
    town = DisasterReport.objects.get(event=event, level="township", region=tree["a"])
    before = post(api("staff"), f"/api/disaster-reports/{county.pk}/take-figures/")
    assert before.status_code == 200, before.json()
    county.refresh_from_db()
    assert (county.figures["relocated_concentrated"], county.figures["shelter_sites"]) == (0, 2)
    check_in(api, site, village=tree["va"].pk)  # 3 people from 大瑶村
    check_in(api, other, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="")
    # what was typed is kept, the sourced figures replace what was typed for them
    taken = post(api("staff"), f"/api/disaster-reports/{county.pk}/take-figures/",
                 {"f_relocated_concentrated": "99", "f_deaths": "1"})
    assert taken.status_code == 200, taken.json()
    assert taken.json()["figures"] == {"relocated_concentrated": 4, "shelter_sites": 2}
    county.refresh_from_db()
    assert (county.figures["relocated_concentrated"], county.figures["shelter_sites"], county.figures["deaths"]) == (4, 2, 1)
    # the township's report: its own people (by home village) and its own sites
    assert post(api("township_a"), f"/api/disaster-reports/{town.pk}/take-figures/").status_code == 200
    town.refresh_from_db()
    assert (town.figures["relocated_concentrated"], town.figures["shelter_sites"]) == (4, 1)
    # the form says where the figure comes from and offers the button beside it
    page = web("staff").get(f"/registry/disaster-reports/{county.pk}/do/submit/")
    html = page.content.decode()
    assert "由安置登记取数" in html and 'data-testid="take-figures"' in html
    # a township may not take figures into the county's report (its role refuses it there)
    assert post(api("village_a"), f"/api/disaster-reports/{county.pk}/take-figures/").status_code in (403, 404)
    assert Household.objects.filter(event=event).count() == 2


def _family(api, tree, event, shelters):
    site = activate(api, shelters[1], event)
    response = check_in(api, site, village=tree["va"].pk, medication="")
    assert response.status_code == 200, response.json()
    return site, Household.objects.get(pk=response.json()["household"])


def test_the_household_card_prints_with_a_qr_code_that_holds_no_personal_data(api, web, tree, event, shelters):
    import re

    import segno  # noqa: F401  (pinned in pyproject.toml)

    from yingji.shelters import documents

    site, household = _family(api, tree, event, shelters)
    record = web("staff").get(f"/registry/shelter-households/{household.pk}/").content.decode()
    link = f"/registry/shelter-households/{household.pk}/documents/card.html"
    assert link in record and "打印居民安置卡" in record
    page = web("staff").get(link)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert page["Content-Disposition"].startswith("inline")
    html = page.content.decode()
    assert household.card_number in html and "刘建国" in html and "@page { size: A6" in html
    assert html.count("<svg") == 1 and "yingji/print.js" in html and "<script>" not in html
    # the QR code holds the record's address and the card number, nothing personal
    held = documents.card_url(household)
    assert held.endswith(f"/registry/shelter-households/{household.pk}/?card={household.card_number}")
    for personal in (household.head_name, household.head_id_number, household.phone):
        assert personal not in held
    assert documents.qr_svg(held) in html  # the same code the card shows
    # a reader without a personal role sees the card masked
    other = web("leader").get(link)
    assert other.status_code == 200 and "刘建国" not in other.content.decode() and household.card_number in other.content.decode()
    # the shelter's A4 sheet: every household in, four a page
    check_in(api, site, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="")
    sheet = web("staff").get(f"/registry/shelter-activations/{site.pk}/documents/cards.html").content.decode()
    assert len(re.findall(r'data-card="AZ', sheet)) == 2 and "size: A4" in sheet


def test_the_register_and_needs_forms_of_an_activation(api, web, tree, event, shelters):
    import io

    from docx import Document
    from openpyxl import load_workbook

    site, household = _family(api, tree, event, shelters)
    record = web("staff").get(f"/registry/shelter-activations/{site.pk}/").content.decode()
    for name in ("register.docx", "register-xlsx.xlsx", "needs.docx", "needs-xlsx.xlsx"):
        assert f"/registry/shelter-activations/{site.pk}/documents/{name}" in record
    book = load_workbook(io.BytesIO(web("staff").get(
        f"/registry/shelter-activations/{site.pk}/documents/register-xlsx.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[2]
    people = [dict(zip(header, r, strict=False)) for r in rows[3:6]]
    assert [p["姓名"] for p in people] == ["刘建国", "王秀兰", "刘小宇"]  # the 户主 first
    assert people[1]["身份证号码"] == "无" and people[0]["安置卡号"] == household.card_number
    needs = load_workbook(io.BytesIO(web("staff").get(
        f"/registry/shelter-activations/{site.pk}/documents/needs-xlsx.xlsx").content)).active
    line = dict(zip(list(needs.iter_rows(values_only=True))[2], list(needs.iter_rows(values_only=True))[3], strict=False))
    assert (line["家庭人数"], line["老"], line["幼"], line["病"], line["孕"]) == (3, 1, 1, 1, None)
    paper = Document(io.BytesIO(web("staff").get(
        f"/registry/shelter-activations/{site.pk}/documents/needs.docx").content))
    cells = [c.text for c in paper.tables[0].rows[1].cells]
    assert household.card_number in cells and "刘建国" in cells
    # masked for a reader without a personal role, on the API too
    masked = api("leader").get(f"/api/shelter-activations/{site.pk}/documents/register-xlsx/")
    assert masked.status_code == 200
    text = str(list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True)))
    assert "刘建国" not in text and "***" in text and household.card_number in text


def _full_site_and_two_others(api, tree, event):
    from yingji.resources.models import Shelter

    full = Shelter.objects.create(name="起点安置点", duration_class="short", region=tree["a"], effective_area_m2=2,
                                  lon=113.70, lat=28.0)  # one person at 2 m²
    near_line = Shelter.objects.create(name="直线近的安置点", duration_class="medium", region=tree["a"],
                                       effective_area_m2=300, lon=113.71, lat=28.03)  # 3.5 km off the road
    near_road = Shelter.objects.create(name="路上近的安置点", duration_class="medium", region=tree["a"],
                                       effective_area_m2=300, lon=113.75, lat=28.0)  # 4.9 km along the road
    site = activate(api, full, event)
    activate(api, near_line, event), activate(api, near_road, event)
    assert check_in(api, site, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="").status_code == 200
    return site


def test_a_full_shelter_points_to_the_nearest_with_room_by_road_time(api, web, tree, event, road):
    from tests.roads import seconds

    site = _full_site_and_two_others(api, tree, event)
    refused = check_in(api, site, village=tree["va"].pk, head_name="黄美玲", head_id_number="", members="")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    minutes = max(1, round(seconds(113.70, 113.75) / 60))  # five segments of the hand road: 8 min
    assert f"最近有空位的安置点：路上近的安置点（路网行程约 {minutes} 分钟" in detail
    page = web("staff").get(f"/registry/shelter-activations/{site.pk}/").content.decode()
    assert "已满员" in page and "路上近的安置点" in page and "路网行程" in page


def test_without_a_road_network_the_nearest_is_by_straight_line_and_says_so(api, web, tree, event, settings, tmp_path):
    settings.ROAD_NETWORK = str(tmp_path / "none.geojson")
    site = _full_site_and_two_others(api, tree, event)
    detail = check_in(api, site, village=tree["va"].pk, head_name="黄美玲", head_id_number="", members="").json()["detail"]
    from yingji.logistics.network import haversine_m

    km = float(haversine_m(113.70, 28.0, 113.71, 28.03)) / 1000
    assert f"最近有空位的安置点：直线近的安置点（直线距离约 {km:.1f} 公里（未载入路网" in detail


def test_the_same_submission_twice_registers_once(api, web, tree, event, shelters):
    from yingji.core.models import SubmissionKey

    site = activate(api, shelters[1], event)
    key = "desk-0001-aaaa-bbbb-cccc"
    body = {"head_name": "刘建国", "head_id_number": "", "phone": "13800000001", "village": tree["va"].pk,
            "members": "王秀兰，，配偶", "zone": "A区"}
    first = api("staff").post(f"/api/shelter-activations/{site.pk}/check-in/", body, format="json",
                              HTTP_IDEMPOTENCY_KEY=key)
    again = api("staff").post(f"/api/shelter-activations/{site.pk}/check-in/", body, format="json",
                              HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200, (first.json(), again.json())
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Household.objects.filter(event=event).count() == 1
    site.refresh_from_db()
    assert site.occupants == 2
    # a key is one submission: another operation, or another person, may not reuse it
    other = api("staff").post(f"/api/shelter-activations/{site.pk}/add-log/", {"kind": "duty", "content": "交班"},
                              format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 409
    assert api("staff").post(f"/api/shelter-activations/{site.pk}/check-in/", body, format="json",
                             HTTP_IDEMPOTENCY_KEY="short").status_code == 400
    # without a key each send is its own registration
    assert check_in(api, site, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="").status_code == 200
    assert Household.objects.filter(event=event).count() == 2
    # the page: the form carries a fresh key; posting it twice registers once and goes to the same record
    page = web("staff").get(f"/registry/shelter-activations/{site.pk}/do/check-in/").content.decode()
    import re

    sent = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    assert "yingji/offline-form.js" in page and f'data-offline-key="{sent}"' in page
    form = {"head_name": "黄美玲", "head_id_number": "", "phone": "", "village": tree["va"].pk, "members": "",
            "zone": "B区", "idempotency_key": sent}
    one = web("staff").post(f"/registry/shelter-activations/{site.pk}/do/check-in/", form)
    two = web("staff").post(f"/registry/shelter-activations/{site.pk}/do/check-in/", form,
                            HTTP_X_YINGJI_FORM="fetch")
    assert one.status_code == 302 and two.status_code == 200 and two.json()["next"] == one["Location"]
    assert Household.objects.filter(event=event, head_name="黄美玲").count() == 1
    assert SubmissionKey.objects.filter(key=sent).count() == 1
    fresh = web("staff").get(f"/registry/shelter-activations/{site.pk}/do/check-in/").content.decode()
    assert sent not in fresh  # each rendering is a new submission


def test_the_public_search_asks_for_as_many_digits_as_the_county_rules(client, api, tree, event, shelters):
    from .test_flow import CHILD

    site = activate(api, shelters[0], event)
    check_in(api, site, village=tree["va"].pk)
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/open-family-search/").status_code == 200
    data = {"event": event.pk, "name": "刘小宇", "tail": CHILD[-4:]}
    assert client.post("/public/family-search/", data).status_code == 200  # the national default: 4
    too_few = post(api("admin"), "/api/shelter-rules/", {"region": tree["county"].code, "key": "lookup_min_tail",
                                                        "value": "3", "source": "本县规定"})
    assert too_few.status_code == 400 and "value" in too_few.json()
    assert post(api("admin"), "/api/shelter-rules/", {"region": tree["county"].code, "key": "lookup_min_tail",
                                                      "value": "6", "source": "本县规定"}).status_code == 201
    refused = client.post("/public/family-search/", data)
    assert refused.status_code == 400 and "后 6 位" in refused.content.decode()
    assert client.post("/public/family-search/", {**data, "tail": CHILD[-6:]}).status_code == 200


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'",
                    reason="real concurrent transactions need PostgreSQL; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_registers_once(tree, users, event, shelters):
    import threading

    from django.db import connection

    from yingji.core.framework import operations
    from yingji.shelters import services

    site = services.activate(users["staff"], shelters[1], event=event)
    op = operations.get("shelter-activations", "check-in")
    data = {"head_name": "刘建国", "head_id_number": "", "village": str(tree["va"].pk), "members": "王秀兰，，配偶"}
    results, barrier = [None, None], threading.Barrier(2)

    def send(i):
        try:
            barrier.wait()
            record = Activation.objects.get(pk=site.pk)
            results[i] = operations.perform_once(op, users["staff"], record, data, None, "same-key-0000-1111")
        except Exception as exc:  # an IntegrityError here would be the 500 the key must not give
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(r[1] is None for r in results) == [False, True]  # one taken, one replayed
    assert Household.objects.filter(event=event).count() == 1
