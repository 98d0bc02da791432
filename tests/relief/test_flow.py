"""生活救助 through the API as the bureau uses it: standards per jurisdiction and date, households from
shelters' dicts, the 灾情 named list and by hand (ID numbers checked, personal data masked), a batch
审核 → 审批 → 公示 → 发放 → 签收 with goods through the stock ledger, money and stock tying out."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.relief.conftest import id_number, shelter_rows
from yingji.core.framework import workflow
from yingji.core.framework.registry import MASK
from yingji.disasters.models import HouseholdRow
from yingji.relief import services
from yingji.relief.demo import _png
from yingji.relief.models import BatchLine, Beneficiary, ReliefBatch, ReliefItem, ReliefRule
from yingji.resources import stock
from yingji.resources.models import Material, StockLevel, StockMovement, Warehouse


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def post(client, url, data=None, **kw):
    return client.post(url, data or {}, format=kw.pop("format", "json"), **kw)


# ---- 1. items as data ----------------------------------------------------------------------------
def test_the_standard_in_force_is_the_nearest_regions_latest(tree, users, items):
    assert services.item_for(tree["a"], "transition", datetime.date(2026, 6, 1)) == items["transition"]
    assert services.item_for(tree["a"], "transition", datetime.date(2025, 6, 1)) is None  # before the table
    township_own = ReliefItem.objects.create(region=tree["a"], kind="transition", basis="person_day",
                                             amount_cny=Decimal("25"), period_days=30, effective_from=datetime.date(2026, 3, 1),
                                             source="大瑶镇补充标准（示例）")
    later = ReliefItem.objects.create(region=tree["county"], kind="transition", basis="person_day",
                                      amount_cny=Decimal("30"), period_days=30, effective_from=datetime.date(2026, 7, 1),
                                      source="浏阳市新标准（示例）")
    assert services.item_for(tree["a"], "transition", datetime.date(2026, 6, 1)) == township_own
    assert services.item_for(tree["b"], "transition", datetime.date(2026, 6, 1)) == items["transition"]
    assert services.item_for(tree["b"], "transition", datetime.date(2026, 8, 1)) == later
    assert all(not i.confirmed and i.source for i in items.values())


def test_seeding_an_example_table_says_so(api, tree):
    response = post(api("staff"), "/api/relief-items/seed-national/",
                    {"region": tree["county"].pk, "effective_from": "2024-01-01", "example": True})
    assert response.status_code == 200, response.json()
    rows = ReliefItem.objects.filter(region=tree["county"], effective_from=datetime.date(2024, 1, 1))
    assert rows.count() == 6 and all(r.example and r.note.startswith("示例") for r in rows)
    assert post(api("township_a"), "/api/relief-items/seed-national/",
                {"region": tree["county"].pk, "effective_from": "2024-01-01"}).status_code == 403


# ---- 2. beneficiaries ------------------------------------------------------------------------------
def test_households_from_shelters_are_listed_once_and_updated(tree, users, event):
    result = services.beneficiaries_from_households(event, shelter_rows(tree), users["staff"])
    assert (result["created"], result["updated"]) == (3, 0)
    first = Beneficiary.objects.get(event=event, household_ref="H001")
    assert first.sanwu and first.vulnerable == "老" and first.placement == "shelter" and first.members == 2
    again = shelter_rows(tree)
    again[0]["members"] = 4
    result = services.beneficiaries_from_households(event, again, users["staff"])
    assert (result["created"], result["updated"]) == (0, 3)
    assert Beneficiary.objects.filter(event=event).count() == 3
    assert Beneficiary.objects.get(pk=first.pk).members == 4


def test_a_bad_shelter_row_refuses_all_with_its_number(tree, users, event):
    rows = shelter_rows(tree)
    rows[1]["head_id_number"] = wrong_check(rows[1]["head_id_number"])
    rows[2]["flags"] = {"富"}
    with pytest.raises(ValidationError) as exc:
        services.beneficiaries_from_households(event, rows, users["staff"])
    text = "；".join(exc.value.messages)
    assert "第2户（安置登记户 H002）：户主身份证号码" in text and "校验码" in text
    assert "第3户（安置登记户 H003）：未知的标记 富" in text
    assert not Beneficiary.objects.filter(event=event).exists()


def test_from_the_disaster_list_and_by_hand(api, tree, users, event):
    HouseholdRow.objects.create(event=event, region=tree["va"], name="王某", id_number=id_number(41), damage="collapsed")
    HouseholdRow.objects.create(event=event, region=tree["va"], name="赵某", id_number="", damage="damaged")
    response = post(api("township_a"), "/api/relief-beneficiaries/from-disaster-lists/", {"event": event.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["created"] == 1 and "未填户主身份证号码" in body["skipped"][0]["reason"]
    assert Beneficiary.objects.get(head_id_number=id_number(41)).category == "transition"
    # by hand: the village officer lists a household at home; a wrong ID is refused on its field
    data = {"event": event.pk, "region": tree["va"].code, "head_name": "钱某", "head_id_number": wrong_check(id_number(43)),
            "members": 3, "category": "emergency", "placement": "at_home"}
    response = post(api("village_a"), "/api/relief-beneficiaries/", data)
    assert response.status_code == 400 and "head_id_number" in response.json()
    data["head_id_number"] = id_number(42)
    assert post(api("village_a"), "/api/relief-beneficiaries/", data).status_code == 201
    assert post(api("village_a"), "/api/relief-beneficiaries/", data).status_code == 400  # listed twice


def test_personal_data_is_masked_for_roles_that_do_not_need_it(api, tree, users, event):
    services.beneficiaries_from_households(event, shelter_rows(tree, 1), users["staff"])
    seen = api("staff").get("/api/relief-beneficiaries/").json()
    row = (seen["results"] if isinstance(seen, dict) else seen)[0]
    assert row["head_id_number"] == id_number(1) and row["head_name"] == "户主1"
    masked = api("readonly").get("/api/relief-beneficiaries/").json()
    row = (masked["results"] if isinstance(masked, dict) else masked)[0]
    assert row["head_id_number"] == MASK and row["head_name"] == MASK and row["phone"] == MASK


# ---- 3. the batch ---------------------------------------------------------------------------------
@pytest.fixture
def store(tree, users):
    wh = Warehouse.objects.create(name="浏阳市救灾物资储备库", level="county", region=tree["county"])
    quilt = Material.objects.create(code="SH-003", name="棉被", category="living", unit="床", region=tree["county"])
    stock.move(users["admin"], wh, quilt, "receive", 100)
    return wh, quilt


def new_batch(api, event, tree, who="staff", **kw):
    data = {"event": event.pk, "region": tree["county"].pk, "kind": "emergency", "category": "emergency",
            "period_start": event.onset_date.isoformat(), **kw}
    response = post(api(who), "/api/relief-batches/new-batch/", data)
    assert response.status_code == 200, response.json()
    return ReliefBatch.objects.get(pk=response.json()["id"])


def sign(api, line, who="village_a", method="signature"):
    upload = SimpleUploadedFile("sign.png", _png(), content_type="image/png")
    return api(who).post(f"/api/relief-lines/{line.pk}/sign/", {"method": method, "file": upload, "signer": "户主"},
                         format="multipart")


def test_a_batch_from_review_to_signed_with_goods_tying_out(api, tree, users, event, items, store):
    wh, quilt = store
    services.beneficiaries_from_households(event, shelter_rows(tree, 3), users["staff"])
    batch = new_batch(api, event, tree)
    assert batch.item == items["emergency"] and batch.state == "draft"
    # 审核 before any household: refused by the machine
    assert post(api("township_a"), f"/api/relief-batches/{batch.pk}/review/").status_code == 409
    added = post(api("staff"), f"/api/relief-batches/{batch.pk}/add-households/").json()
    assert added["added"] == 3 and Decimal(added["total_cny"]) == Decimal(300) * (2 + 3 + 4)
    assert post(api("staff"), f"/api/relief-batches/{batch.pk}/add-goods/",
                {"warehouse": wh.pk, "material": quilt.pk, "per_household": 2}).status_code == 200
    assert post(api("staff"), f"/api/relief-batches/{batch.pk}/review/").status_code == 200
    # separation of duties: who reviewed may not approve
    refused = post(api("staff"), f"/api/relief-batches/{batch.pk}/approve/")
    assert refused.status_code == 403 and "职责分离" in refused.json()["detail"]
    assert post(api("township_a"), f"/api/relief-batches/{batch.pk}/approve/").status_code == 403  # role
    assert post(api("leader"), f"/api/relief-batches/{batch.pk}/approve/").status_code == 200
    # the county requires a 公示 (national default): 发放 refused before it and during its period
    response = post(api("staff"), f"/api/relief-batches/{batch.pk}/distribute/")
    assert response.status_code == 409 and "须公示" in response.json()["detail"]
    response = post(api("staff"), f"/api/relief-batches/{batch.pk}/publish-notice/", {"complaint_channel": "", "days": 1})
    assert response.status_code == 400 and set(response.json()) >= {"complaint_channel"}
    response = post(api("staff"), f"/api/relief-batches/{batch.pk}/publish-notice/",
                    {"complaint_channel": "救灾股 0731-83612345", "days": 1})
    assert response.status_code == 400 and "不能少于本地规定的 3 天" in str(response.json())
    assert post(api("staff"), f"/api/relief-batches/{batch.pk}/publish-notice/",
                {"complaint_channel": "救灾股 0731-83612345"}).status_code == 200
    response = post(api("staff"), f"/api/relief-batches/{batch.pk}/distribute/")
    assert response.status_code == 409 and "公示期未满" in response.json()["detail"]
    ReliefBatch.objects.filter(pk=batch.pk).update(notice_until=timezone.now() - datetime.timedelta(minutes=1))  # time moved
    assert post(api("staff"), f"/api/relief-batches/{batch.pk}/distribute/").status_code == 200
    assert StockLevel.objects.get(warehouse=wh, material=quilt).quantity == 100 - 6
    assert StockMovement.objects.get(reference=batch.number).delta == -6
    # 签收 per household from the phone; the last one completes the batch
    lines = list(BatchLine.objects.filter(batch=batch).order_by("id"))
    response = api("village_a").post(f"/api/relief-lines/{lines[0].pk}/sign/", {"method": "photo", "signer": "户主"},
                                     format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert sign(api, lines[0], "village_a").status_code == 200
    assert sign(api, lines[0], "village_a").status_code == 409  # signed already
    assert sign(api, lines[1], "village_a").status_code == 404  # 金刚村: not the village officer's
    assert sign(api, lines[1], "township_b", "photo").status_code == 200
    assert sign(api, lines[2], "village_a").status_code == 200
    batch.refresh_from_db()
    assert batch.state == "done" and batch.done_at is not None
    assert services.tie_out(batch) == []
    # a line edited behind the service's back no longer ties out, and says where
    BatchLine.objects.filter(pk=lines[0].pk).update(amount_cny=Decimal("1"))
    assert any("金额" in p for p in services.tie_out(batch))


def test_stock_short_refuses_the_whole_distribution(api, tree, users, event, items, store):
    wh, quilt = store
    ReliefRule.objects.create(region=tree["county"], key="notice_required", value=0, source="测试：本县不要求公示")
    services.beneficiaries_from_households(event, shelter_rows(tree, 3), users["staff"])
    batch = new_batch(api, event, tree)
    services.add_households(users["staff"], batch)
    services.add_goods(users["staff"], batch, warehouse=wh, material=quilt, per_household=40)
    workflow.apply(users["township_a"], batch, "review")
    workflow.apply(users["leader"], batch, "approve")
    response = post(api("staff"), f"/api/relief-batches/{batch.pk}/distribute/")
    assert response.status_code == 400 and "库存不足" in str(response.json())
    batch.refresh_from_db()
    assert batch.state == "approved" and StockLevel.objects.get(warehouse=wh, material=quilt).quantity == 100


def test_no_standard_for_the_day_is_a_located_refusal(api, tree, event, items):
    response = post(api("staff"), "/api/relief-batches/new-batch/",
                    {"event": event.pk, "region": tree["county"].pk, "kind": "winter_spring", "category": "emergency",
                     "period_start": "2026-06-20"})
    assert response.status_code == 400 and "kind" in response.json()
    response = post(api("staff"), "/api/relief-batches/new-batch/",
                    {"event": event.pk, "region": tree["county"].pk, "kind": "emergency", "category": "emergency",
                     "period_start": "2025-06-20"})
    assert response.status_code == 400 and "period_start" in response.json()


def test_the_batch_page_shows_the_summary_and_buttons(web, tree, users, event, items):
    services.beneficiaries_from_households(event, shelter_rows(tree, 1), users["staff"])
    batch = services.create_batch(users["staff"], event=event, region=tree["county"], kind="emergency",
                                  category="emergency", period_start=event.onset_date)
    services.add_households(users["staff"], batch)
    page = web("staff").get(f"/registry/relief-batches/{batch.pk}/").content.decode()
    assert "金额与明细、物资与库存台账一致" in page and "本地区规定发放前须公示" in page and "审核" in page


def test_money_reads_in_wan_yuan_on_record_and_list_pages_as_their_labels_say(web, items):
    """A YuanField keeps yuan; its label says 万元, so pages show 万元 (core/framework/moneyfields.py)."""
    item = next(i for i in items.values() if i.amount_cny >= 100)
    wan = f"{(item.amount_cny / 10000).normalize():,f}"
    record = web("staff").get(f"/registry/relief-items/{item.pk}/").content.decode()
    assert "标准（万元）" in record and f">{wan}<" in record.replace("\n", "").replace(" ", "")
    assert f"{item.amount_cny:.2f}" not in record
    listing = web("staff").get("/registry/relief-items/").content.decode().replace("\n", "").replace(" ", "")
    assert f">{wan}<" in listing
