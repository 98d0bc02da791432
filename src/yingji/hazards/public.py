"""Public tip-offs (群众举报): no login, a tracking code back, and protection against floods.

The spam gate (honeypot, signed form time), uploads, tracking codes and placing the point are the
shared public-form parts in core/directory/public_forms.py; here are the tip-off's own per-client limit and
global hourly cap, counted in the database (so they hold across web workers and rejected attempts
store nothing).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yingji.core.directory.public_forms import (  # noqa: F401  (form_token, client_hash: used by the views and tests)
    Refused,
    Throttled,
    check_gate,
    check_uploads,
    client_hash,
    form_token,
    locate,
    tracking_code,
)
from yingji.core.framework import services
from yingji.hazards.models import Hazard, TipOff

PER_CLIENT_PER_HOUR = 3
PER_CLIENT_PER_DAY = 10
ALL_CLIENTS_PER_HOUR = 300
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "gif"]


def check_rate(client: str):
    now = timezone.now()
    recent = TipOff.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if recent.filter(client_hash=client).count() >= PER_CLIENT_PER_HOUR or TipOff.objects.filter(
            client_hash=client, created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Throttled("您提交得太频繁了，请稍后再试；紧急情况请直接拨打 119 或 12350")
    if recent.count() >= ALL_CLIENTS_PER_HOUR:
        raise Refused("系统繁忙，请稍后再试；紧急情况请直接拨打 119 或 12350")


def submit(*, ip: str, token: str, honeypot: str, description: str, place: str, lon, lat, contact_name: str,
           contact_phone: str, photos) -> TipOff:
    check_gate(honeypot, token)
    description = description.strip()
    if len(description) < 10:
        raise Refused("请至少用 10 个字描述隐患情况")
    if len(description) > 2000:
        raise Refused("描述请控制在 2000 字以内")
    check_uploads(photos, PHOTO_TYPES, 5, "照片")
    client = client_hash(ip)
    check_rate(client)
    region = locate(lon, lat)
    with transaction.atomic():
        hazard = Hazard.objects.create(
            title=f"群众举报：{description[:20]}", region=region, place=place[:200], lon=lon, lat=lat,
            description=description, channel="public_tip_off", finder=contact_name or "匿名群众")
        tip = TipOff.objects.create(
            tracking_code=tracking_code(), description=description,
            place=place[:200], region=region, lon=lon, lat=lat, contact_name=contact_name[:32],
            contact_phone=contact_phone[:20], client_hash=client, hazard=hazard)
        for photo in photos:
            services.attach_file(None, hazard, photo, "举报照片", public=True)
    return tip


PUBLIC_PROGRESS = {
    "reported": "已受理，等待核实", "rejected": "经核实不属于安全隐患，感谢您的监督",
    "rectifying": "已核实，正在督促整改", "overdue": "已核实，整改超期，已督办",
    "awaiting_acceptance": "已整改，等待验收", "closed": "已整改完毕并验收销号，感谢您的监督",
}


def progress(code: str) -> dict | None:
    tip = TipOff.objects.select_related("hazard").filter(tracking_code=code.strip().upper()).first()
    if tip is None:
        return None
    state = tip.hazard.state if tip.hazard else "reported"
    return {"code": tip.tracking_code, "received_at": tip.created_at, "progress": PUBLIC_PROGRESS[state],
            "reward": tip.reward_cny if tip.reward_eligible else None}
