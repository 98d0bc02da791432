"""征用通知书 and 返还记录 (.docx, the platform's GB/T 9704 layout)."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.framework import money
from yingji.core.framework.documents import OfficialDocument
from yingji.core.framework.registry import MASK
from yingji.requisition import rules


def _q(x) -> str:
    return f"{x.normalize():f}"


def _when(dt) -> str:
    return f"{timezone.localtime(dt):%Y-%m-%d %H:%M}" if dt else "—"


def _masked(user) -> bool:
    """Whether ``user``'s roles read no personal data (the ready list's personal fields)."""
    from yingji.core.framework.registry import get_registry

    return user is not None and bool(get_registry("requisition-items").masked_fields(user))


def _owner(item, user) -> tuple[str, str]:
    """The owner's name and phone as ``user`` may read them (masked for roles without personal data);
    an organization's name is not personal."""
    hidden = _masked(user)
    name = item.organization.name if item.organization_id else (MASK if hidden else item.owner_name)
    return name, MASK if hidden else item.owner_phone


def _basis() -> str:
    return "、".join(rules.citation(k) for k in ("requisition", "emergency_measures", "civil_code"))


def notice(r, user=None) -> bytes:
    """应急征用通知书: what is requisitioned, for what and where, on what basis, and the owner's rights."""
    from yingji.requisition.services import event_name

    item = r.item
    owner, phone = _owner(item, user)
    when = timezone.localtime(r.created_at)
    doc = OfficialDocument(r.issuer, "应急征用通知书", f"征用〔{when.year}〕{r.number}号")
    doc.paragraph(f"{owner}：", indent=False)
    doc.paragraph(f"为应对“{event_name(r)}”的紧急需要，根据{_basis()}的规定，本机关决定征用你（单位）的下列财产，"
                  f"用于{r.purpose}。请接到本通知书后按时将被征用财产交付指定地点，并配备必要的操作人员。")
    doc.facts([
        ("征用单号", r.number), ("被征用人", owner), ("联系电话", phone),
        ("被征用财产", f"{item.name}{'（' + item.spec + '）' if item.spec else ''}"),
        ("类别", item.get_kind_display()), ("数量", f"{_q(r.quantity)} {item.unit}"),
        ("存放地点", item.address or str(item.region)), ("使用地点", r.place),
        ("预计使用", f"{r.planned_days} 天" if r.planned_days else "至应急处置工作结束"),
        ("随同操作人员", f"{r.operators} 人" if r.operators else "无"),
    ])
    doc.paragraph("被征用的财产在使用完毕或者突发事件应急处置工作结束后，将及时返还。财产被征用或者征用后毁损、灭失的，"
                  "依法给予公平、合理的补偿。返还时双方当场清点，确认财产状况并签署返还记录；补偿按本地区应急征用补偿规则计算。")
    doc.paragraph(f"可凭征用单号 {r.number} 和联系电话后四位在“应急征用查询”页面查询办理进度。")
    doc.signature(r.issuer, when.date())
    doc.paragraph("被征用人签收：________　　签收时间：________", indent=False)
    return doc.bytes()


def return_record(r, user=None) -> bytes:
    """返还记录: when and in what state it came back, the damage assessed and the compensation calculated."""
    item = r.item
    owner, _ = _owner(item, user)
    when = timezone.localtime(r.returned_at)
    doc = OfficialDocument(r.issuer, "应急征用财产返还记录", f"征用〔{timezone.localtime(r.created_at).year}〕{r.number}号")
    doc.facts([
        ("征用单号", r.number), ("被征用人", owner), ("被征用财产", item.name),
        ("数量", f"{_q(r.quantity)} {item.unit}"), ("送达时间", _when(r.served_at)),
        ("签收人", MASK if _masked(user) else r.served_to),
        ("投入使用", _when(r.started_at)), ("返还时间", _when(r.returned_at)),
        ("返还状况", r.get_condition_display()),
        ("毁损、灭失或消耗数量", f"{_q(r.affected_quantity)} {item.unit}" if r.affected_quantity else "—"),
        ("毁损情况", r.damage_note), ("评估人或评估机构", r.assessed_by),
    ])
    uses = list(r.uses.all())
    if uses:
        doc.heading("一、使用情况")
        for u in uses:
            hours = f"，{_q(u.hours)} 小时" if u.hours else ""
            qty = f"，{_q(u.quantity)} {item.unit}" if u.quantity else ""
            doc.paragraph(f"{u.day:%Y-%m-%d}：{u.place}{hours}{qty}{'，' + u.work if u.work else ''}")
    detail = r.compensation_detail or {}
    doc.heading(("二、" if uses else "一、") + "补偿计算")
    for line in detail.get("lines", []):
        doc.paragraph(f"{line['label']}：{line['basis']}，{money.yuan_text(_dec(line['amount_cny']))} 元")
    doc.paragraph(f"应补偿金额合计：{money.yuan_text(r.compensation_cny)} 元（使用 {detail.get('days', '—')} 日；"
                  f"规则：{detail.get('rule', {}).get('region', '')} {detail.get('rule', {}).get('source', '')}"
                  f"{'' if detail.get('rule', {}).get('confirmed') else '，未核实'}）。")
    doc.paragraph("征用单位经办人：________　　被征用人：________", indent=False)
    doc.signature(r.issuer, when.date())
    return doc.bytes()


def _dec(text):
    from decimal import Decimal

    return Decimal(text)
