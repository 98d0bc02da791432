"""Every change of donation records goes through here: the needs list, lots received at a point (from a
pledge or not), 查验入库 into the stock ledger or 拒收 with the reason, allocation (定向捐赠 enforced), the
use of money, the cash tie-out, the public trace of a lot and the disclosure calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.access import in_scope
from yingji.core.framework.operations import Conflict
from yingji.donations import disclosure as calendar_rules
from yingji.donations.choices import DisclosureState, LotKind, LotState, PledgeState, Use
from yingji.donations.models import Allocation, Campaign, Disclosure, DonationLot, Pledge, ReceivingPoint

IN_HAND = (LotState.ACCEPTED, LotState.CLOSED)


# ---- the needs list ------------------------------------------------------------------------------
def needs(campaign: Campaign) -> list[dict]:
    """Each line of the needs list with what is pledged (not yet received), received and still needed."""
    rows = []
    lines = list(campaign.needs.select_related("material", "receiving_point").order_by("id"))
    materials = [n.material_id for n in lines]
    pledged = dict(Pledge.objects.filter(campaign=campaign, kind=LotKind.GOODS, state=PledgeState.PLEDGED,
                                         material__in=materials).values_list("material").annotate(n=Sum("quantity")))
    received = dict(DonationLot.objects.filter(campaign=campaign, kind=LotKind.GOODS, material__in=materials)
                    .exclude(state=LotState.REFUSED).values_list("material").annotate(n=Sum("quantity")))
    for n in lines:
        p, r = pledged.get(n.material_id) or 0, received.get(n.material_id) or 0
        rows.append({"need": n, "material": n.material, "wanted": n.quantity, "pledged": p, "received": r,
                     "still": max(0, n.quantity - p - r), "point": n.receiving_point})
    return rows


def public_campaigns():
    return Campaign.objects.filter(published=True, ended_on__isnull=True).select_related("event", "region")


# ---- receipt ---------------------------------------------------------------------------------------
def receive_lot(user, *, campaign: Campaign, receiving_point: ReceivingPoint, kind: str, donor_kind: str = "",
                donor_name: str = "", donor_phone: str = "", publish_name: bool | None = None, material=None,
                quantity: int | None = None, amount_cny: Decimal | None = None, value_cny: Decimal | None = None,
                expires: datetime.date | None = None, designated_use: str = "", designated_region=None,
                official_receipt: str = "", pledge_code: str = "", received_at: datetime.datetime | None = None) -> DonationLot:
    """A lot received at ``receiving_point``: it gets its 捐赠收据号 now. From a pledge (its 登记编号), the
    donor, consent and designated use are the pledge's unless given here; the pledge is then 已接收."""
    if not in_scope(user, receiving_point):
        raise ValidationError({"receiving_point": "该接收点不在您的管辖范围内"})
    if not receiving_point.active:
        raise ValidationError({"receiving_point": "该接收点已停止接收"})
    if campaign.ended_on:
        raise ValidationError({"campaign": f"捐赠活动已于 {campaign.ended_on:%Y-%m-%d} 结束"})
    pledge = None
    if pledge_code.strip():
        pledge = Pledge.objects.filter(campaign=campaign, tracking_code=pledge_code.strip().upper()).first()
        if pledge is None:
            raise ValidationError({"pledge_code": "本活动没有这个登记编号"})
        if pledge.state == PledgeState.CANCELLED:
            raise ValidationError({"pledge_code": "该捐赠意向已取消"})
        if pledge.kind != kind:
            raise ValidationError({"kind": f"该登记为{pledge.get_kind_display()}捐赠"})
        donor_kind, donor_name = donor_kind or pledge.donor_kind, donor_name or pledge.donor_name
        donor_phone = donor_phone or pledge.contact_phone
        publish_name = pledge.publish_name if publish_name is None else publish_name
        designated_use = designated_use or pledge.designated_use
        designated_region = designated_region or pledge.designated_region
        material = material or pledge.material
        quantity = quantity or pledge.quantity
        amount_cny = amount_cny or pledge.amount_cny
    if kind == LotKind.MONEY and not receiving_point.takes_money:
        raise ValidationError({"receiving_point": "该接收点没有登记收款账户，不能接收资金"})
    if kind == LotKind.GOODS and receiving_point.warehouse_id is None:
        raise ValidationError({"receiving_point": "该接收点没有登记物资入库储备库，不能接收物资"})
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": "接收时间不能晚于现在"})
    lot = DonationLot(campaign=campaign, pledge=pledge, receiving_point=receiving_point, donor_kind=donor_kind,
                      donor_name=donor_name.strip(), donor_phone=donor_phone.strip(), publish_name=bool(publish_name),
                      kind=kind, material=material, quantity=quantity, amount_cny=amount_cny, value_cny=value_cny,
                      expires=expires, designated_use=designated_use or Use.ANY, designated_region=designated_region,
                      official_receipt=official_receipt.strip(), received_at=received_at, created_by=user)
    if designated_region is not None and not _within(designated_region, campaign.region):
        raise ValidationError({"designated_region": "指定地区不在本捐赠活动的区划内"})
    if not lot.donor_name:
        raise ValidationError({"donor_name": "请填写捐赠人（匿名捐赠填“匿名”）"})
    lot.full_clean(exclude=["created_by", "number", "region"])
    with set_actor(user):
        lot.save()
        if pledge is not None and pledge.state == PledgeState.PLEDGED:
            Pledge.objects.filter(pk=pledge.pk).update(state=PledgeState.RECEIVED)
    return lot


def ready_to_accept(lot: DonationLot) -> str | None:
    if lot.kind == LotKind.GOODS and lot.receiving_point.warehouse_id is None:
        return "接收点没有登记物资入库储备库"
    if lot.kind == LotKind.GOODS and lot.expires and lot.expires < timezone.localdate():
        return f"物资已过有效期（{lot.expires:%Y-%m-%d}），应拒收"
    return None


def on_lot_transition(lot: DonationLot, name: str, inputs, actor) -> None:
    """The lot's side of its transitions (inside the transition's transaction, the lot locked)."""
    if name == "accept":
        lot.accepted_at = timezone.now()
        lot.check_note = (inputs.get("comment") or "查验合格")[:200]
        if lot.kind == LotKind.GOODS:
            from yingji.resources import stock

            stock.move(actor, lot.receiving_point.warehouse, lot.material, "receive", lot.quantity, batch=lot.number,
                       expires=lot.expires, reference=lot.official_receipt or lot.number,
                       note=f"捐赠入库：{lot.donor_name}（捐赠收据号 {lot.number}）"[:200])
    elif name == "refuse":
        lot.refused_reason = (inputs.get("reason") or "")[:200]


# ---- what is left of a lot -------------------------------------------------------------------------
def in_stock(lot: DonationLot) -> dict[int, int]:
    """warehouse id -> what of the lot's goods the stock ledger holds there (its stock batch)."""
    from yingji.resources.models import StockMovement

    rows = (StockMovement.objects.filter(batch=lot.number, material=lot.material_id).values_list("warehouse")
            .annotate(n=Sum("delta")))
    return {w: n for w, n in rows if n}


def reserved(lot: DonationLot) -> int:
    """Goods of the lot allocated to relief batches not yet distributed (still in stock, promised)."""
    from yingji.relief.models import BatchGoods

    return sum(g.quantity for g in BatchGoods.objects.filter(stock_batch=lot.number, issued_at__isnull=True)
               .exclude(batch__state="cancelled"))  # a cancelled batch's goods are free again


def unallocated(lot: DonationLot) -> Decimal | int:
    """Money: the amount not yet allocated; goods: what is in stock and not yet promised to a batch."""
    if lot.state not in IN_HAND:
        return 0
    if lot.kind == LotKind.MONEY:
        given = lot.allocations.aggregate(s=Sum("amount_cny"))["s"] or Decimal("0")
        return lot.amount_cny - given
    return sum(in_stock(lot).values()) - reserved(lot)


def _within(region, area) -> bool:
    return region.path.startswith(area.path)


def designated_refusal(lot: DonationLot, use: str, target_region) -> dict | None:
    """Why the designated use (定向捐赠) of ``lot`` forbids this allocation, by field; None if it allows it."""
    if lot.designated_use != Use.ANY and use != lot.designated_use:
        return {"use": f"捐赠 {lot.number} 为定向捐赠，捐赠人指定用于“{lot.get_designated_use_display()}”，"
                       f"不能分配用于“{Use(use).label}”"}
    if lot.designated_region_id and not _within(target_region, lot.designated_region):
        return {"target_region": f"捐赠 {lot.number} 为定向捐赠，捐赠人指定用于{lot.designated_region.name}，"
                                 f"{target_region.name}不在其内"}
    return None


def allocate(user, lot: DonationLot, *, use: str = "", target_region=None, relief_batch=None,
             per_household: int | None = None, amount_cny: Decimal | None = None, note: str = "") -> Allocation:
    """Part of an accepted lot to a use. Goods: to a draft relief batch of the campaign's event (a line of
    its goods from the lot's stock batch, issued when the batch is distributed; the use is 生活救助 and the
    place the batch's region). Money: ``amount_cny`` to ``use`` in ``target_region`` (optionally paid out
    with a relief batch). A designated lot refuses any other use or place (400, naming why)."""
    from yingji.relief.choices import BatchState
    from yingji.relief.services import add_goods

    lot = (DonationLot.objects.select_for_update(of=("self",)).select_related("campaign", "material", "designated_region")
           .get(pk=lot.pk))
    if lot.state != LotState.ACCEPTED:
        raise Conflict(f"捐赠 {lot.number} 处于“{lot.get_state_display()}”状态，查验入库（到账）后才能分配")
    if relief_batch is not None:
        if relief_batch.event_id != lot.campaign.event_id:
            raise ValidationError({"relief_batch": "该救助发放批次不属于本捐赠活动的灾情事件"})
        if not in_scope(user, relief_batch.region):
            raise ValidationError({"relief_batch": "该救助发放批次不在您的管辖范围内"})
    if lot.kind == LotKind.GOODS:
        if relief_batch is None:
            raise ValidationError({"relief_batch": "物资分配须选择救助发放批次（发放时从本批捐赠物资出库）"})
        if relief_batch.state != BatchState.DRAFT:
            raise ValidationError({"relief_batch": f"批次 {relief_batch.number} 已{relief_batch.get_state_display()}，"
                                                   "只能分配给草拟中的批次"})
        if not per_household:
            raise ValidationError({"per_household": "请填写每户数量"})
        use, target_region = Use.RELIEF, relief_batch.region
        why = designated_refusal(lot, use, target_region)
        if why:
            raise ValidationError(why)
        households = relief_batch.lines.count()
        if households == 0:
            raise ValidationError({"relief_batch": f"批次 {relief_batch.number} 还没有救助对象，请先加入救助对象"})
        need, left = per_household * households, unallocated(lot)
        if need > left:
            raise ValidationError({"per_household": f"{households} 户每户 {per_household}{lot.material.unit} 共需 {need}，"
                                                    f"本批捐赠可分配 {left}{lot.material.unit}"})
        stocks = in_stock(lot)
        warehouse_id = max(stocks, key=lambda w: stocks[w])
        from yingji.resources.models import Warehouse

        goods = add_goods(user, relief_batch, warehouse=Warehouse.objects.get(pk=warehouse_id), material=lot.material,
                          per_household=per_household, stock_batch=lot.number)
        allocation = Allocation(lot=lot, use=use, target_region=target_region, relief_batch=relief_batch,
                                batch_goods=goods, per_household=per_household, allocated_at=timezone.now(), note=note)
    else:
        if not amount_cny or amount_cny <= 0:
            raise ValidationError({"amount_cny": "请填写分配金额"})
        if not use or use == Use.ANY:
            raise ValidationError({"use": "请选择用途"})
        if target_region is None:
            raise ValidationError({"target_region": "请选择受益地区"})
        if not _within(target_region, lot.campaign.region):
            raise ValidationError({"target_region": "受益地区不在本捐赠活动的区划内"})
        why = designated_refusal(lot, use, target_region)
        if why:
            raise ValidationError(why)
        left = unallocated(lot)
        if amount_cny > left:
            raise ValidationError({"amount_cny": f"分配金额 {amount_cny} 元超过本笔捐赠未分配的 {left} 元"})
        allocation = Allocation(lot=lot, use=use, target_region=target_region, relief_batch=relief_batch,
                                amount_cny=amount_cny, allocated_at=timezone.now(), note=note)
    with set_actor(user):
        allocation.full_clean(exclude=["batch_goods", "relief_batch"])
        allocation.save()
    if unallocated(lot) <= 0:
        workflow.apply(user, lot, "close", system=True)
    return allocation


def record_use(user, allocation: Allocation, *, used_at: datetime.datetime | None = None, use_note: str) -> Allocation:
    """使用情况 of allocated money: when and how it was used (goods are used when their batch is issued)."""
    if allocation.lot.kind != LotKind.MONEY:
        raise Conflict("物资的使用以救助发放批次的发放和签收为准，不另行登记")
    if allocation.used_at:
        raise Conflict(f"已于 {timezone.localtime(allocation.used_at):%Y-%m-%d %H:%M} 登记使用情况")
    if not use_note.strip():
        raise ValidationError({"use_note": "请填写使用情况"})
    used_at = used_at or timezone.now()
    if used_at < allocation.allocated_at - datetime.timedelta(minutes=1):
        raise ValidationError({"used_at": "使用时间不能早于分配时间"})
    with set_actor(user):
        allocation.used_at, allocation.use_note = used_at, use_note.strip()[:200]
        allocation.save(update_fields=["used_at", "use_note", "updated_at"])
    return allocation


def tie_out(campaign: Campaign) -> dict:
    """The cash tie-out of a campaign: money received (accepted lots) = allocated + unallocated, and each
    lot's allocations within its amount. ``problems`` says, in words, what does not add up."""
    lots = DonationLot.objects.filter(campaign=campaign, kind=LotKind.MONEY, state__in=IN_HAND)
    received = lots.aggregate(s=Sum("amount_cny"))["s"] or Decimal("0")
    allocated = (Allocation.objects.filter(lot__campaign=campaign, lot__kind=LotKind.MONEY)
                 .aggregate(s=Sum("amount_cny"))["s"] or Decimal("0"))
    used = (Allocation.objects.filter(lot__campaign=campaign, lot__kind=LotKind.MONEY, used_at__isnull=False)
            .aggregate(s=Sum("amount_cny"))["s"] or Decimal("0"))
    problems, left = [], Decimal("0")
    for lot in lots.annotate(given=Sum("allocations__amount_cny")):
        rest = lot.amount_cny - (lot.given or Decimal("0"))
        if rest < 0:
            problems.append(f"捐赠 {lot.number} 分配 {lot.given} 元，超过捐赠金额 {lot.amount_cny} 元")
        left += rest
    stray = Allocation.objects.filter(lot__campaign=campaign, lot__kind=LotKind.MONEY).exclude(lot__state__in=IN_HAND)
    if stray.exists():
        problems.append(f"{stray.count()} 笔分配的捐赠未到账或已拒收")
    if received != allocated + left:
        problems.append(f"到账 {received} 元 ≠ 已分配 {allocated} 元 + 未分配 {left} 元")
    return {"received": received, "allocated": allocated, "unallocated": left, "used": used, "problems": problems}


# ---- the public trace ------------------------------------------------------------------------------
def _day(value):
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


def trace(number: str) -> dict | None:
    """Where a lot went, for the public page: its receipt, the stock ledger's moves of its stock batch
    (入库, 调拨 to other stores or places, 出库 with a relief batch), the villages the batches reached (by
    name, with the number of households: never who), and money's allocations and use. No personal data
    of recipients; the donor's name only with consent. None when there is no such lot."""
    from yingji.relief.models import BatchLine, ReliefBatch
    from yingji.resources.models import StockMovement, TransferOrder

    number = (number or "").strip().upper()
    if not number or len(number) > 20:
        return None
    lot = (DonationLot.objects.select_related("campaign", "receiving_point", "material", "designated_region")
           .filter(number=number).first())
    if lot is None:
        return None
    steps = [{"at": _day(lot.received_at), "what": "接收", "where": lot.receiving_point.name,
              "detail": f"{lot.receiving_point.address}"}]
    if lot.state == LotState.REFUSED:
        steps.append({"at": _day(lot.updated_at), "what": "拒收", "where": lot.receiving_point.name,
                      "detail": lot.refused_reason})
    batches = []
    if lot.kind == LotKind.GOODS:
        moves = list(StockMovement.objects.filter(batch=number).select_related("warehouse").order_by("at", "id")[:200])
        orders = {o.number: o for o in TransferOrder.objects.filter(
            number__in=[m.reference for m in moves if m.kind in ("transfer_out", "transfer_in")]).select_related("region")}
        relief = {b.number: b for b in ReliefBatch.objects.filter(
            number__in=[m.reference for m in moves if m.kind == "issue"]).select_related("region")}
        for m in moves:
            qty = f"{abs(m.delta)}{lot.material.unit}"
            if m.kind == "receive":
                steps.append({"at": _day(m.at), "what": "查验入库", "where": m.warehouse.name, "detail": qty})
            elif m.kind == "transfer_out":
                order = orders.get(m.reference)
                where = (order.destination_warehouse.name if order and order.destination_warehouse_id
                         else (order.region.name if order else ""))
                steps.append({"at": _day(m.at), "what": "调拨出库", "where": m.warehouse.name,
                              "detail": f"{qty}，调往{where}（调拨单 {m.reference}）"})
            elif m.kind == "transfer_in":
                steps.append({"at": _day(m.at), "what": "调拨入库", "where": m.warehouse.name, "detail": qty})
            elif m.kind == "issue":
                batch = relief.get(m.reference)
                steps.append({"at": _day(m.at), "what": "救助发放出库", "where": m.warehouse.name,
                              "detail": f"{qty}，随救助发放批次 {m.reference}" + (f"（{batch.title}）" if batch else "")})
            elif m.kind in ("scrap", "count"):
                steps.append({"at": _day(m.at), "what": m.get_kind_display(), "where": m.warehouse.name, "detail": qty})
        issued = list(relief.values())
        for a in (lot.allocations.filter(batch_goods__issued_at__isnull=True).select_related("relief_batch")
                  .order_by("allocated_at")):
            pending = "批次已作废，未发放" if a.relief_batch.state == "cancelled" else "待发放"
            steps.append({"at": _day(a.allocated_at), "what": "分配", "where": a.relief_batch.number,
                          "detail": f"{a.relief_batch.title}，每户 {a.per_household}{lot.material.unit}，{pending}"})
        villages = {}
        if issued:
            for batch_id, region_name, n in (BatchLine.objects.filter(batch__in=issued).values_list("batch", "region__name")
                                              .annotate(n=Count("id")).order_by("batch", "region__name")):
                villages.setdefault(batch_id, []).append({"village": region_name, "households": n})
        per_household = {a.relief_batch_id: a.per_household for a in lot.allocations.filter(relief_batch__in=issued)}
        for b in issued:
            batches.append({"number": b.number, "title": b.title, "region": b.region.name,
                            "distributed": _day(b.distributed_at), "done": _day(b.done_at),
                            "per_household": per_household.get(b.pk), "villages": villages.get(b.pk, [])})
    money = []
    if lot.kind == LotKind.MONEY:
        for a in lot.allocations.select_related("target_region", "relief_batch").order_by("allocated_at", "id"):
            money.append({"at": _day(a.allocated_at), "use": a.get_use_display(), "region": a.target_region.name,
                          "amount_cny": a.amount_cny, "batch": a.relief_batch.number if a.relief_batch_id else "",
                          "used": _day(a.used_at), "use_note": a.use_note})
            if a.relief_batch_id and a.relief_batch.distributed_at:
                villages = list(BatchLine.objects.filter(batch=a.relief_batch).values_list("region__name")
                                .annotate(n=Count("id")).order_by("region__name"))
                money[-1]["villages"] = [{"village": v, "households": n} for v, n in villages]
    return {"number": lot.number, "campaign": lot.campaign.title, "received": _day(lot.received_at),
            "kind": lot.get_kind_display(), "is_money": lot.kind == LotKind.MONEY,
            "material": lot.material.name if lot.material_id else "", "unit": lot.material.unit if lot.material_id else "",
            "quantity": lot.quantity, "amount_cny": lot.amount_cny, "donor": lot.public_donor,
            "designated": (lot.get_designated_use_display() if lot.designated_use != Use.ANY else "")
            + (f"（{lot.designated_region.name}）" if lot.designated_region_id else ""),
            "state": lot.get_state_display(), "refused": lot.state == LotState.REFUSED,
            "refused_reason": lot.refused_reason, "official_receipt": bool(lot.official_receipt),
            "steps": steps, "batches": batches, "money": money}


def pledge_status(code: str) -> dict | None:
    pledge = Pledge.objects.select_related("campaign", "material").filter(tracking_code=(code or "").strip().upper()).first()
    if pledge is None:
        return None
    lots = list(pledge.lots.order_by("received_at").values_list("number", flat=True))
    return {"code": pledge.tracking_code, "campaign": pledge.campaign.title, "state": pledge.get_state_display(),
            "at": pledge.created_at, "lots": lots}


# ---- disclosure --------------------------------------------------------------------------------------
def rules() -> dict[str, calendar_rules.Rule]:
    return calendar_rules.defaults()


def schedule(campaign: Campaign, today: datetime.date | None = None) -> list[Disclosure]:
    """The campaign's disclosures the calendar asks for by ``today`` as records (each waits, due on its
    date, in the responsible office's to-do inbox until 公开); existing ones are kept."""
    today = today or timezone.localdate()
    table = rules()
    emergency = campaign.emergency_days if campaign.emergency_days is not None else int(table["emergency_days"].value)
    made = []
    for due in calendar_rules.calendar(
            campaign.started_on, today, ended=campaign.ended_on, planned_end=campaign.planned_end,
            emergency_until=campaign.emergency_until, emergency_days=emergency,
            long_months=int(table["long_campaign_months"].value), periodic_months=int(table["periodic_months"].value),
            final_months=int(table["final_within_months"].value)):
        d, created = Disclosure.objects.get_or_create(
            campaign=campaign, kind=due.kind, period_start=due.period_start,
            defaults={"period_end": due.period_end, "due_on": due.due, "region": campaign.region})
        if not created and d.state == DisclosureState.DUE and (d.period_end, d.due_on) != (due.period_end, due.due):
            d.period_end, d.due_on = due.period_end, due.due  # the campaign's end moved the final account
            d.save(update_fields=["period_end", "due_on", "updated_at"])
        made.append(d)
    return made


def ready_to_publish(d: Disclosure) -> str | None:
    if d.period_end > timezone.localdate():
        return f"公开期间至 {d.period_end:%Y-%m-%d} 结束，期满后公开"
    return None


def disclosure_report(d: Disclosure) -> dict:
    """What a disclosure publishes: the lots received in its period (donor names only with consent),
    the allocations and use in it, and the totals with the money tie-out up to its end."""
    start = timezone.make_aware(datetime.datetime.combine(d.period_start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(d.period_end, datetime.time.max))
    lots = list(DonationLot.objects.filter(campaign=d.campaign, received_at__range=(start, end))
                .select_related("material", "receiving_point").order_by("received_at", "id"))
    allocations = list(Allocation.objects.filter(lot__campaign=d.campaign, allocated_at__range=(start, end))
                       .select_related("lot", "lot__material", "target_region", "relief_batch", "batch_goods")
                       .order_by("allocated_at", "id"))
    money_in = sum((x.amount_cny for x in lots if x.kind == LotKind.MONEY and x.state in IN_HAND), Decimal("0"))
    money_out = sum((a.amount_cny or Decimal("0") for a in allocations if a.lot.kind == LotKind.MONEY), Decimal("0"))
    return {"disclosure": d, "campaign": d.campaign, "lots": lots, "allocations": allocations,
            "money_in": money_in, "money_out": money_out, "refused": [x for x in lots if x.state == LotState.REFUSED],
            "tie_out": tie_out(d.campaign)}


def disclosure_xlsx(d: Disclosure) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from yingji.core.framework.tabular import safe_row

    report = disclosure_report(d)
    book = Workbook()
    sheet = book.active
    sheet.title = "捐赠接收"
    sheet.append(["捐赠收据号", "接收日期", "捐赠人", "类型", "物资", "数量", "单位", "金额（元）", "指定用途", "状态",
                  "拒收理由"])
    for x in report["lots"]:
        sheet.append(safe_row([x.number, _day(x.received_at), x.public_donor, x.get_kind_display(),
                               x.material.name if x.material_id else "", x.quantity, x.material.unit if x.material_id else "",
                               x.amount_cny, x.get_designated_use_display(), x.get_state_display(), x.refused_reason]))
    used = book.create_sheet("分配使用")
    used.append(["捐赠收据号", "分配日期", "用途", "受益地区", "救助发放批次", "每户数量", "金额（元）", "使用日期", "使用情况"])
    for a in report["allocations"]:
        used.append(safe_row([a.lot.number, _day(a.allocated_at), a.get_use_display(), a.target_region.name,
                              a.relief_batch.number if a.relief_batch_id else "", a.per_household, a.amount_cny,
                              _day(a.used_at), a.use_note]))
    total = book.create_sheet("资金核对")
    t = report["tie_out"]
    for row in (["到账合计（元）", t["received"]], ["已分配（元）", t["allocated"]], ["未分配（元）", t["unallocated"]],
                ["已使用（元）", t["used"]], ["核对", "；".join(t["problems"]) or "到账 = 已分配 + 未分配"]):
        total.append(safe_row(row))
    for ws in (sheet, used):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- 慈善中国-style export -----------------------------------------------------------------------------
CHARITY_COLUMNS = ("募捐活动名称", "捐赠人", "捐赠人类型", "捐赠日期", "捐赠类型", "物资名称", "数量", "单位",
                   "金额（元）", "估值（元）", "指定用途", "票据号", "状态")


def charity_rows(user, campaign: Campaign) -> list[list]:
    """The campaign's lots in the columns of our disclosure export (the national platform's own import
    columns were not found publicly: see docs/decisions/0027-donations.md)."""
    rows = []
    for x in (DonationLot.objects.for_user(user).filter(campaign=campaign).exclude(state=LotState.REFUSED)
              .select_related("material").order_by("received_at", "id")):
        rows.append([campaign.title, x.public_donor, x.get_donor_kind_display(), _day(x.received_at), x.get_kind_display(),
                     x.material.name if x.material_id else "", x.quantity, x.material.unit if x.material_id else "",
                     x.amount_cny, x.value_cny, x.get_designated_use_display(), x.official_receipt, x.get_state_display()])
    return rows


def visible_lots(user):
    return DonationLot.objects.for_user(user)


def open_count(campaign) -> int:
    return Disclosure.objects.filter(campaign=campaign, state=DisclosureState.DUE).count()

