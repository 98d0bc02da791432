"""Public tip-offs (群众举报): no login, a tracking code back, and protection against floods.

Spam resistance, in order: a hidden honeypot field, a signed form timestamp (a human takes more than
a few seconds; a replayed form expires), a per-client limit and a global hourly cap counted in the
database (so it holds across web workers and rejected attempts store nothing).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape

from yingji.core import services
from yingji.core.models import Region
from yingji.hazards.models import Hazard, TipOff

PER_CLIENT_PER_HOUR = 3
PER_CLIENT_PER_DAY = 10
ALL_CLIENTS_PER_HOUR = 300
MIN_SECONDS_TO_FILL = 3
FORM_MAX_AGE = 2 * 3600
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "gif"]


class Refused(Exception):
    """A tip-off the platform does not accept; the message is for the person."""


def client_hash(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()  # no raw IPs stored


def form_token() -> str:
    return signing.dumps(timezone.now().timestamp(), salt="tip-off")


def check_token(token: str):
    try:
        started = signing.loads(token, salt="tip-off", max_age=FORM_MAX_AGE)
    except signing.BadSignature as exc:
        raise Refused("页面已过期，请刷新后重新填写") from exc
    if timezone.now().timestamp() - float(started) < MIN_SECONDS_TO_FILL:
        raise Refused("提交过快，请确认内容后再提交")


def check_rate(client: str):
    now = timezone.now()
    recent = TipOff.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if recent.filter(client_hash=client).count() >= PER_CLIENT_PER_HOUR or TipOff.objects.filter(
            client_hash=client, created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Refused("您提交得太频繁了，请稍后再试；紧急情况请直接拨打 119 或 12350")
    if recent.count() >= ALL_CLIENTS_PER_HOUR:
        raise Refused("系统繁忙，请稍后再试；紧急情况请直接拨打 119 或 12350")


def locate(lon: float | None, lat: float | None) -> Region:
    """The village (else township, county) containing the point; the county when no point is given."""
    county = Region.objects.filter(level="county").order_by("code").first()
    if lon is None or lat is None:
        return county
    point = Point(lon, lat)
    for level in ("village", "township", "county"):
        candidates = Region.objects.filter(level=level, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat,
                                           max_lat__gte=lat).exclude(geometry__isnull=True)
        for region in candidates:
            if shape(region.geometry).contains(point):
                return region
    raise Refused("所选位置不在本辖区内，请在地图上重新选择")


def submit(*, ip: str, token: str, honeypot: str, description: str, place: str, lon, lat, contact_name: str,
           contact_phone: str, photos) -> TipOff:
    if honeypot:
        raise Refused("提交失败")
    check_token(token)
    description = description.strip()
    if len(description) < 10:
        raise Refused("请至少用 10 个字描述隐患情况")
    if len(description) > 2000:
        raise Refused("描述请控制在 2000 字以内")
    if len(photos) > 5:
        raise Refused("最多上传 5 张照片")
    for photo in photos:
        try:
            services.validate_upload(photo, PHOTO_TYPES)
        except ValidationError as exc:
            raise Refused(exc.messages[0]) from exc
    client = client_hash(ip)
    check_rate(client)
    region = locate(lon, lat)
    with transaction.atomic():
        hazard = Hazard.objects.create(
            title=f"群众举报：{description[:20]}", region=region, place=place[:200], lon=lon, lat=lat,
            description=description, channel="public_tip_off", finder=contact_name or "匿名群众")
        tip = TipOff.objects.create(
            tracking_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)), description=description,
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
