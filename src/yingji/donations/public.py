"""The public pledge (捐赠意向登记, no login): the shared spam gate of every public form (honeypot, signed
form time: core/directory/public_forms.py), then per-client and global hourly limits counted in the
database (so they hold across web workers); clients are salted hashes, never IPs."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.utils import timezone

from yingji.core.directory.public_forms import (  # noqa: F401  (form_token: used by the views and tests)
    Refused,
    Throttled,
    check_gate,
    client_hash,
    form_token,
    tracking_code,
)
from yingji.core.framework import money
from yingji.donations.choices import DonorKind, LotKind, Use
from yingji.donations.models import Pledge
from yingji.donations.services import public_campaigns

PER_CLIENT_PER_HOUR = 5
PER_CLIENT_PER_DAY = 20
ALL_CLIENTS_PER_HOUR = 500
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def check_rate(client: str):
    now = timezone.now()
    recent = Pledge.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if recent.filter(client_hash=client).count() >= PER_CLIENT_PER_HOUR or Pledge.objects.filter(
            client_hash=client, created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Throttled("您提交得太频繁了，请稍后再试，或直接联系接收点")
    if recent.count() >= ALL_CLIENTS_PER_HOUR:
        raise Throttled("登记的人较多，请稍后再试，或直接联系接收点")


def submit(*, ip: str, token: str, honeypot: str, campaign_id, donor_kind: str, donor_name: str, phone: str,
           kind: str, material_id="", quantity="", amount="", designated_use: str = "", designated_region_id="",
           publish_name: bool = False, note: str = "") -> Pledge:
    """A pledge of one material (from the campaign's needs list) or a sum of money; ``Refused`` says why not."""
    check_gate(honeypot, token)
    campaign = public_campaigns().filter(pk=campaign_id).first() if str(campaign_id or "").isdigit() else None
    if campaign is None:
        raise Refused("该捐赠活动不存在或已结束")
    if donor_kind not in DonorKind.values:
        raise Refused("请选择捐赠人类型（个人或单位）")
    donor_name, phone = (donor_name or "").strip(), (phone or "").strip()
    if not donor_name or len(donor_name) > 100:
        raise Refused("请填写捐赠人姓名或单位名称（100 字以内）")
    if not PHONE.match(phone):
        raise Refused("请填写正确的联系电话（手机 11 位，或带区号的固定电话）")
    if designated_use and designated_use not in Use.values:
        raise Refused("指定用途不在可选范围内")
    region = None
    if str(designated_region_id or "").strip():
        from yingji.core.models import Region

        region = (Region.objects.filter(pk=designated_region_id, path__startswith=campaign.region.path).first()
                  if str(designated_region_id).isdigit() else None)
        if region is None:
            raise Refused("指定地区不在本次捐赠活动的范围内")
    fields = {}
    if kind == LotKind.GOODS:
        need = campaign.needs.filter(material_id=material_id).select_related("material").first() \
            if str(material_id or "").isdigit() else None
        if need is None:
            raise Refused("请从急需物资清单中选择要捐赠的物资")
        if not str(quantity or "").strip().isdigit() or not 0 < int(quantity) <= 10_000_000:
            raise Refused("请填写捐赠数量（正整数）")
        fields = {"material": need.material, "quantity": int(quantity)}
    elif kind == LotKind.MONEY:
        try:
            yuan = money.parse_yuan(str(amount or ""), default_unit="元")
        except ValueError:
            yuan = None
        if yuan is None or yuan <= 0 or yuan > 10**10:
            raise Refused("请填写捐赠金额（元）")
        fields = {"amount_cny": yuan}
    else:
        raise Refused("请选择捐赠物资还是资金")
    client = client_hash(ip)
    check_rate(client)
    with transaction.atomic():
        return Pledge.objects.create(
            tracking_code=tracking_code(), campaign=campaign, region=campaign.region, donor_kind=donor_kind,
            donor_name=donor_name, contact_phone=phone, kind=kind, designated_use=designated_use or Use.ANY,
            designated_region=region, publish_name=bool(publish_name), note=(note or "").strip()[:200],
            client_hash=client, **fields)
