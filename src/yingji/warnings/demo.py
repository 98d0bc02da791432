"""The demo county's early warnings: a published rainstorm warning with its deliveries and
acknowledgements, and a draft under review (a step of ``yingji.core.framework.demo.load``)."""

from __future__ import annotations

import logging


def load(ctx) -> None:
    channel_log = logging.getLogger("yingji.warnings.channels")
    before, _ = channel_log.level, channel_log.setLevel(logging.WARNING)  # not 200 logged SMS on the console
    try:
        ctx.facts.append(f"{_warnings(ctx.rng, ctx.towns)} 条预警")
    finally:
        channel_log.setLevel(before)


def _warnings(rng, towns) -> int:
    """A published rainstorm warning for the townships along the Liuyang river, delivered to their
    leaders and village cadres (logged SMS), most of whom have answered; and one draft for review."""
    import datetime

    from django.utils import timezone

    from yingji.warnings import dissemination
    from yingji.warnings.models import Recipient, Warning

    now = timezone.now()
    targets = [t for t in towns if t.name in ("集里街道", "荷花街道", "关口街道", "永安镇", "北盛镇")] or towns[:3]
    w = Warning.objects.create(
        event_type="rainstorm", level="orange", title="浏阳市暴雨橙色预警", source="forecast",
        forecast="浏阳市气象台：受高空槽和低层切变线影响，预计未来6小时浏阳河沿线降雨量将达50毫米以上。",
        content="预计未来6小时浏阳河沿线乡镇街道降雨量将达50毫米以上，局地100毫米以上，并伴有雷电、短时大风。",
        measures="1. 乡镇街道、村社区落实防汛值班和巡查；2. 及时转移山洪、地质灾害危险区和低洼地带人员；"
                 "3. 停止户外作业，切断危险室外电源。",
        effective=now - datetime.timedelta(minutes=40), expires=now + datetime.timedelta(hours=6),
        region=towns[0].parent, target_regions=",".join(t.code for t in targets),
        target_roles="township_leader,village_cadre", ack_minutes=30, state="published",
        published_at=now - datetime.timedelta(minutes=40))
    w.cap_identifier = f"yingji.{w.region.code}.{w.code}"
    w.save(update_fields=["cap_identifier"])
    from yingji.warnings import exchange

    exchange.record_outgoing(w, "Alert")  # its CAP message, on the public feed as a release would put it
    people = list(dissemination.target_people(w))
    Recipient.objects.bulk_create([Recipient(warning=w, person=p) for p in people])
    recipients = list(w.recipients.select_related("person"))
    dissemination.send(w, recipients)
    for r in recipients:
        if rng.random() < 0.8:
            r.acked_at = w.published_at + datetime.timedelta(minutes=rng.uniform(1, 25))
            r.ack_via = rng.choice(["link", "inapp"])
            r.save(update_fields=["acked_at", "ack_via"])
    Warning.objects.create(
        event_type="geohazard", level="yellow", title="大围山镇地质灾害气象风险黄色预警", state="review",
        content="受持续降雨影响，大围山镇发生地质灾害的气象风险较高。", measures="加强隐患点巡查，危险时及时撤离。",
        effective=now, expires=now + datetime.timedelta(hours=24), region=towns[0].parent,
        target_regions=",".join(t.code for t in towns if t.name == "大围山镇") or towns[-1].code,
        target_roles="township_leader,village_cadre,grid_worker")
    return 2
