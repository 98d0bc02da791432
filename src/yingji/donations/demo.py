"""The demo county's donations (a step of ``yingji.core.framework.demo.load``) for the past flood: a
campaign with its needs list and two receiving points; a company's drinking water pledged on the public
page, received, checked into the county store under its receipt number and issued with a second month's
过渡期生活救助 batch to the villages; a person's money, part allocated to 大瑶镇 and its use recorded; one
lot of instant food refused for its shelf life; the disclosure calendar with one emergency-stage
disclosure published and the next one overdue in the office's to-dos."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.framework import workflow
    from yingji.disasters.models import DisasterEvent
    from yingji.donations import services
    from yingji.donations.models import Campaign, NeedItem, Pledge, ReceivingPoint
    from yingji.relief import services as relief
    from yingji.relief.models import ReliefBatch
    from yingji.resources.models import Material, StockMovement, Warehouse

    users = get_user_model().objects
    staff, leader, township = (users.get(username=n) for n in ("staff", "leader", "township"))
    flood = DisasterEvent.objects.filter(disaster_type="flood", received_from="").order_by("onset_date").first()
    store = Warehouse.objects.filter(level="county", reserve_kind="physical").order_by("name").first()
    if flood is None or store is None:
        return
    county, towns = flood.region, {t.name: t for t in ctx.towns}
    onset, start = flood.onset_date, flood.learned_at
    water, quilts, food = (Material.objects.get(code=c) for c in ("WF-001", "SH-003", "WF-002"))
    point = ReceivingPoint.objects.create(
        name="浏阳市救灾捐赠接收点", region=county, address=f"{store.address or store.name}（{store.name}）",
        contact="刘主任", phone="0731-83612345", hours="每日 8:00–20:00", warehouse=store, bank_name="浏阳农村商业银行",
        account_name="浏阳市应急管理局（救灾捐赠专户，演示数据）", account_number="6230 0000 0000 0000 000")
    town_store = Warehouse.objects.filter(level="township", region=towns.get("大瑶镇")).first()
    ReceivingPoint.objects.create(name="大瑶镇捐赠接收点", region=towns["大瑶镇"], address="大瑶镇人民政府院内",
                                  contact="大瑶镇应急办", phone="0731-83612346", hours="每日 8:00–18:00",
                                  warehouse=town_store)
    campaign = Campaign.objects.create(
        event=flood, region=county, title=f"{flood.name} 社会捐赠", office="浏阳市应急管理局救灾股",
        started_on=onset + datetime.timedelta(days=1), planned_end=onset + datetime.timedelta(days=200),
        emergency_until=onset + datetime.timedelta(days=14), emergency_days=7, published=True,
        do_not_send="旧衣物、旧被褥；临期或散装食品；药品（请联系卫健部门）", created_by=staff)
    for material, n in ((water, 2000), (quilts, 500), (food, 800)):
        NeedItem.objects.create(campaign=campaign, material=material, quantity=n, receiving_point=point,
                                spec="保质期 6 个月以上" if material.category == "water_food" else "")
    day = lambda n, h=10: start + datetime.timedelta(days=n, hours=h - timezone.localtime(start).hour)  # noqa: E731
    company = Pledge.objects.create(
        tracking_code="DEMOJZ0001", campaign=campaign, region=county, donor_kind="company",
        donor_name="湖南某某饮品有限公司（演示）", contact_phone="0731-88880001", kind="goods", material=water, quantity=1000,
        publish_name=True, client_hash="demo")
    Pledge.objects.create(tracking_code="DEMOJZ0002", campaign=campaign, region=county, donor_kind="person",
                          donor_name=ctx.name(), contact_phone=ctx.mobile(), kind="goods", material=quilts, quantity=50,
                          client_hash="demo")
    goods = services.receive_lot(staff, campaign=campaign, receiving_point=point, kind="goods",
                                 pledge_code=company.tracking_code,
                                 quantity=1000, value_cny=Decimal("36000"), expires=onset + datetime.timedelta(days=500),
                                 official_receipt="湘财捐字（演示）000101", received_at=day(2))
    workflow.apply(staff, goods, "accept", comment="数量相符，包装完好，生产日期和保质期合格")
    StockMovement.objects.filter(batch=goods.number, kind="receive").update(at=day(2, 14))  # checked in that day
    cash = services.receive_lot(staff, campaign=campaign, receiving_point=point, kind="money", donor_kind="person",
                                donor_name=ctx.name(), donor_phone=ctx.mobile(), publish_name=False,
                                amount_cny=Decimal("10000"), official_receipt="湘财捐字（演示）000102", received_at=day(3))
    workflow.apply(staff, cash, "accept", comment="已到账")
    bad = services.receive_lot(staff, campaign=campaign, receiving_point=point, kind="goods", donor_kind="company",
                               donor_name="某某便利超市（演示）", quantity=100, material=food,
                               expires=timezone.localdate() + datetime.timedelta(days=20), received_at=day(4))
    workflow.apply(staff, bad, "refuse", inputs={"reason": "临近保质期（剩余不足一个月），不符合救灾食品安全要求，已退回捐赠人"})

    # The second month of 过渡期生活救助 issues the company's water with the cash, to the villages.
    batch = relief.create_batch(staff, event=flood, region=county, kind="transition", category="transition",
                                period_start=onset + datetime.timedelta(days=40),
                                title=f"{flood.name} 过渡期生活救助（第二个月）")
    relief.add_households(staff, batch)
    batch.refresh_from_db()
    if batch.households:
        services.allocate(staff, goods, relief_batch=batch, per_household=10, note="随过渡期生活救助发放")
        workflow.apply(township, batch, "review", comment="经评议审核")
        workflow.apply(leader, batch, "approve", comment="同意发放")
        relief.publish_notice(staff, batch, complaint_channel="浏阳市应急管理局救灾股 0731-83612345")
        ReliefBatch.objects.filter(pk=batch.pk).update(notice_until=timezone.now() - datetime.timedelta(hours=1))
        batch.refresh_from_db()
        workflow.apply(staff, batch, "distribute", comment="捐赠饮用水随批次发放")
    money = services.allocate(staff, cash, use="relief", target_region=towns["大瑶镇"], amount_cny=Decimal("6000"),
                              note="大瑶镇受灾群众生活物资采购")
    services.record_use(staff, money, use_note="采购棉被和毛巾等生活用品，发放大瑶镇各安置点")
    disclosures = services.schedule(campaign)
    first = next((d for d in disclosures if d.kind == "emergency"), None)
    if first is not None:
        workflow.apply(staff, first, "publish")
    t = services.tie_out(campaign)
    ctx.lines.append(f"捐赠：{campaign.title}，捐赠收据号 {goods.number}（饮用水 1000 箱，随批次 {batch.number} 发放）、"
                     f"{cash.number}（资金 1 万元，已分配 {t['allocated']} 元），{bad.number} 拒收；"
                     f"公开日历 {len(disclosures)} 项，待公开 {services.open_count(campaign)} 项")
