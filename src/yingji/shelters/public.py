"""The public 寻亲 page's query (no login): a relative types a name and a part of the person's ID number
or phone (its last 4 characters, or more where the
jurisdiction's 安置规则 say), and learns only in which shelter the person is — or that
the person has left one. Only events whose search the county has switched on answer. Every query
counts against per-client and global hourly limits (安置规则), counted in the database so they hold
across web workers; clients are salted hashes, never IPs."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yingji.core.directory.public_forms import Refused, Throttled, client_hash
from yingji.shelters import services
from yingji.shelters.models import ANONYMISED, Evacuee, FamilySearch, LookupAttempt
from yingji.shelters.rules import MIN_TAIL_FLOOR


def events():
    from yingji.disasters.models import DisasterEvent

    return DisasterEvent.objects.filter(pk__in=FamilySearch.objects.filter(enabled=True).values("event"))


def lookup(*, ip: str, event_id, name: str, tail: str) -> list[dict]:
    """Where people of ``name`` matching ``tail`` (the end of their ID number or phone) of the event are:
    [{"shelter": name, "present": bool}]. ``Refused`` says why a query is not answered."""
    name, tail = (name or "").strip(), (tail or "").strip().upper()
    event = events().filter(pk=event_id).first() if str(event_id or "").isdigit() else None
    if event is None:
        raise Refused("请选择开放寻亲查询的灾情事件")
    if not name or name == ANONYMISED:
        raise Refused("请填写要查找的人的姓名")
    table = services.rules_for(event.region)
    least = max(MIN_TAIL_FLOOR, int(table["lookup_min_tail"].value))  # 安置规则: a jurisdiction may ask for more
    if len(tail) < least or not tail.replace("X", "").isdigit():
        raise Refused(f"请填写身份证号码或手机号码的后 {least} 位或更多（数字）")
    client, now = client_hash(ip), timezone.now()
    hour = now - datetime.timedelta(hours=1)
    if LookupAttempt.objects.filter(client_hash=client, at__gte=hour).count() >= int(table["lookup_per_client_per_hour"].value):
        raise Throttled("查询次数过多，请一小时后再试，或拨打安置点公布的电话")
    if LookupAttempt.objects.filter(at__gte=hour).count() >= int(table["lookup_all_per_hour"].value):
        raise Throttled("查询的人较多，请稍后再试")
    LookupAttempt.objects.create(client_hash=client, at=now)
    found = {}
    people = Evacuee.objects.filter(household__event=event, household__anonymised_at__isnull=True,
                                    name=name).select_related("household__activation")
    for p in people:
        phones = [x for x in (p.phone, p.household.phone) if x]
        if p.id_number.endswith(tail) or any(x.endswith(tail) for x in phones):
            shelter = p.household.activation.name
            found[shelter] = found.get(shelter, False) or p.household.state == "in"
    return [{"shelter": s, "present": present} for s, present in sorted(found.items())]
