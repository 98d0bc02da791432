"""The demo county's 生活救助 (a step of ``yingji.core.framework.demo.load``), for the past flood of the
disasters step: the county's table of standards (an example, so marked), households needing emergency
relief with the hours they got food, water, clothing, shelter and medical help (two late, one still
short of medical help), one batch of 应急救助 done — reviewed, approved, posted, paid, quilts issued from
the county's store, every household signed — and one batch of 过渡期生活救助 waiting for 审批."""

from __future__ import annotations

import datetime

HOUSEHOLDS = {"大瑶镇": 6, "永安镇": 3, "官渡镇": 2}  # needing emergency relief, per flooded township
TRANSITION = {"大瑶镇": 3, "永安镇": 1}  # collapsed houses: 过渡期生活救助
LATE = {("大瑶镇", 5): 13, ("官渡镇", 1): 15}  # (town, n) -> hours to the last need met (the target is 10)
SHORT = ("永安镇", 2)  # still short of medical help


def _png() -> bytes:
    """A tiny valid PNG: the signature drawn on the phone."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x00\xff" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 4, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def signature(name="签名.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, _png(), content_type="image/png")


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.directory.codes import id_number_check_char
    from yingji.core.framework import workflow
    from yingji.disasters.models import DisasterEvent
    from yingji.relief import services
    from yingji.relief.models import Beneficiary, ReliefBatch
    from yingji.resources.models import StockLevel

    users = get_user_model().objects
    staff, leader, township, village = (users.get(username=n) for n in ("staff", "leader", "township", "village"))
    flood = DisasterEvent.objects.filter(disaster_type="flood", received_from="").order_by("onset_date").first()
    if flood is None:
        return
    county = flood.region
    services.seed_items(staff, county, effective_from=datetime.date(2020, 7, 1), example=True)
    towns = {t.name: t for t in ctx.towns}
    start = flood.learned_at
    rng = ctx.rng
    made = []

    def household(town, n, category, members):
        region = town.children.order_by("code")[n % max(1, town.children.count())] if town.children.exists() else town
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 20000))
        first17 = f"{town.code[:6]}{born:%Y%m%d}{rng.randint(100, 999)}"
        b = Beneficiary(event=flood, region=region, head_name=ctx.name(), head_id_number=first17 + id_number_check_char(first17),
                        phone=ctx.mobile(), members=members, category=category, placement="dispersed" if n % 2 else "at_home",
                        sanwu=n == 3, dibao=n in (1, 4), vulnerable="老" if n % 3 == 0 else "", created_by=village)
        b.full_clean(exclude=["created_by"])
        b.save()
        return b

    for name, count in HOUSEHOLDS.items():
        for n in range(count):
            b = household(towns[name], n, "emergency", rng.randint(2, 5))
            hours = LATE.get((name, n), rng.choice((4, 6, 7, 8, 9)))
            met = {need: start + datetime.timedelta(hours=hours - (0 if need == "medical" else rng.random()))
                   for need in ("food", "water", "clothing", "shelter", "medical")}
            if (name, n) == SHORT:
                met.pop("medical")
            Beneficiary.objects.filter(pk=b.pk).update(**{f"{k}_at": v for k, v in met.items()})
            made.append(b)
    for name, count in TRANSITION.items():
        for n in range(count):
            made.append(household(towns[name], n + 10, "transition", rng.randint(2, 4)))

    # 应急救助: paid and signed, quilts from the county's store.
    done = services.create_batch(staff, event=flood, region=county, kind="emergency", category="emergency",
                                 period_start=flood.onset_date, title=f"{flood.name} 应急救助（第一批）")
    services.add_households(staff, done)
    quilts = (StockLevel.objects.filter(material__code="SH-003", warehouse__level="county",
                                        warehouse__reserve_kind="physical", quantity__gte=done.households)
              .select_related("warehouse", "material").order_by("warehouse__name").first())
    if quilts is not None:
        services.add_goods(staff, done, warehouse=quilts.warehouse, material=quilts.material, per_household=2)
    workflow.apply(township, done, "review", comment="经村民评议、乡镇审核，名单和金额无误")
    workflow.apply(leader, done, "approve", comment="同意发放")
    services.publish_notice(staff, done, complaint_channel="浏阳市应急管理局救灾股 0731-83612345；各村村务公开栏",
                            start=start + datetime.timedelta(days=1))
    ReliefBatch.objects.filter(pk=done.pk).update(  # the notice ran its days, weeks ago
        notice_until=start + datetime.timedelta(days=4))
    done.refresh_from_db()
    workflow.apply(staff, done, "distribute", comment="现金打卡发放，棉被由县级储备库出库")
    for line in done.lines.select_related("beneficiary"):
        services.sign(village, line, method="signature", file=signature(), signer=line.beneficiary.head_name)

    # 过渡期生活救助, the first month: reviewed, waiting for 审批.
    pending = services.create_batch(staff, event=flood, region=county, kind="transition", category="transition",
                                    period_start=flood.onset_date + datetime.timedelta(days=10),
                                    title=f"{flood.name} 过渡期生活救助（第一个月）")
    services.add_households(staff, pending)
    workflow.apply(township, pending, "review", comment="倒塌住房户，经评议审核")
    done.refresh_from_db()
    pending.refresh_from_db()
    ctx.lines.append(f"生活救助：{flood.name} 救助对象 {len(made)} 户；批次 {done.number} 已发放签收"
                     f"（{done.households} 户，{done.total_cny} 元），批次 {pending.number} 待审批")
