"""Release of a published warning to its targets, 叫应 (acknowledgement), re-send and escalation.

Targets: people in the address book (人员通讯录) whose region lies in one of the target regions
(subtrees; the issuing region when none is given) and whose 通讯录角色 is one of the target groups
(every responsible role when none is given). Each becomes a Recipient with a personal 叫应 link;
every channel attempt is a Delivery row. Unanswered after ``ack_minutes``: sent again and the
person's superior — the township leaders of their township, else the bureau leaders — is told.
"""

from __future__ import annotations

import datetime
import statistics

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji import config
from yingji.core.directory.choices import ContactRole
from yingji.core.framework.choices import NotificationLevel
from yingji.core.models import Person, Region
from yingji.warnings.channels import CHANNELS, Message
from yingji.warnings.models import TARGET_ROLES, Delivery, Recipient, Warning

MAX_RESENDS = 2
LIFT_NOTICE = 9  # Delivery.attempt of the "lifted" notice, apart from first sends (1) and re-sends (2)


def target_people(warning: Warning):
    regions = list(Region.objects.filter(code__in=warning.region_codes())) or [warning.region]
    where = Q()
    for region in regions:
        where |= Q(region__path__startswith=region.path)
    roles = warning.role_codes() or [r.value for r in TARGET_ROLES]
    return Person.objects.filter(where, contact_role__in=roles)


def released(warning: Warning) -> None:
    """On 审核并发布: the version it replaces steps down; recipients are sent to after commit."""
    from yingji.core.framework import workflow

    if warning.supersedes_id:
        workflow.apply(None, warning.supersedes, "supersede", system=True)
    if warning.cap_status == "Test":  # CAP status Test: technical testing only, nobody is sent anything
        return
    transaction.on_commit(lambda: release(Warning.objects.get(pk=warning.pk)))


def lifted(warning: Warning) -> None:
    """On 解除: everyone who got the warning hears that it is lifted, after commit."""
    if warning.cap_status == "Test":
        return

    def tell():
        fresh = Warning.objects.get(pk=warning.pk)
        send(fresh, list(fresh.recipients.select_related("person")), attempt=LIFT_NOTICE, prefix="【解除】")
    transaction.on_commit(tell)


def release(warning: Warning) -> int:
    """Create the recipients of a just-published warning and send to them (after commit)."""
    people = list(target_people(warning).values_list("pk", flat=True))
    Recipient.objects.bulk_create([Recipient(warning=warning, person_id=pk) for pk in people], ignore_conflicts=True)
    from yingji.warnings import tasks

    transaction.on_commit(lambda: tasks.disseminate.delay(warning.pk))
    return len(people)


def ack_url(recipient: Recipient) -> str:
    return f"{config.public_url()}/ack/{recipient.token}/"


def send(warning: Warning, recipients, *, attempt: int = 1, prefix: str = "") -> dict:
    """Send to ``recipients`` on every configured channel; returns delivered/failed counts."""
    level = f"{warning.get_level_display()}预警"
    if warning.cap_status == "Exercise":  # CAP status Exercise: for the drill's participants, and says so
        prefix = f"【演练】{prefix}"
    text = f"{prefix}【{level}】{warning.title}：{warning.content[:120]}"
    messages = [Message(r.pk, r.person.name, r.person.mobile, r.person.email, f"{prefix}{level}：{warning.title}", text,
                        ack_url(r)) for r in recipients]
    counts = {"delivered": 0, "failed": 0}
    for channel in config.env_list("YINGJI_WARNING_CHANNELS"):
        results = CHANNELS[channel](messages)
        Delivery.objects.bulk_create([Delivery(recipient_id=x.recipient_id, channel=channel, attempt=attempt,
                                               state="delivered" if x.delivered else "failed", error=x.error,
                                               provider_ref=x.ref) for x in results])
        for x in results:
            counts["delivered" if x.delivered else "failed"] += 1
    _announce(warning)
    return counts


def acknowledge(recipient: Recipient, via: str) -> bool:
    """Record the answer once; later clicks change nothing. Returns whether this call recorded it."""
    updated = Recipient.objects.filter(pk=recipient.pk, acked_at__isnull=True).update(acked_at=timezone.now(), ack_via=via)
    if updated:
        _announce(recipient.warning)
    return bool(updated)


def superiors_of(person: Person) -> list[Person]:
    """Who hears of an unanswered warning: township leaders over the person, else bureau leaders."""
    township = person.region
    while township is not None and township.level not in ("township",):
        township = township.parent
    found = []
    if township is not None:
        found = list(Person.objects.filter(region__path__startswith=township.path,
                                           contact_role=ContactRole.TOWNSHIP_LEADER).exclude(pk=person.pk)[:3])
    return found or list(Person.objects.filter(contact_role=ContactRole.BUREAU_LEADER).exclude(pk=person.pk)[:3])


def chase_unanswered(now: datetime.datetime | None = None) -> dict:
    """Re-send to recipients past their warning's 叫应时限 and tell their superiors (periodic)."""
    from yingji.core.framework import notify
    from yingji.warnings.channels import send_inapp, send_sms

    now = now or timezone.now()
    done = {"resent": 0, "escalated": 0}
    for warning in Warning.objects.filter(state="published", expires__gt=now):
        due = now - datetime.timedelta(minutes=warning.ack_minutes)
        late = list(warning.recipients.filter(acked_at__isnull=True, resend_count__lt=MAX_RESENDS)
                    .filter(Q(escalated_at__isnull=True, created_at__lte=due) | Q(escalated_at__lte=due))
                    .select_related("person__region"))
        if not late:
            continue
        for r in late:
            r.resend_count += 1
            r.escalated_at = now
            boss = superiors_of(r.person)
            r.escalated_to = boss[0] if boss else None
            r.save(update_fields=["resend_count", "escalated_at", "escalated_to"])
            if boss:  # the superior hears by SMS and in-app that this person has not answered
                msg = [Message(r.pk, b.name, b.mobile, b.email, f"预警未叫应：{r.person.name}",
                               f"{r.person.name}（{r.person.mobile}）超过{warning.ack_minutes}分钟未确认收到"
                               f"【{warning.get_level_display()}预警】{warning.title}，请督促。", ack_url(r)) for b in boss]
                send_sms(msg)
                send_inapp(msg, level=NotificationLevel.WARNING)
        send(warning, late, attempt=2, prefix="【再次提醒】")
        done["resent"] += len(late)
        done["escalated"] += sum(1 for r in late if r.escalated_to_id)
        notify.notify(notify.users_responsible_for(warning, ("staff", "duty")),
                      f"{len(late)} 人未叫应：{warning.title}", url=f"/warnings/{warning.pk}/board/",
                      level=NotificationLevel.WARNING,
                      key=f"warning-{warning.pk}-chase-{now:%Y%m%d%H%M}")
    return done


def stats(warning: Warning) -> dict:
    recipients = list(warning.recipients.all())
    delivered_ids = set(Delivery.objects.filter(recipient__warning=warning, state="delivered")
                        .values_list("recipient_id", flat=True))
    waits = [(r.acked_at - warning.published_at).total_seconds() / 60 for r in recipients
             if r.acked_at and warning.published_at]
    n = len(recipients)

    def pct(k):
        return round(100 * k / n, 1) if n else None
    return {"recipients": n, "delivered": len(delivered_ids), "acked": len(waits),
            "delivery_rate": pct(len(delivered_ids)), "ack_rate": pct(len(waits)),
            "median_ack_minutes": round(statistics.median(waits), 1) if waits else None,
            "max_ack_minutes": round(max(waits), 1) if waits else None,
            "escalated": sum(1 for r in recipients if r.escalated_at)}


def _announce(warning: Warning) -> None:
    from yingji.core.framework import live

    live.publish("warnings", {"id": warning.pk, "code": warning.code, "title": warning.title, "level": warning.level,
                              "state": warning.state, **stats(warning)}, region=warning.region)
