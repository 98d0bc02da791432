"""捐赠 (donations) of a disaster event: the campaign with its published needs list (急需物资清单), the
registered receiving points (接收点, address and account), public pledges with a tracking code, the
received lots — each with a 捐赠收据号 that stays with it through the stock ledger (its stock batch), the
transfer orders and the relief batches — their allocation (定向捐赠 enforced there) and the disclosure
calendar under 《慈善法》.

Goods are never counted here: a lot's goods are in the resources app's stock ledger under the lot's
receipt number as their stock batch (services.accept_lot), so the ledger stays the one source of truth
of where they are; money is counted here (receipts and allocations), tied out by services.tie_out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.framework.moneyfields import YuanField
from yingji.core.framework.validators import validate_phone
from yingji.core.models import DomainModel, Region, ScopedPart
from yingji.donations.choices import (
    DisclosureKind,
    DisclosureState,
    DonorKind,
    LotKind,
    LotState,
    PledgeState,
    Use,
)


class ReceivingPoint(DomainModel):
    """接收点: where donations are received — its address, the warehouse its goods enter and the account
    money is paid into."""

    scope_shared_down = True  # a county's point is read by its townships (they send donors there)

    name = models.CharField("接收点名称", max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200)
    contact = models.CharField("联系人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    hours = models.CharField("接收时间", max_length=100, blank=True, help_text="如：每日 8:00–20:00")
    warehouse = models.ForeignKey("resources.Warehouse", verbose_name="物资入库储备库", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  help_text="查验合格的捐赠物资记入该库的库存台账；只收资金的接收点不填")
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    account_name = models.CharField("账户名称", max_length=100, blank=True)
    account_number = models.CharField("银行账号", max_length=40, blank=True)
    active = models.BooleanField("正在接收", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠接收点"
        ordering = ["region", "name"]

    def __str__(self):
        return self.name

    @property
    def takes_money(self) -> bool:
        return bool(self.account_number)

    def clean(self):
        super().clean()
        if self.account_number and not (self.bank_name and self.account_name):
            raise ValidationError({"account_name": "填写银行账号时须同时填写开户银行和账户名称"})
        if self.warehouse_id and self.region_id:
            here, there = self.region.path, self.warehouse.region.path
            if not (there.startswith(here) or here.startswith(there)):
                raise ValidationError({"warehouse": "入库储备库应在接收点所属区划内或其上级"})


class Campaign(DomainModel):
    """捐赠活动 of one disaster event: its needs list, what not to send, and its disclosure calendar."""

    scope_shared_down = True
    creator_field = "created_by"

    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", on_delete=models.PROTECT,
                              related_name="donation_campaigns")
    region = models.ForeignKey(Region, verbose_name="负责区划", on_delete=models.PROTECT, related_name="+",
                               help_text="负责接收、分配和公开的县（市、区）")
    title = models.CharField("活动名称", max_length=120)
    office = models.CharField("负责公开的单位", max_length=100, help_text="如：浏阳市应急管理局救灾股")
    started_on = models.DateField("开始接收日期")
    planned_end = models.DateField("计划结束日期", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="结束后三个月内须全面公开")
    emergency_until = models.DateField("应急阶段截止", null=True, blank=True)
    emergency_days = models.PositiveSmallIntegerField(
        "应急阶段公开间隔（天）", null=True, blank=True,
        help_text="应急阶段按更短间隔公开时填写（本地设置；对应的法律原文未核实）；不填则不设")
    published = models.BooleanField("向社会公布需求清单", default=False)
    do_not_send = models.TextField("请勿捐赠", blank=True, help_text="如：旧衣物、临期食品、散装药品")
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠活动"
        ordering = ["-started_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "结束日期不能早于开始接收日期"})
        if self.planned_end and self.started_on and self.planned_end < self.started_on:
            raise ValidationError({"planned_end": "计划结束日期不能早于开始接收日期"})
        if self.event_id and self.started_on and self.started_on < self.event.onset_date:
            raise ValidationError({"started_on": "开始接收日期不能早于灾害发生日期"})
        if self.emergency_until and self.started_on and not (
                self.started_on <= self.emergency_until <= self.started_on + datetime.timedelta(days=366)):
            raise ValidationError({"emergency_until": "应急阶段截止应在开始接收日期之后一年以内"})
        if self.emergency_days is not None and not 1 <= self.emergency_days <= 92:
            raise ValidationError({"emergency_days": "应急阶段公开间隔应为 1–92 天（不设置请留空）"})


class NeedItem(ScopedPart):
    """One line of the needs list (急需物资清单): a material and how many are wanted, and where to send it.
    Still needed = wanted − pledged and not yet received − received (services.needs)."""

    scope_parent = "campaign"

    campaign = models.ForeignKey(Campaign, verbose_name="捐赠活动", on_delete=models.CASCADE, related_name="needs")
    material = models.ForeignKey("resources.Material", verbose_name="物资", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("需求数量", validators=[MinValueValidator(1)])
    receiving_point = models.ForeignKey(ReceivingPoint, verbose_name="送达接收点", on_delete=models.PROTECT,
                                        related_name="needs")
    spec = models.CharField("规格要求", max_length=100, blank=True, help_text="如：保质期 6 个月以上，独立包装")

    class Meta:
        verbose_name = verbose_name_plural = "急需物资清单"
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "material"], name="donation_need_once")]

    def __str__(self):
        return f"{self.material.name} {self.quantity}{self.material.unit}" if self.material_id else "需求"


class Pledge(DomainModel):
    """A pledge from the public form (no login): one material or a sum of money, with the donor's
    contact, a designated use if any and whether the donor's name may be published."""

    tracking_code = models.CharField("登记编号", max_length=12, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name="捐赠活动", on_delete=models.PROTECT, related_name="pledges")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    donor_kind = models.CharField("捐赠人类型", max_length=10, choices=DonorKind.choices)
    donor_name = models.CharField("捐赠人", max_length=100)
    contact_phone = models.CharField("联系电话", max_length=20, validators=[validate_phone])
    kind = models.CharField("捐赠类型", max_length=8, choices=LotKind.choices)
    material = models.ForeignKey("resources.Material", verbose_name="物资", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("数量", null=True, blank=True)
    amount_cny = YuanField("金额（万元）", null=True, blank=True)
    designated_use = models.CharField("指定用途", max_length=10, choices=Use.choices, default=Use.ANY)
    designated_region = models.ForeignKey(Region, verbose_name="指定地区", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    publish_name = models.BooleanField("同意公开捐赠人名称", default=False)
    note = models.CharField("留言", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=PledgeState.choices, default=PledgeState.PLEDGED,
                             editable=False)
    client_hash = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠意向登记"
        ordering = ["-created_at"]

    def __str__(self):
        return f"捐赠登记 {self.tracking_code}"


class DonationLot(DomainModel):
    """A received lot (一批捐赠): its 捐赠收据号 is the code printed with its QR label and, for goods, the
    stock batch under which the lot lives in the stock ledger. Workflow: 已接收 → 查验合格入库 (goods enter
    the receiving point's warehouse; money is confirmed in the account) or 拒收 with the reason."""

    creator_field = "created_by"

    number = models.CharField("捐赠收据号", max_length=20, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name="捐赠活动", on_delete=models.PROTECT, related_name="lots")
    pledge = models.ForeignKey(Pledge, verbose_name="捐赠意向登记", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="lots")
    receiving_point = models.ForeignKey(ReceivingPoint, verbose_name="接收点", on_delete=models.PROTECT,
                                        related_name="lots")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False, help_text="接收点的区划")
    donor_kind = models.CharField("捐赠人类型", max_length=10, choices=DonorKind.choices)
    donor_name = models.CharField("捐赠人", max_length=100)
    donor_phone = models.CharField("捐赠人电话", max_length=20, blank=True, validators=[validate_phone])
    publish_name = models.BooleanField("同意公开捐赠人名称", default=False)
    kind = models.CharField("捐赠类型", max_length=8, choices=LotKind.choices)
    material = models.ForeignKey("resources.Material", verbose_name="物资", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("数量", null=True, blank=True)
    value_cny = YuanField("估值（万元）", null=True, blank=True, help_text="物资按发票或市场价估值，可不填")
    amount_cny = YuanField("金额（万元）", null=True, blank=True)
    expires = models.DateField("有效期至", null=True, blank=True)
    designated_use = models.CharField("指定用途", max_length=10, choices=Use.choices, default=Use.ANY)
    designated_region = models.ForeignKey(Region, verbose_name="指定地区", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    official_receipt = models.CharField("公益事业捐赠票据号", max_length=40, blank=True)
    received_at = models.DateTimeField("接收时间")
    state = models.CharField("状态", max_length=10, choices=LotState.choices, default=LotState.RECEIVED,
                             editable=False, db_index=True)
    check_note = models.CharField("查验情况", max_length=200, blank=True, editable=False)
    refused_reason = models.CharField("拒收理由", max_length=200, blank=True, editable=False)
    accepted_at = models.DateTimeField("入库（到账）时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠接收"
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.number or "捐赠接收"

    def save(self, *args, **kwargs):
        if self.receiving_point_id:
            self.region_id = self.receiving_point.region_id
        if not self.number:
            from yingji.core.framework import numbering

            self.number = numbering.dated_number(DonationLot, "number", "JS", 4, when=self.received_at, sep="-")
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.receiving_point_id:
            self.region_id = self.receiving_point.region_id
        if self.kind == LotKind.GOODS:
            if not self.material_id:
                raise ValidationError({"material": "物资捐赠须填写物资"})
            if not self.quantity:
                raise ValidationError({"quantity": "物资捐赠须填写数量（正整数）"})
            if self.amount_cny:
                raise ValidationError({"amount_cny": "物资捐赠不填金额（可填估值）"})
        elif self.kind == LotKind.MONEY:
            if not self.amount_cny or self.amount_cny <= 0:
                raise ValidationError({"amount_cny": "资金捐赠须填写金额"})
            if self.material_id or self.quantity:
                raise ValidationError({"material": "资金捐赠不填物资和数量"})

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.donations import services

        services.on_lot_transition(self, name, inputs, actor)

    @property
    def what(self) -> str:
        """What was given, in words: 饮用水 1000箱, or 10000 元."""
        from yingji.core.framework import money

        if self.kind == LotKind.MONEY:
            return f"{money.yuan_text(self.amount_cny)} 元" if self.amount_cny is not None else "资金"
        return f"{self.material.name} {self.quantity or ''}{self.material.unit}" if self.material_id else "物资"

    @property
    def public_donor(self) -> str:
        """The donor as the public pages show them: the name only with the donor's consent."""
        if self.publish_name:
            return self.donor_name
        return "爱心单位" if self.donor_kind == DonorKind.COMPANY else "爱心人士"


class Allocation(ScopedPart):
    """分配: part of a lot to a use. Goods go to a relief batch (a line of its goods, issued from the
    lot's stock batch when the batch is distributed); money to a use and a place, optionally paid out
    with a relief batch, then its use is recorded (使用情况)."""

    scope_parent = "lot"

    lot = models.ForeignKey(DonationLot, verbose_name="捐赠收据号", on_delete=models.PROTECT, related_name="allocations")
    use = models.CharField("用途", max_length=10, choices=[c for c in Use.choices if c[0] != Use.ANY])
    target_region = models.ForeignKey(Region, verbose_name="受益地区", on_delete=models.PROTECT, related_name="+")
    relief_batch = models.ForeignKey("relief.ReliefBatch", verbose_name="救助发放批次", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    batch_goods = models.OneToOneField("relief.BatchGoods", verbose_name="救助发放物资", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="donation")
    per_household = models.PositiveIntegerField("每户数量", null=True, blank=True)
    amount_cny = YuanField("金额（万元）", null=True, blank=True)
    allocated_at = models.DateTimeField("分配时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True, editable=False)
    use_note = models.CharField("使用情况", max_length=200, blank=True, editable=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠分配"
        ordering = ["lot", "id"]

    def __str__(self):
        return f"{self.lot.number if self.lot_id else ''} → {self.get_use_display()}"


class Disclosure(DomainModel):
    """One disclosure the calendar asks for (定期、应急阶段或结束后全面公开): due by ``due_on``; waiting as
    the responsible office's to-do until 公开 (the disclosure page and .xlsx are generated from the data)."""

    campaign = models.ForeignKey(Campaign, verbose_name="捐赠活动", on_delete=models.CASCADE, related_name="disclosures")
    region = models.ForeignKey(Region, verbose_name="负责区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    kind = models.CharField("公开类型", max_length=10, choices=DisclosureKind.choices, editable=False)
    period_start = models.DateField("期间起", editable=False)
    period_end = models.DateField("期间止", editable=False)
    due_on = models.DateField("应公开日期", editable=False)
    state = models.CharField("状态", max_length=10, choices=DisclosureState.choices, default=DisclosureState.DUE,
                             editable=False, db_index=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠信息公开"
        ordering = ["campaign", "due_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "period_start"], name="donation_disclosure_once")]

    def __str__(self):
        return f"{self.campaign} {self.get_kind_display()}（{self.period_start:%Y-%m-%d}至{self.period_end:%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        if self.campaign_id:
            self.region_id = self.campaign.region_id
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        from django.utils import timezone

        if name == "publish":
            self.published_at = timezone.now()
