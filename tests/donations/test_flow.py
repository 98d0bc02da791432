"""Donations as the office and the public use them: a public pledge → receipt at a point (its 捐赠收据号)
→ 查验入库 into the stock ledger under that number → allocation to a relief batch → 发放 → the public
trace down to the batch and its villages (no personal data); designated use refused at allocation;
a refused lot; the donor's name only with consent; the money tie-out; scope; the disclosure calendar
as to-dos."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from yingji.core.framework import todos, workflow
from yingji.core.framework.models import ToDo
from yingji.donations import public, services
from yingji.donations.models import Allocation, Disclosure, DonationLot, Pledge
from yingji.relief import services as relief
from yingji.relief.models import BatchGoods, ReliefBatch
from yingji.resources.models import StockLevel, StockMovement, TransferLine, TransferOrder


def token(seconds=10):
    return signing.dumps(time.time() - seconds, salt="tip-off")


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def pledge_form(campaign, goods=None, **kw):
    data = {"token": token(), "website": "", "donor_kind": "company", "donor_name": "湖南某某食品有限公司",
            "phone": "13912345678", "kind": "goods", "material": goods.pk if goods else "", "quantity": "300",
            "designated_use": "any", "note": ""}
    data.update(kw)
    return data


def receive(api, setup, **kw):
    data = {"campaign": setup["campaign"].pk, "receiving_point": setup["point"].pk, "kind": "goods",
            "donor_kind": "person", "donor_name": "张三", "donor_phone": "13800000001",
            "material": setup["water"].pk, "quantity": 300}
    data.update(kw)
    response = post(api("township_a"), "/api/donation-lots/receive/", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200, response.json()
    return DonationLot.objects.get(number=response.json()["number"])


def accept(api, lot, who="township_a"):
    response = post(api(who), f"/api/donation-lots/{lot.pk}/accept/", {"comment": "包装完好，在保质期内"})
    assert response.status_code == 200, response.json()
    lot.refresh_from_db()
    return lot


def draft_batch(users, event, tree):
    batch = relief.create_batch(users["staff"], event=event, region=tree["county"], kind="emergency",
                                category="emergency", period_start=event.onset_date)
    relief.add_households(users["staff"], batch)
    return batch


def distribute(users, batch):
    workflow.apply(users["township_a"], batch, "review")
    workflow.apply(users["leader"], batch, "approve")
    relief.publish_notice(users["staff"], batch, complaint_channel="救灾股 0731-83612345")
    ReliefBatch.objects.filter(pk=batch.pk).update(notice_until=timezone.now() - datetime.timedelta(minutes=1))
    batch.refresh_from_db()
    workflow.apply(users["staff"], batch, "distribute")
    batch.refresh_from_db()


def test_a_lot_is_traced_from_the_public_pledge_to_the_villages_of_its_relief_batch(
        setup, tree, users, api, client, event):
    campaign, water = setup["campaign"], setup["water"]
    # the public needs list and pledge form: no login
    page = client.get(f"/public/donations/{campaign.pk}/")
    assert page.status_code == 200 and "瓶装饮用水" in page.content.decode() and "旧衣物" in page.content.decode()
    done = client.post(f"/public/donations/{campaign.pk}/", pledge_form(campaign, water))
    assert done.status_code == 200
    pledge = Pledge.objects.get()
    assert pledge.tracking_code in done.content.decode() and pledge.quantity == 300 and not pledge.publish_name
    assert services.needs(campaign)[0]["still"] == 200  # 500 wanted, 300 pledged
    # receipt at the point from the pledge: the donor and consent are the pledge's
    lot = receive(api, setup, donor_kind="", donor_name="", donor_phone="", pledge_code=pledge.tracking_code.lower())
    assert lot.donor_name == "湖南某某食品有限公司" and lot.pledge == pledge and lot.state == "received"
    assert lot.region == tree["a"]
    pledge.refresh_from_db()
    assert pledge.state == "received" and services.needs(campaign)[0]["still"] == 200  # received, no longer pledged
    # the label carries the QR of the public trace
    label = api("township_a").get(f"/registry/donation-lots/{lot.pk}/documents/label.html")
    web = client
    web.force_login(users["township_a"])
    label = web.get(f"/registry/donation-lots/{lot.pk}/documents/label.html")
    assert label.status_code == 200 and b"<svg" in label.content and lot.number.encode() in label.content
    web.logout()
    # 查验入库: the goods enter the point's warehouse under the lot's receipt number, marked with the donor
    accept(api, lot)
    assert lot.state == "accepted"
    move = StockMovement.objects.get(batch=lot.number)
    assert (move.kind, move.delta, move.warehouse) == ("receive", 300, setup["store_a"])
    assert "湖南某某食品有限公司" in move.note
    # a transfer order keeps the lot's number as the stock batch in the store it arrives at
    order = TransferOrder.objects.create(source=setup["store_a"], destination_warehouse=setup["store_b"],
                                         destination="金刚镇储备库", purpose="调剂捐赠物资")
    TransferLine.objects.create(order=order, material=water, quantity=100, batch=lot.number)
    for step in ("approve", "issue", "depart", "receive"):
        who = {"approve": users["leader"], "receive": users["township_b"]}.get(step, users["staff"])
        workflow.apply(who, order, step)
    assert services.in_stock(lot) == {setup["store_a"].pk: 200, setup["store_b"].pk: 100}
    # allocation to a draft relief batch: a line of its goods from the lot's stock batch
    batch = draft_batch(users, event, tree)
    response = post(api("staff"), f"/api/donation-lots/{lot.pk}/allocate/", {"relief_batch": batch.pk, "per_household": 50})
    assert response.status_code == 200, response.json()
    goods = BatchGoods.objects.get(batch=batch)
    assert (goods.stock_batch, goods.quantity, goods.warehouse) == (lot.number, 150, setup["store_a"])
    assert services.unallocated(lot) == 300 - 150
    # too much for what is left: refused at the field, nothing written
    response = post(api("staff"), f"/api/donation-lots/{lot.pk}/allocate/", {"relief_batch": batch.pk, "per_household": 60})
    assert response.status_code == 400 and "per_household" in response.json()
    distribute(users, batch)
    issue = StockMovement.objects.get(batch=lot.number, kind="issue")
    assert (issue.delta, issue.reference) == (-150, batch.number)
    assert StockLevel.objects.get(warehouse=setup["store_a"], material=water).quantity == 50
    # the public trace: receipt, warehouse, transfer, the batch and its villages with household counts
    result = services.trace(lot.number)
    assert [s["what"] for s in result["steps"]] == ["接收", "查验入库", "调拨出库", "调拨入库", "救助发放出库"]
    assert result["batches"][0]["number"] == batch.number
    assert result["batches"][0]["villages"] == [{"village": "大瑶村", "households": 2}, {"village": "金刚村", "households": 1}]
    assert result["donor"] == "爱心单位"  # no consent
    html = client.get("/public/donations/trace/", {"no": lot.number}).content.decode()
    assert batch.number in html and "大瑶村" in html and "金刚村" in html
    for personal in ("户主1", "户主2", "13800138000", "湖南某某食品有限公司", "13912345678", "13800000001"):
        assert personal not in html
    assert client.get("/public/donations/trace/", {"no": "JS-00000000-9999"}).status_code == 404


def test_goods_promised_to_a_cancelled_batch_are_free_again(setup, tree, users, api, event):
    lot = accept(api, receive(api, setup, quantity=100))
    batch = draft_batch(users, event, tree)
    assert post(api("staff"), f"/api/donation-lots/{lot.pk}/allocate/", {"relief_batch": batch.pk, "per_household": 30}
                ).status_code == 200
    assert services.unallocated(lot) == 100 - 90
    workflow.apply(users["leader"], batch, "cancel", inputs={"reason": "名单有误，重新制单"})
    assert services.unallocated(lot) == 100
    assert "批次已作废" in services.trace(lot.number)["steps"][-1]["detail"]


def test_designated_use_is_enforced_at_allocation(setup, tree, users, api, event):
    lot = receive(api, setup, kind="money", material=None, quantity=None, amount_cny="5000元", designated_use="rebuild",
                  designated_region=tree["a"].pk)
    accept(api, lot)
    url = f"/api/donation-lots/{lot.pk}/allocate/"
    response = post(api("staff"), url, {"use": "relief", "target_region": tree["va"].pk, "amount_cny": "1000元"})
    assert response.status_code == 400
    assert "定向捐赠" in response.json()["use"][0] and "灾后恢复重建" in response.json()["use"][0]
    response = post(api("staff"), url, {"use": "rebuild", "target_region": tree["vb"].pk, "amount_cny": "1000元"})
    assert response.status_code == 400 and "金刚村不在其内" in response.json()["target_region"][0]
    assert not Allocation.objects.exists()
    response = post(api("staff"), url, {"use": "rebuild", "target_region": tree["va"].pk, "amount_cny": "1000元"})
    assert response.status_code == 200, response.json()
    # goods designated elsewhere cannot go to a relief batch either
    goods = receive(api, setup, designated_use="medical")
    accept(api, goods)
    response = post(api("staff"), f"/api/donation-lots/{goods.pk}/allocate/",
                    {"relief_batch": draft_batch(users, event, tree).pk, "per_household": 1})
    assert response.status_code == 400 and "医疗救治" in response.json()["use"][0]


def test_goods_failing_the_check_are_refused_with_the_reason(setup, api, client):
    lot = receive(api, setup, quantity=40)
    response = post(api("township_a"), f"/api/donation-lots/{lot.pk}/refuse/", {})
    assert response.status_code == 400  # the reason is required
    response = post(api("township_a"), f"/api/donation-lots/{lot.pk}/refuse/", {"reason": "外包装破损，部分渗漏，不符合卫生要求"})
    assert response.status_code == 200
    lot.refresh_from_db()
    assert lot.state == "refused" and "卫生" in lot.refused_reason
    assert not StockMovement.objects.filter(batch=lot.number).exists()
    assert post(api("staff"), f"/api/donation-lots/{lot.pk}/allocate/", {"use": "relief"}).status_code == 409
    assert post(api("township_a"), f"/api/donation-lots/{lot.pk}/accept/").status_code == 409
    assert services.needs(setup["campaign"])[0]["still"] == 500  # a refused lot meets no need
    assert "不符合卫生要求" in client.get("/public/donations/trace/", {"no": lot.number}).content.decode()


def test_the_donors_name_is_published_only_with_consent(setup, api, client):
    named = receive(api, setup, donor_name="李四", publish_name=True)
    unnamed = receive(api, setup, donor_name="王五", publish_name=False)
    assert services.trace(named.number)["donor"] == "李四"
    assert services.trace(unnamed.number)["donor"] == "爱心人士"
    assert "王五" not in client.get("/public/donations/trace/", {"no": unnamed.number}).content.decode()
    rows = services.charity_rows(setup["campaign"].created_by or api and _staff(setup), setup["campaign"])
    assert {r[1] for r in rows} == {"李四", "爱心人士"}


def _staff(setup):
    from yingji.core.models import User

    return User.objects.get(username="staff")


def test_money_ties_out_received_equals_allocated_plus_unallocated(setup, tree, users, api):
    first = accept(api, receive(api, setup, kind="money", material=None, quantity=None, amount_cny="1000元"))
    second = accept(api, receive(api, setup, kind="money", material=None, quantity=None, amount_cny="500.50元"))
    refused = receive(api, setup, kind="money", material=None, quantity=None, amount_cny="99元")
    workflow.apply(users["staff"], refused, "refuse", inputs={"reason": "退回：汇款人要求撤回"})
    url = f"/api/donation-lots/{first.pk}/allocate/"
    assert post(api("staff"), url, {"use": "relief", "target_region": tree["va"].pk, "amount_cny": "600元"}).status_code == 200
    assert post(api("staff"), url, {"use": "rescue", "target_region": tree["vb"].pk, "amount_cny": "200元"}).status_code == 200
    over = post(api("staff"), url, {"use": "relief", "target_region": tree["va"].pk, "amount_cny": "200.01元"})
    assert over.status_code == 400 and "超过" in over.json()["amount_cny"][0]
    t = services.tie_out(setup["campaign"])
    assert t["received"] == Decimal("1500.50") and t["allocated"] == Decimal("800")
    assert t["unallocated"] == Decimal("700.50") and t["received"] == t["allocated"] + t["unallocated"]
    assert t["problems"] == []
    # the rest of the first lot closes it
    assert post(api("staff"), url, {"use": "relief", "target_region": tree["va"].pk, "amount_cny": "200元"}).status_code == 200
    first.refresh_from_db()
    assert first.state == "closed" and services.unallocated(second) == Decimal("500.50")
    a = Allocation.objects.filter(lot=first).first()
    response = post(api("staff"), f"/api/donation-allocations/{a.pk}/record-use/", {"use_note": "购买饮用水发放安置点"})
    assert response.status_code == 200
    assert services.tie_out(setup["campaign"])["used"] == Decimal("600")
    # a tampered allocation shows in the tie-out
    Allocation.objects.filter(pk=a.pk).update(amount_cny=Decimal("900"))
    assert services.tie_out(setup["campaign"])["problems"]


def test_a_township_officer_sees_only_the_lots_of_their_points(setup, tree, users, api):
    from yingji.donations.models import ReceivingPoint

    lot_a = receive(api, setup)
    point_b = ReceivingPoint.objects.create(name="金刚镇捐赠接收点", region=tree["b"], address="金刚镇政府",
                                            warehouse=setup["store_b"])
    response = post(api("township_b"), "/api/donation-lots/receive/",
                    {"campaign": setup["campaign"].pk, "receiving_point": point_b.pk, "kind": "goods", "donor_kind": "person",
                     "donor_name": "赵六", "material": setup["water"].pk, "quantity": 10})
    assert response.status_code == 200
    lot_b = DonationLot.objects.get(number=response.json()["number"])
    assert api("township_b").get(f"/api/donation-lots/{lot_a.pk}/").status_code == 404
    assert post(api("township_b"), f"/api/donation-lots/{lot_a.pk}/accept/").status_code == 404
    seen = {r["number"] for r in api("township_a").get("/api/donation-lots/").json()["results"]}
    assert seen == {lot_a.number}
    assert {r["number"] for r in api("staff").get("/api/donation-lots/").json()["results"]} == {lot_a.number, lot_b.number}
    # township B may not receive at A's point
    response = post(api("township_b"), "/api/donation-lots/receive/",
                    {"campaign": setup["campaign"].pk, "receiving_point": setup["point"].pk, "kind": "goods",
                     "donor_kind": "person", "donor_name": "赵六", "material": setup["water"].pk, "quantity": 10})
    assert response.status_code == 400 and "receiving_point" in response.json()
    # enterprises see no donor records at all
    assert api("enterprise_a").get("/api/donation-lots/").status_code == 403


def test_the_public_pledge_form_is_rate_limited_and_checked(setup, client, monkeypatch):
    campaign, water = setup["campaign"], setup["water"]
    url = f"/public/donations/{campaign.pk}/"
    bad = client.post(url, pledge_form(campaign, water, phone="12"))
    assert bad.status_code == 400 and "联系电话" in bad.content.decode() and not Pledge.objects.exists()
    fast = client.post(url, pledge_form(campaign, water, token=public.form_token()))
    assert fast.status_code == 400 and not Pledge.objects.exists()
    money = client.post(url, pledge_form(campaign, None, kind="money", amount="200", material=""))
    assert money.status_code == 200 and Pledge.objects.get().amount_cny == Decimal("200")
    monkeypatch.setattr(public, "PER_CLIENT_PER_HOUR", 2)
    assert client.post(url, pledge_form(campaign, water)).status_code == 200
    assert client.post(url, pledge_form(campaign, water)).status_code == 429
    assert Pledge.objects.count() == 2
    monkeypatch.setattr(public, "ALL_CLIENTS_PER_HOUR", 2)  # everyone's cap: also "try again later", not bad input
    crowded = client.post(url, pledge_form(campaign, water), REMOTE_ADDR="10.8.8.8")
    assert crowded.status_code == 429 and "登记的人较多" in crowded.content.decode() and Pledge.objects.count() == 2


def test_disclosures_come_due_as_the_offices_to_dos_and_are_published(setup, users, api, client):
    campaign = setup["campaign"]
    lot = accept(api, receive(api, setup, donor_name="李四", publish_name=True))
    campaign.ended_on = timezone.localdate()
    campaign.save()
    response = post(api("staff"), f"/api/donation-campaigns/{campaign.pk}/schedule-disclosures/")
    assert response.status_code == 200
    final = Disclosure.objects.get(campaign=campaign, kind="final")
    assert final.due_on > final.period_end and final.state == "due"
    todo = ToDo.objects.get(object_id=str(final.pk), closed_at__isnull=True)
    assert todo.label == "待公开捐赠信息"
    assert todos.for_user(users["staff"]).filter(pk=todo.pk).exists()
    assert not todos.for_user(users["township_a"]).filter(pk=todo.pk).exists()  # the county's office publishes
    assert client.get(f"/public/donations/disclosures/{final.pk}/").status_code == 404  # not yet published
    assert post(api("township_a"), f"/api/donation-disclosures/{final.pk}/publish/").status_code == 404  # not theirs
    assert post(api("staff"), f"/api/donation-disclosures/{final.pk}/publish/").status_code == 200
    assert ToDo.objects.get(pk=todo.pk).closed_at is not None
    page = client.get(f"/public/donations/disclosures/{final.pk}/").content.decode()
    assert lot.number in page and "李四" in page
    listed = client.get(f"/public/donations/{campaign.pk}/").content.decode()  # ended: disclosures, no pledge form
    assert f"/public/donations/disclosures/{final.pk}/" in listed and 'data-testid="ended"' in listed
    assert "提交登记" not in listed
    xlsx = client.get(f"/public/donations/disclosures/{final.pk}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("who", ["staff", "township_a"])
def test_the_audit_export_and_the_charity_sheet(setup, api, who, web):
    lot = receive(api, setup)
    response = web(who).get("/registry/donation-lots/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = web(who).get(f"/registry/donation-campaigns/{setup['campaign'].pk}/documents/charity.xlsx")
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "募捐活动名称" and rows[1][1] == "爱心人士" and lot.number not in str(rows)
