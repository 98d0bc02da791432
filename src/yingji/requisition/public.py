"""The owner's public case lookup (no login): the requisition's number and the last 4 digits of the
owner's phone on the ready list answer that one case's progress — its state, dates and compensation —
and nothing else. Every query counts against per-client and global hourly limits, in the database
(so they hold across web workers); clients are salted hashes, never IPs. A wrong number and a wrong
phone tail get the same answer, so the page does not tell which numbers exist."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yingji.core.directory.public_forms import Refused, Throttled, client_hash
from yingji.requisition.models import LookupAttempt, Requisition

TAIL = 4
PER_CLIENT_PER_HOUR = 10
ALL_PER_HOUR = 500


def lookup(*, ip: str, number: str, tail: str) -> dict | None:
    number, tail = (number or "").strip().upper(), (tail or "").strip()
    if not number:
        raise Refused("请填写征用通知书上的征用单号")
    if len(tail) != TAIL or not tail.isdigit():
        raise Refused(f"请填写被征用人联系电话的后 {TAIL} 位数字")
    client, now = client_hash(ip), timezone.now()
    hour = now - datetime.timedelta(hours=1)
    if LookupAttempt.objects.filter(client_hash=client, at__gte=hour).count() >= PER_CLIENT_PER_HOUR:
        raise Refused("查询次数过多，请一小时后再试，或拨打征用通知书上的电话")
    if LookupAttempt.objects.filter(at__gte=hour).count() >= ALL_PER_HOUR:
        raise Throttled("查询的人较多，请稍后再试")
    LookupAttempt.objects.create(client_hash=client, at=now)
    r = Requisition.objects.filter(number=number).select_related("item").first()
    if r is None or not r.item.owner_phone.endswith(tail) or r.state == "drafted":
        return None
    local = timezone.localtime
    return {"number": r.number, "item": r.item.name, "quantity": f"{r.quantity.normalize():f}{r.item.unit}",
            "issuer": r.issuer, "state": r.get_state_display(),
            "served_at": local(r.served_at) if r.served_at else None,
            "started_at": local(r.started_at) if r.started_at else None,
            "returned_at": local(r.returned_at) if r.returned_at else None,
            "condition": r.get_condition_display() if r.condition else "",
            "compensation_cny": r.compensation_cny, "paid_cny": r.paid_cny, "paid_on": r.paid_on,
            "voucher_number": r.voucher_number}
