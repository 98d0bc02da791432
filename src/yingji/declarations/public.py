"""The public declaration form (网上申报, no login): the spam gate every public form shares (honeypot, signed
form time: core/directory/public_forms.py), then the tip-off page's flood protection — per-client and
global hourly limits counted in the database, so they hold across web workers and a refused attempt
stores nothing; clients are salted hashes, never IPs. A refusal names the field it is about."""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji.core.directory.public_forms import (  # noqa: F401  (form_token, client_hash: used by the views and tests)
    Refused,
    Throttled,
    check_gate,
    check_uploads,
    client_hash,
    form_token,
)
from yingji.core.framework.validators import validate_phone
from yingji.declarations import services
from yingji.declarations.choices import DeclarantKind, Kind
from yingji.declarations.models import Declaration

PER_CLIENT_PER_HOUR = 3  # the tip-off page's limits (hazards/public.py)
PER_CLIENT_PER_DAY = 10
ALL_CLIENTS_PER_HOUR = 300
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "gif"]
MOST_PHOTOS = 6
TOO_OFTEN = "您提交得太频繁了，请稍后再试；紧急情况请直接拨打 119、110 或 12350"


class FieldRefused(Refused):
    """A refusal about one field of the form (``field``: its name), shown next to it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_rate(client: str):
    now = timezone.now()
    recent = Declaration.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if recent.filter(client_hash=client).count() >= PER_CLIENT_PER_HOUR or Declaration.objects.filter(
            client_hash=client, created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Throttled(TOO_OFTEN)
    if recent.count() >= ALL_CLIENTS_PER_HOUR:
        raise Throttled("系统繁忙，请稍后再试；紧急情况请直接拨打 119、110 或 12350")


def _number(value) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise FieldRefused("location", "位置坐标不是数字，请重新定位或在地图上点选") from None
    if not math.isfinite(number):
        raise FieldRefused("location", "位置坐标不是数字，请重新定位或在地图上点选")
    return number


def parse_location(lon, lat, accuracy) -> tuple[float | None, float | None, int | None]:
    """The phone's position as the form sends it: both empty (no position), or two numbers in range."""
    x, y = _number(lon), _number(lat)
    if (x is None) != (y is None):
        raise FieldRefused("location", "位置只有经度或只有纬度，请重新定位或在地图上点选")
    if x is not None and not (-180 <= x <= 180 and -90 <= y <= 90):
        raise FieldRefused("location", "位置坐标超出范围（经度 −180～180，纬度 −90～90），请重新定位或在地图上点选")
    try:
        acc = int(float(accuracy)) if accuracy not in (None, "") else None
    except ValueError:
        acc = None
    return x, y, (acc if acc is not None and 0 <= acc <= 100_000 else None)


def submit(*, ip: str, token: str, honeypot: str, kind: str, declarant_kind: str, text: str, place: str = "",
           lon=None, lat=None, accuracy_m=None, contact_name: str = "", contact_phone: str = "",
           photos=()) -> Declaration:
    """A declaration from the public form; ``Refused`` (``FieldRefused`` naming the field) says why not."""
    check_gate(honeypot, token)
    if kind not in Kind.values:
        raise FieldRefused("kind", "请选择申报类别")
    if declarant_kind not in DeclarantKind.values:
        raise FieldRefused("declarant_kind", "请选择申报人类型")
    text = (text or "").strip()
    if len(text) < 10:
        raise FieldRefused("text", "请至少用 10 个字说明发生了什么、在哪里、有什么损失或需要什么帮助")
    if len(text) > 2000:
        raise FieldRefused("text", "内容请控制在 2000 字以内")
    place = (place or "").strip()
    if len(place) > 200:
        raise FieldRefused("place", "地点描述请控制在 200 字以内")
    contact_name, contact_phone = (contact_name or "").strip(), (contact_phone or "").strip()
    if len(contact_name) > 32:
        raise FieldRefused("contact_name", "联系人请控制在 32 字以内")
    if contact_phone:
        try:
            validate_phone(contact_phone)
        except ValidationError as exc:
            raise FieldRefused("contact_phone", exc.messages[0]) from None
    x, y, accuracy = parse_location(lon, lat, accuracy_m)
    try:
        check_uploads(photos, PHOTO_TYPES, MOST_PHOTOS, "照片")
    except Refused as exc:
        raise FieldRefused("photos", str(exc)) from None
    client = client_hash(ip)
    check_rate(client)
    if x is not None:
        from yingji.core.directory.public_forms import locate

        try:
            locate(x, y)  # outside the county: refused before anything is written
        except Refused as exc:
            raise FieldRefused("location", f"{exc}（您的位置：经度 {x:.5f}，纬度 {y:.5f}）") from None
    return services.declare(text=text, kind=kind, declarant_kind=declarant_kind, place=place, lon=x, lat=y,
                            accuracy_m=accuracy, contact_name=contact_name, contact_phone=contact_phone,
                            client=client, photos=photos)
