"""Every change of relief records goes through here: items and rules per jurisdiction, households
from shelters, from the 灾情 named lists or entered by hand, batches and their lines (no double
relief), goods through the stock ledger, 公示, 签收, and the hours clock."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.access import in_scope
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.core.models import rules_for as jurisdiction_rules
from yingji.relief import reliefcalc, rules
from yingji.relief.choices import NEEDS, VULNERABLE, BatchState, Category, Placement, SignMethod, Source
from yingji.relief.models import BatchGoods, BatchLine, Beneficiary, ReliefBatch, ReliefItem, ReliefRule


# ---- the jurisdiction's items and rules ----------------------------------------------------------
def _codes(region: Region) -> list[str]:
    return region.path.split("/")


def rules_for(region: Region | None) -> dict[str, rules.Rule]:
    """The national defaults with the overrides of ``region`` and the regions above it (nearest wins)."""
    return jurisdiction_rules(ReliefRule, region)


def item_for(region: Region, kind: str, day: datetime.date) -> ReliefItem | None:
    """The standard of ``kind`` in force on ``day`` for ``region``: the nearest region's latest row."""
    rows = ReliefItem.objects.filter(region__code__in=_codes(region), kind=kind, effective_from__lte=day)
    return max(rows.select_related("region"), key=lambda i: (len(i.region.path), i.effective_from), default=None)


def seed_items(user, region: Region, *, effective_from: datetime.date, example: bool = False) -> list[ReliefItem]:
    """The national reference standards (data/relief-items.json) as ``region``'s own rows from a date,
    to be corrected to the local document; ``example`` marks a demonstration table."""
    made = []
    with transaction.atomic(), set_actor(user):
        for kind, ref in rules.reference_items().items():
            if ReliefItem.objects.filter(region=region, kind=kind, effective_from=effective_from).exists():
                continue
            note = ref.get("note", "")
            made.append(ReliefItem.objects.create(
                region=region, kind=kind, name=ref["name"], basis=ref["basis"], amount_cny=ref["amount_cny"],
                period_days=ref.get("period_days"), max_periods=ref.get("max_periods"),
                min_interval_days=ref.get("min_interval_days"), effective_from=effective_from,
                source=ref["source"], confirmed=bool(ref.get("confirmed")) and not example, example=example,
                note=(f"示例：演示县的标准表，非本地正式标准。{note}" if example else note)[:300]))
    return made


# ---- beneficiaries -------------------------------------------------------------------------------
SHELTER_FLAGS = {"三无": "sanwu", "三孤": "sangu"}


def beneficiaries_from_households(event, rows: Iterable[Mapping], user) -> dict:
    """Households placed in shelters (one dict each, as yingji.shelters.services.households_for_relief
    gives them: household_id, head_name, head_id_number, phone, village_id, members, flags, shelter_id)
    as the event's 救助对象 needing emergency relief. A household already listed (same household_id, or
    the same head's ID number from another source) is updated, never doubled. All or nothing: a bad
    row is refused with its number and field."""
    rows = list(rows)
    errors, plan = [], []
    villages = Region.objects.in_bulk([r.get("village_id") for r in rows if r.get("village_id")])
    for n, row in enumerate(rows, 1):
        where = f"第{n}户（安置登记户 {row.get('household_id', '')}）"
        region = villages.get(row.get("village_id"))
        if region is None:
            errors.append(f"{where}：村（社区）{row.get('village_id')!r} 不存在")
            continue
        flags = set(row.get("flags") or ())
        unknown = flags - set(VULNERABLE) - set(SHELTER_FLAGS)
        if unknown:
            errors.append(f"{where}：未知的标记 {'、'.join(sorted(unknown))}")
            continue
        ref = str(row.get("household_id", ""))
        number = str(row.get("head_id_number") or "").strip().upper()
        found = (Beneficiary.objects.filter(event=event, household_ref=ref).first() if ref else None) or \
            Beneficiary.objects.filter(event=event, head_id_number=number).first()
        b = found or Beneficiary(event=event, source=Source.SHELTER, category=Category.EMERGENCY, created_by=user)
        b.household_ref, b.shelter_ref = ref, str(row.get("shelter_id") or "")
        b.region, b.head_name, b.head_id_number = region, str(row.get("head_name") or ""), number
        b.phone, b.members = str(row.get("phone") or ""), int(row.get("members") or 1)
        b.placement = Placement.SHELTER
        for flag, name in SHELTER_FLAGS.items():
            setattr(b, name, flag in flags)
        b.vulnerable = "、".join(f for f in VULNERABLE if f in flags)
        try:
            b.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            errors.extend(f"{where}：{m}" for m in _messages(exc))
            continue
        plan.append(b)
    if errors:
        raise ValidationError(errors)
    created = sum(1 for b in plan if b.pk is None)
    with transaction.atomic(), set_actor(user):
        for b in plan:
            b.save()
    return {"created": created, "updated": len(plan) - created, "households": plan}


def beneficiaries_from_shelters(event, user) -> dict:
    """The households registered in the event's shelters (yingji.shelters) that the user's scope
    reaches, as 救助对象 needing emergency relief (beneficiaries_from_households); households already
    anonymised after their retention period have no one left to pay and are left out. A head registered
    without an ID number (allowed at the shelter desk) is skipped with why: a 救助对象 is paid against
    the head's ID number, so the officer registers that household by hand once it is known."""
    from yingji.shelters.services import households_for_relief

    visible = set(Region.objects.for_user(user).values_list("pk", flat=True))
    rows, skipped = [], []
    for r in households_for_relief(event):
        if r["village_id"] not in visible or not r["head_name"]:
            continue
        if not r["head_id_number"]:
            skipped.append((f"{r['head_name']}户（安置登记户 {r['household_id']}）", "户主未登记身份证号码，请核实后人工登记"))
            continue
        rows.append(r)
    return {**beneficiaries_from_households(event, rows, user), "skipped": skipped}


def beneficiaries_from_disaster_lists(event, user) -> dict:
    """The event's 因灾倒塌损坏住房户一览表 as 救助对象: a collapsed house's household needs 过渡期生活救助,
    a damaged one's emergency relief; rows without an ID number, or already listed, are skipped with why."""
    from yingji.disasters.models import CasualtyRow, HouseholdRow

    created, skipped = [], []
    deaths = {}
    for c in CasualtyRow.objects.filter(event=event):
        deaths[c.region_id] = deaths.get(c.region_id, 0) + 1
    with transaction.atomic(), set_actor(user):
        for row in HouseholdRow.objects.filter(event=event).select_related("region").order_by("id"):
            label = f"{row.region.name}{row.get_damage_display()}住房户（编号 {row.pk}）"
            if not row.id_number:
                skipped.append((label, "一览表未填户主身份证号码，请人工登记"))
                continue
            if Beneficiary.objects.filter(event=event, head_id_number=row.id_number).exists():
                skipped.append((label, "已是本事件的救助对象"))
                continue
            b = Beneficiary(event=event, region=row.region, head_name=row.name, head_id_number=row.id_number,
                            members=1, source=Source.DISASTER_LIST, placement=Placement.DISPERSED,
                            category=Category.TRANSITION if row.damage == "collapsed" else Category.EMERGENCY,
                            note=f"来自因灾倒塌损坏住房户一览表：{row.address}"[:200], created_by=user)
            b.full_clean(exclude=["created_by"])
            b.save()
            created.append(b)
    return {"created": len(created), "skipped": skipped, "households": created}


def meet_needs(user, beneficiary: Beneficiary, needs: Iterable[str], at: datetime.datetime | None = None) -> Beneficiary:
    """Record that the household received the given basic needs (食、饮用水、衣被、临时住所、医疗) at ``at``;
    a need already recorded keeps its first time."""
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": "送达时间不能晚于现在"})
    if at < beneficiary.event.learned_at - datetime.timedelta(days=2):
        raise ValidationError({"at": "送达时间早于灾情发生"})
    known = dict(NEEDS)
    wrong = [n for n in needs if n not in known]
    if wrong or not needs:
        raise ValidationError({"needs": "请选择已送达的基本生活救助（食、饮用水、衣被、临时住所、医疗）"})
    with transaction.atomic(), set_actor(user):
        b = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        for n in needs:
            if getattr(b, f"{n}_at") is None:
                setattr(b, f"{n}_at", at)
        b.save()
    return b


# ---- batches -------------------------------------------------------------------------------------
def _refuse_unless(batch, *states):
    if batch.state not in states:
        raise Conflict(f"批次已处于“{batch.get_state_display()}”状态，不能再调整救助对象或物资")


def _people(batch, b: Beneficiary) -> int:
    return b.deaths if batch.item.kind == "death_comfort" else b.members


def _days(batch) -> int:
    item = batch.item
    return (batch.days or item.period_days or 1) if item.basis == "person_day" else 1


def eligible(batch):
    """The event's households of the batch's category in its region."""
    qs = Beneficiary.objects.filter(event=batch.event, category=batch.category,
                                    region__path__startswith=batch.region.path)
    if batch.item.kind == "death_comfort":
        qs = qs.filter(deaths__gt=0)
    return qs


def create_batch(user, *, event, region: Region, kind: str, category: str, period_start: datetime.date,
                 title: str = "", days: int | None = None) -> ReliefBatch:
    """A draft batch paying ``kind`` under the standard in force for ``region`` on ``period_start``."""
    from yingji.relief.choices import CATEGORY_KINDS, ItemKind

    if not in_scope(user, region):
        raise ValidationError({"region": "发放区划不在您的管辖范围内"})
    if not event.region.path.startswith(region.path) and not region.path.startswith(event.region.path):
        raise ValidationError({"region": "发放区划不在该灾情事件的受灾县内"})
    if period_start < event.onset_date:
        raise ValidationError({"period_start": f"救助期起始日不能早于灾害发生日期 {event.onset_date:%Y-%m-%d}"})
    if kind not in CATEGORY_KINDS[category]:
        raise ValidationError({"kind": f"“{Category(category).label}”的批次不能发放“{ItemKind(kind).label}”"})
    item = item_for(region, kind, period_start)
    if item is None:
        raise ValidationError({"kind": f"{region.name}在 {period_start:%Y-%m-%d} 没有“{ItemKind(kind).label}”的标准，"
                                       "请先在“救助项目标准”中登记（可载入全国参考值后按本地文件改正）"})
    with set_actor(user):
        batch = ReliefBatch(event=event, region=region, item=item, category=category, period_start=period_start,
                            days=days, title=title or f"{event.name} {item.title}", created_by=user)
        batch.full_clean(exclude=["created_by", "number"])
        batch.save()
    return batch


def add_households(user, batch: ReliefBatch, beneficiaries=None) -> dict:
    """Add households to a draft batch (all eligible ones when none are named); one already paid this
    item for this period, or paid too recently, is skipped with the reason. Returns added and skipped."""
    batch = ReliefBatch.objects.select_for_update().select_related("item", "event", "region").get(pk=batch.pk)
    _refuse_unless(batch, BatchState.DRAFT)
    item, event = batch.item, batch.event
    pool = list(eligible(batch).order_by("id")) if beneficiaries is None else list(beneficiaries)
    try:
        key = reliefcalc.period_key(item.kind, event_id=event.pk, onset=event.onset_date, start=batch.period_start,
                                    period_days=item.period_days)
    except ValueError as exc:
        raise ValidationError({"period_start": str(exc)}) from None
    if item.max_periods and item.period_days and item.kind != "winter_spring":
        period_no = int(key.rsplit("P", 1)[1])
        if period_no > item.max_periods:
            raise ValidationError({"period_start": f"{item.title}最多发放 {item.max_periods} 期，本批次为第 {period_no} 期"})
    added, skipped = [], []
    with set_actor(user):
        for b in Beneficiary.objects.select_for_update().filter(pk__in=[b.pk for b in pool]).order_by("id"):
            label = f"{b.region.name}（救助对象编号 {b.pk}）"
            if b.event_id != event.pk or b.category != batch.category or not b.region.path.startswith(batch.region.path):
                skipped.append((label, "不是本批次灾情事件、救助类别或发放区划的救助对象"))
                continue
            why = _double_relief(item, b.household_key, key, batch.period_start)
            if why:
                skipped.append((label, why))
                continue
            people = _people(batch, b)
            line = BatchLine(batch=batch, beneficiary=b, region=b.region, kind=item.kind, household_key=b.household_key,
                             period_key=key, period_start=batch.period_start, people=people, days=_days(batch),
                             amount_cny=reliefcalc.amount(item.basis, item.amount_cny, people=people, days=_days(batch)))
            try:
                with transaction.atomic():
                    line.save()
            except IntegrityError:  # another batch took this household in the meantime (the constraint)
                skipped.append((label, _double_relief(item, b.household_key, key, batch.period_start)
                                or "该户本期已在其他批次中"))
                continue
            added.append(line)
        recount(batch)
    return {"added": len(added), "skipped": skipped, "batch": batch}


def _double_relief(item, household_key: str, period: str, start: datetime.date) -> str | None:
    same = BatchLine.objects.filter(kind=item.kind, household_key=household_key).select_related("batch")
    hit = same.filter(period_key=period).first()
    if hit:
        return f"该户本期（{period}）已在批次 {hit.batch.number} 中领取{item.get_kind_display()}，不能重复救助"
    return reliefcalc.interval_error(same.values_list("period_start", flat=True), start, item.min_interval_days)


def remove_line(user, line: BatchLine) -> None:
    batch = line.batch
    _refuse_unless(batch, BatchState.DRAFT)
    with set_actor(user):
        line.delete()
        recount(batch)


def recount(batch: ReliefBatch) -> None:
    totals = batch.lines.aggregate(total=Sum("amount_cny"), people=Sum("people"))
    n = batch.lines.count()
    ReliefBatch.objects.filter(pk=batch.pk).update(households=n, people=totals["people"] or 0,
                                                   total_cny=totals["total"] or Decimal("0"))
    BatchGoods.objects.filter(batch=batch, issued_at__isnull=True).update(quantity=0)
    for g in BatchGoods.objects.filter(batch=batch, issued_at__isnull=True):
        BatchGoods.objects.filter(pk=g.pk).update(quantity=g.per_household * n)
    batch.refresh_from_db()


def ready_to_review(batch) -> str | None:
    if not batch.lines.exists():
        return "批次中还没有救助对象，请先添加"
    return None


def notice_required(batch) -> bool:
    return rules_for(batch.region)["notice_required"].value > 0


def ready_to_distribute(batch, now: datetime.datetime | None = None) -> str | None:
    now = now or timezone.now()
    if notice_required(batch):
        if batch.state != BatchState.NOTICE:
            return "本地区规定发放前须公示：请先公示救助对象和金额"
        if batch.notice_until and now < batch.notice_until:
            return f"公示期未满（至 {timezone.localtime(batch.notice_until):%Y-%m-%d %H:%M}），期满后发放"
    return None


def publish_notice(user, batch: ReliefBatch, *, complaint_channel: str, start: datetime.datetime | None = None,
                   days: int | None = None):
    """公示: the households and amounts posted for the jurisdiction's period with a complaint channel."""
    if batch.state != BatchState.APPROVED:
        raise Conflict(f"批次处于“{batch.get_state_display()}”状态，审批后才能公示")
    if not complaint_channel.strip():
        raise ValidationError({"complaint_channel": "请填写投诉举报渠道（电话或地址）"})
    rule_days = int(rules_for(batch.region)["notice_days"].value)
    days = rule_days if days is None else days
    if days < rule_days:
        raise ValidationError({"days": f"公示期不能少于本地规定的 {rule_days} 天"})
    start = start or timezone.now()
    ReliefBatch.objects.filter(pk=batch.pk).update(notice_from=start, notice_until=start + datetime.timedelta(days=days),
                                                   complaint_channel=complaint_channel.strip()[:200])
    batch.refresh_from_db()
    return workflow.apply(user, batch, "publish", system=True, inputs={"days": days, "channel": complaint_channel})


def on_batch_transition(batch: ReliefBatch, name: str, inputs, actor) -> None:
    """The batch's side of its transitions (called inside the transition's transaction, batch locked)."""
    now = timezone.now()
    if name == "distribute":
        issue_goods(actor, batch)
        batch.distributed_at = now
    elif name == "finish":
        batch.done_at = now
    elif name == "cancel":
        batch.cancelled_reason = (inputs.get("reason") or "")[:300]
        BatchLine.objects.filter(batch=batch).delete()  # the households are free for another batch
        batch.households, batch.people, batch.total_cny = 0, 0, Decimal("0")


def issue_goods(user, batch: ReliefBatch) -> list:
    """Issue the batch's goods from their warehouses through the stock ledger (one 出库 per line of
    goods, reference = the batch number); stock short anywhere refuses the whole 发放."""
    from yingji.resources import stock

    n = batch.lines.count()
    moves = []
    for g in BatchGoods.objects.filter(batch=batch, issued_at__isnull=True).select_related("warehouse", "material"):
        quantity = g.per_household * n
        moves.append(stock.move(user, g.warehouse, g.material, "issue", quantity, batch=g.stock_batch, reference=batch.number,
                                note=f"救助发放：{batch.title}（{n} 户，每户 {g.per_household}{g.material.unit}）"))
        BatchGoods.objects.filter(pk=g.pk).update(quantity=quantity, issued_at=timezone.now())
    return moves


def add_goods(user, batch: ReliefBatch, *, warehouse, material, per_household: int, stock_batch: str = "") -> BatchGoods:
    """Goods issued with the batch: ``per_household`` of ``material`` from ``warehouse`` (from its stock
    batch ``stock_batch`` when given: a lot of donated goods under its receipt number)."""
    _refuse_unless(batch, BatchState.DRAFT)
    if not in_scope(user, warehouse):
        raise ValidationError({"warehouse": "该储备库不在您的管辖范围内"})
    if BatchGoods.objects.filter(batch=batch, warehouse=warehouse, material=material, stock_batch=stock_batch).exists():
        raise ValidationError({"material": "本批次已有该储备库的这种物资" + (f"（批次 {stock_batch}）" if stock_batch else "")
                                           + "，请修改每户数量"})
    with set_actor(user):
        g = BatchGoods(batch=batch, warehouse=warehouse, material=material, per_household=per_household,
                       stock_batch=stock_batch, quantity=per_household * batch.lines.count())
        g.full_clean()
        g.save()
    return g


def sign(user, line: BatchLine, *, method: str, file, signer: str) -> BatchLine:
    """签收 by the household: a signature drawn on the phone or a photo of the signed sheet, kept as the
    line's attachment; the batch is 已签收 when its last household has signed."""
    from yingji.core.framework import services as core_services

    line = BatchLine.objects.select_for_update().select_related("batch").get(pk=line.pk)
    if line.batch.state != BatchState.DISTRIBUTING:
        raise Conflict(f"批次处于“{line.batch.get_state_display()}”状态，发放后才能签收")
    if line.signed_at:
        raise Conflict(f"该户已于 {timezone.localtime(line.signed_at):%Y-%m-%d %H:%M} 签收")
    if not signer.strip():
        raise ValidationError({"signer": "请填写签收人"})
    core_services.attach_file(user, line, file, f"签收（{SignMethod(method).label}）")
    with set_actor(user):
        line.signed_at, line.sign_method, line.signer = timezone.now(), method, signer.strip()[:32]
        line.save(update_fields=["signed_at", "sign_method", "signer", "updated_at"])
    batch = line.batch
    if not batch.lines.filter(signed_at__isnull=True).exists():
        workflow.apply(user, batch, "finish", system=True)
    return line


def tie_out(batch: ReliefBatch) -> list[str]:
    """What does not add up, in words ([] when the batch ties out): the batch total against its lines,
    each line against the standard, each line of goods against the households and against the stock
    ledger's 出库 under the batch number."""
    from yingji.resources.models import StockMovement

    problems = []
    lines = list(batch.lines.all())
    total = sum((line.amount_cny for line in lines), Decimal("0"))
    if total != batch.total_cny:
        problems.append(f"批次金额 {batch.total_cny} 元与明细合计 {total} 元不符")
    if len(lines) != batch.households:
        problems.append(f"批次户数 {batch.households} 与明细 {len(lines)} 户不符")
    for line in lines:
        due = reliefcalc.amount(batch.item.basis, batch.item.amount_cny, people=line.people, days=line.days)
        if due != line.amount_cny:
            problems.append(f"明细 {line.pk} 金额 {line.amount_cny} 元，按标准应为 {due} 元")
    for g in batch.goods.select_related("material", "warehouse"):
        if g.quantity != g.per_household * len(lines):
            problems.append(f"{g.material.name} 发放总数 {g.quantity} 与每户 {g.per_household}×{len(lines)} 户不符")
        if g.issued_at:
            out = -(StockMovement.objects.filter(warehouse=g.warehouse, material=g.material, reference=batch.number,
                                                 batch=g.stock_batch, kind="issue").aggregate(s=Sum("delta"))["s"] or 0)
            if out != g.quantity:
                problems.append(f"{g.warehouse} {g.material.name} 出库 {out}，与发放总数 {g.quantity} 不符")
    return problems


# ---- the hours target ----------------------------------------------------------------------------
def clock_start(event) -> tuple[datetime.datetime, str]:
    """When the clock runs from: the response's activation on the event's incident when there is one,
    else the moment the bureau learned of the disaster (the event's 获悉时间; its onset has a date only)."""
    if event.incident_id:
        started = event.incident.responses.order_by("started_at").values_list("started_at", flat=True).first()
        if started:
            return started, "应急响应启动"
    return event.learned_at, "获悉灾情"


def hours_board(user, event, now: datetime.datetime | None = None) -> dict:
    """Per township of ``user``'s scope: the households needing emergency relief and who is late."""
    now = now or timezone.now()
    start, started_by = clock_start(event)
    rule = rules_for(event.region)["target_hours"]
    rows = []
    qs = (Beneficiary.objects.for_user(user).filter(event=event, category=Category.EMERGENCY)
          .select_related("region", "region__parent"))
    for b in qs:
        town = b.region if b.region.level == "township" else b.region.parent
        rows.append(reliefcalc.Household(b.pk, town.name if town else "", f"{b.region.name} 第{b.pk}号", b.met()))
    board = reliefcalc.hours_board(start, rule.value, rows, [n for n, _ in NEEDS], now)
    board.update(started_by=started_by, rule=rule, needs=dict(NEEDS), event=event)
    return board


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return exc.messages
