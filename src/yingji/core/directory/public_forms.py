"""What every public form (no login) shares: its refusal, the spam gate, uploads, tracking codes,
and placing a picked point in its village.

The gate, in order: a hidden honeypot field, a signed form timestamp (a human takes more than a
few seconds; a replayed form expires), then each form's own per-client and global limits counted
in the database (so they hold across web workers). Clients are kept as salted hashes, never IPs.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from shapely.geometry import Point, shape

from yingji.core.directory import placenames
from yingji.core.directory.codes import REGION_LEVELS
from yingji.core.framework import services
from yingji.core.models import Region

MIN_SECONDS_TO_FILL = 3
FORM_MAX_AGE = 2 * 3600
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone
SALT = "tip-off"  # the first public form's salt, kept so forms already served stay valid


class Refused(Exception):
    """A submission the platform does not accept; the message is for the person, ``status`` for the page."""

    status = 400


class Throttled(Refused):
    """Too many submissions or look-ups, from this person or from everyone: try again later (HTTP 429)."""

    status = 429


def client_hash(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def form_token() -> str:
    return signing.dumps(timezone.now().timestamp(), salt=SALT)


def check_token(token: str):
    try:
        started = signing.loads(token, salt=SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature as exc:
        raise Refused("页面已过期，请刷新后重新填写") from exc
    if timezone.now().timestamp() - float(started) < MIN_SECONDS_TO_FILL:
        raise Refused("提交过快，请确认内容后再提交")


def check_gate(honeypot: str, token: str):
    if honeypot:
        raise Refused("提交失败")
    check_token(token)


def check_uploads(files, extensions: list[str], most: int, what: str):
    """At most ``most`` files of the given types and the platform's size limit."""
    if len(files) > most:
        raise Refused(f"最多上传 {most} 个{what}")
    for upload in files:
        try:
            services.validate_upload(upload, extensions)
        except ValidationError as exc:
            raise Refused(exc.messages[0]) from exc


def tracking_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


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


def locate_address(address: str, regions) -> Region | None:
    """The region an address names (placenames.resolve) among ``regions`` (the user's scope); None
    when it names none; Refused, listing the choices, when it could be several."""
    rows = list(regions.values_list("code", "name", "parent__code", "level"))
    found = placenames.resolve(address, [placenames.Place(c, n, p, REGION_LEVELS.index(lv)) for c, n, p, lv in rows])
    if found is None:
        return None
    if found.ambiguous:
        names = dict(Region.objects.filter(code__in=[c.parent for c in found.candidates if c.parent])
                     .values_list("code", "name"))
        options = "、".join(f"{names.get(c.parent, '')}{c.name}" for c in found.candidates)
        raise Refused(f"地址中的地名对应多个区划（{options}），请在地图上点选或填写所在区划")
    return Region.objects.get(code=found.place.code)
