"""Every change of a requisition goes through here: the workflow steps with their inputs, the
compensation from the jurisdiction's rules (compcalc.py), the use log, the dispatch source the
allocation engine ships from (``supply_sources``), the 就近资源 kind (``nearest_sources``) and the
owner's public lookup."""

from __future__ import annotations

import datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework import services as core_services
from yingji.core.framework import workflow
from yingji.core.framework.contributions import Supplied
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.requisition import compcalc, rules
from yingji.requisition.choices import Condition, LogSource, State
from yingji.requisition.models import ReadyItem, Requisition, RequisitionRule, UseLog
from yingji.requisition.workflow import REQUISITION_FLOW

ACTIVE = (State.APPROVED, State.SERVED, State.IN_USE)  # holding the item
DISPATCHABLE = (State.SERVED, State.IN_USE)
MOST_CNY = Decimal("1000000000000")  # 1 万亿元: any amount above is a typing error
SLACK = datetime.timedelta(minutes=5)  # a clock a little ahead


def _not_future(name: str, at, label: str) -> None:
    if at > timezone.now() + SLACK:
        raise ValidationError({name: f"{label}不能晚于现在"})


def _amount(name: str, value, label: str) -> None:
    if value is not None and value > MOST_CNY:
        raise ValidationError({name: f"{label}超过 1 万亿元，请核对单位（按万元填写，或注明“元”）"})


# ---- rules --------------------------------------------------------------------------------------

def rates_for(region: Region, kind: str, day: datetime.date) -> tuple[compcalc.Rates, RequisitionRule | None]:
    """The rates of ``kind`` in force on ``day`` for ``region``: the nearest region's latest row in force,
    else the national reference values (examples: data/requisition-rules.json)."""
    rows = RequisitionRule.objects.filter(region__code__in=region.path.split("/"), kind=kind, effective_from__lte=day)
    rule = max(rows.select_related("region"), key=lambda r: (len(r.region.path), r.effective_from), default=None)
    if rule is None:
        return rules.national_rates()[kind], None
    return compcalc.Rates(rule.daily_rate_cny, rule.depreciation_pct_year, rule.operator_daily_cny,
                          source=rule.source, confirmed=rule.confirmed), rule


# ---- the workflow -------------------------------------------------------------------------------

def _check(user, r: Requisition, name: str) -> None:
    """409 before any input is read when the state does not allow ``name`` now."""
    why = REQUISITION_FLOW.refusal(r.state, name, workflow.user_roles(user), {}, None)
    if why and "须填写" not in why:
        raise Conflict(why)


def held(item: ReadyItem, exclude=None) -> Decimal:
    qs = item.requisitions.filter(state__in=ACTIVE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(s=Sum("quantity"))["s"] or Decimal("0")


def ready_to_approve(r: Requisition) -> str | None:
    free = r.item.capacity - held(r.item, exclude=r)
    if r.quantity > free:
        return f"{r.item.name}已被其他征用单占用，尚可征用 {free}{r.item.unit}，少于本单的 {r.quantity}{r.item.unit}"
    return None


def serve(user, r: Requisition, *, served_at=None, served_to: str, comment: str = ""):
    _check(user, r, "serve")
    served_at = served_at or timezone.now()
    _not_future("served_at", served_at, "送达时间")
    Requisition.objects.filter(pk=r.pk).update(served_at=served_at, served_to=served_to.strip())
    return workflow.apply(user, r, "serve", comment=comment, inputs={"served_to": served_to.strip()})


def start_use(user, r: Requisition, *, started_at=None, comment: str = ""):
    _check(user, r, "start_use")
    started_at = started_at or timezone.now()
    _not_future("started_at", started_at, "投入使用时间")
    if r.served_at and started_at < r.served_at - datetime.timedelta(days=2):
        raise ValidationError({"started_at": "投入使用时间不能早于送达时间两日以上"
                                             "（紧急征用先用后补手续的，请按实际送达时间登记）"})
    Requisition.objects.filter(pk=r.pk).update(started_at=started_at)
    return workflow.apply(user, r, "start_use", comment=comment)


def assess(r: Requisition, *, returned_at, condition: str, affected_quantity=None, repair_cost_cny=Decimal("0")):
    """The compensation for ``r`` returned at ``returned_at`` in ``condition`` (pure engine, local rules)."""
    rates, rule = rates_for(r.region, r.item.kind, timezone.localtime(r.started_at).date())
    days = compcalc.billable_days(r.started_at, returned_at)
    result = compcalc.compensate(rates, quantity=r.quantity, unit_value_cny=r.item.unit_value_cny, days=days,
                                 condition=condition, affected_quantity=affected_quantity,
                                 repair_cost_cny=repair_cost_cny or Decimal("0"), operators=r.operators)
    detail = {"days": days, "lines": [{"key": x.key, "label": x.label, "basis": x.basis, "amount_cny": str(x.amount_cny)}
                                      for x in result.lines],
              "rule": {"id": rule.pk if rule else None, "region": str(rule.region) if rule else "全国参考值",
                       "source": rates.source, "confirmed": rates.confirmed,
                       "effective_from": rule.effective_from.isoformat() if rule else ""}}
    return result.total_cny, detail


def return_item(user, r: Requisition, *, returned_at=None, condition: str, affected_quantity=None,
                repair_cost_cny=None, damage_note: str = "", assessed_by: str = "", comment: str = ""):
    _check(user, r, "return_item")
    returned_at = returned_at or timezone.now()
    _not_future("returned_at", returned_at, "返还时间")
    _amount("repair_cost_cny", repair_cost_cny, "修复费用")
    if returned_at < r.started_at:
        raise ValidationError({"returned_at": "返还时间不能早于投入使用时间"})
    if condition != Condition.INTACT and not damage_note.strip():
        raise ValidationError({"damage_note": "毁损、灭失或消耗的，请写明情况（出具毁损、灭失证明）"})
    if condition == Condition.DAMAGED and not assessed_by.strip():
        raise ValidationError({"assessed_by": "毁损须写明评估人或评估机构"})
    try:
        total, detail = assess(r, returned_at=returned_at, condition=condition, affected_quantity=affected_quantity,
                               repair_cost_cny=repair_cost_cny or Decimal("0"))
    except compcalc.CompensationError as exc:
        field = "repair_cost_cny" if "修复" in str(exc) else "affected_quantity" if "数量" in str(exc) else "returned_at"
        raise ValidationError({field: str(exc)}) from exc
    Requisition.objects.filter(pk=r.pk).update(
        returned_at=returned_at, condition=condition,
        affected_quantity=None if condition == Condition.INTACT else (affected_quantity or r.quantity),
        repair_cost_cny=repair_cost_cny or Decimal("0"), damage_note=damage_note.strip(), assessed_by=assessed_by.strip(),
        compensation_cny=total, compensation_detail=detail)
    return workflow.apply(user, r, "return_item", comment=comment,
                          inputs={"condition": condition, "compensation_cny": str(total)})


def compensate(user, r: Requisition, *, paid_cny, paid_on, voucher_number: str, comment: str = ""):
    _check(user, r, "compensate")
    _amount("paid_cny", paid_cny, "支付金额")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "支付日期不能晚于今天"})
    if paid_on < timezone.localtime(r.returned_at).date():
        raise ValidationError({"paid_on": "支付日期不能早于返还日期"})
    if paid_cny != r.compensation_cny and not comment.strip():
        raise ValidationError({"comment": f"支付金额与应补偿金额 {r.compensation_cny} 元不同，请在意见中说明理由"})
    Requisition.objects.filter(pk=r.pk).update(paid_cny=paid_cny, paid_on=paid_on, voucher_number=voucher_number.strip())
    return workflow.apply(user, r, "compensate", comment=comment,
                          inputs={"paid_cny": str(paid_cny), "voucher_number": voucher_number.strip()})


def log_use(user, r: Requisition, *, day, place: str, hours=None, work: str = ""):
    if r.state not in DISPATCHABLE:
        raise Conflict(f"当前状态为“{r.get_state_display()}”，只有已送达或使用中的征用单可以登记使用情况")
    if r.started_at and day < timezone.localtime(r.started_at).date() - datetime.timedelta(days=1):
        raise ValidationError({"day": "日期早于投入使用时间"})
    if day > timezone.localdate():
        raise ValidationError({"day": "日期不能晚于今天"})
    log = UseLog(requisition=r, day=day, place=place.strip(), hours=hours, work=work.strip())
    log.full_clean()
    with set_actor(user):
        log.save()
    return log


# ---- dispatch: requisitioned goods and equipment as a supply (declared in apps.py) --------------

def dispatch_supplies(user, material_codes) -> list[Supplied]:
    """Served or in-use requisitions in the user's scope whose item stands for a catalogue material,
    with what is left of them, as lots for the allocation (resources/dispatch.py ``plan_dispatch``)."""
    rows = (Requisition.objects.for_user(user).filter(state__in=DISPATCHABLE, item__material__code__in=list(material_codes))
            .exclude(item__lon=None).select_related("item", "item__material", "item__organization"))
    out = []
    for r in rows:
        left = int(r.available)
        if left > 0:
            out.append(Supplied(r.pk, r.item.material.code, left, r.item.lon, r.item.lat, float(r.item.ready_hours),
                                f"征用 {r.number} {r.item.name}"
                                + (f"（{r.item.organization.name}）" if r.item.organization_id else ""),
                                reverse("registry_detail", args=["requisitions", r.pk])))
    return out


def dispatch_commit(user, shipments, purpose: str) -> list[UseLog]:
    """Book the plan's shipments from requisitions: each a use-log row (dispatch) and the quantity taken."""
    made = []
    for s in shipments:
        r = Requisition.objects.for_user(user).select_for_update().get(pk=s["key"])
        if r.state not in DISPATCHABLE or r.available < s["quantity"]:
            raise Conflict(f"征用单 {r.number} 现在不能调出 {s['quantity']}"
                           f"（状态：{r.get_state_display()}，尚可调出 {r.available}）")
        Requisition.objects.filter(pk=r.pk).update(dispatched=r.dispatched + s["quantity"])
        log = UseLog(requisition=r, day=timezone.localdate(), place=s["place"]["name"], quantity=s["quantity"],
                     work=f"物资调度：{purpose}"[:200], source=LogSource.DISPATCH)
        with set_actor(user):
            log.save()
        made.append(log)
    return made


# ---- the 就近资源 search (declared in apps.py) ---------------------------------------------------

def nearest_available(user, material: str = ""):
    """Ready-list entries in scope that are not wholly held by requisitions now."""
    qs = ReadyItem.objects.for_user(user)
    if material:
        qs = qs.filter(material__code=material)
    busy = [i for i, cap in qs.filter(requisitions__state__in=ACTIVE).values_list("pk", "capacity").distinct()
            if held(ReadyItem(pk=i, capacity=cap)) >= cap]
    return qs.exclude(pk__in=busy)


def nearest_describe(items) -> dict:
    """One line each for the search's results: no owner's name or phone (personal data, masked by role on
    the item's own page, which the result links to); the owning organization where there is one."""
    return {i.pk: f"{i.get_kind_display()} · {i.capacity.normalize():f}{i.unit} · "
                  f"{i.organization.name if i.organization_id else '个人所有'}" for i in items}


# ---- documents' facts ---------------------------------------------------------------------------

def event_name(r: Requisition) -> str:
    return r.event.name if r.event_id else (r.incident.title if r.incident_id else "")


def created(user, r: Requisition) -> Requisition:
    return core_services.save_instance(user, r)
