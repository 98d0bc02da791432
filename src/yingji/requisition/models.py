"""应急征用 (emergency requisition): the 征用预备清单 of what may be requisitioned (businesses, sites,
vehicles, equipment, goods — with owner, capacity and place), the jurisdiction's compensation rules
(data per kind and date, with their source), and the requisition order (征用单) with its declared
workflow (拟定 → 批准 → 送达 → 使用中 → 返还 → 补偿, 撤销), its use log and its compensation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from yingji.core.framework.moneyfields import YuanField
from yingji.core.framework.validators import validate_phone
from yingji.core.models import DomainModel, GeoPoint, Organization, Region, ScopedPart
from yingji.requisition.choices import Condition, ItemKind, LogSource, State

POSITIVE = [MinValueValidator(Decimal("0.01"))]


def _wan(*names):
    """``display_<name>()`` for yuan fields: the record and list pages read them in 万元, as their labels say."""
    def attach(cls):
        from yingji.core.framework import money

        for name in names:
            setattr(cls, f"display_{name}", lambda self, n=name: money.wan_text(getattr(self, n)))
        return cls
    return attach


@_wan("unit_value_cny")
class ReadyItem(DomainModel, GeoPoint):
    """One entry of the 征用预备清单: what may be requisitioned, whose it is and where it stands."""

    scope_organization = "organization"

    name = models.CharField("名称", max_length=100, help_text="如：挖掘机（卡特 320）、某酒店、某仓库场地")
    kind = models.CharField("类别", max_length=12, choices=ItemKind.choices)
    spec = models.CharField("规格型号", max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="所有单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text="属于企业或单位时选择；属于个人时不选，填写所有人姓名")
    owner_name = models.CharField("所有人或联系人", max_length=64)
    owner_phone = models.CharField("联系电话", max_length=20, validators=[validate_phone])
    capacity = models.DecimalField("可征用数量", max_digits=12, decimal_places=2, validators=POSITIVE,
                                   help_text="按计量单位：台、辆、平方米、吨、间……")
    unit = models.CharField("计量单位", max_length=10)
    unit_value_cny = YuanField("单位价值（万元）", default=Decimal("0"),
                               help_text="每计量单位的价值（灭失、毁损和折旧补偿的依据），可注明单位，如“45万元”")
    material = models.ForeignKey("resources.Material", verbose_name="对应物资目录", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text="填写后，征用期间可作为物资调度的货源（如挖掘机、冲锋舟、饮用水）")
    ready_hours = models.DecimalField("调用准备时间（小时）", max_digits=5, decimal_places=1, default=Decimal("2"),
                                      validators=[MinValueValidator(0)])
    address = models.CharField("地址", max_length=200, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "征用预备清单"
        ordering = ["region", "kind", "name"]

    def __str__(self):
        return self.name

    @property
    def owner(self) -> str:
        return self.organization.name if self.organization_id else self.owner_name


@_wan("daily_rate_cny", "operator_daily_cny")
class RequisitionRule(DomainModel):
    """A jurisdiction's compensation rates for one kind from a date (使用补偿日费率, 折旧率, 操作人员日补偿),
    with the document they come from; the nearest region's row in force on the day wins, else the
    national reference values (data/requisition-rules.json, examples)."""

    scope_shared_down = True

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=ItemKind.choices)
    effective_from = models.DateField("执行日期")
    daily_rate_cny = YuanField("使用补偿（万元/单位·日）", help_text="每计量单位每日，如“1500元”")
    depreciation_pct_year = models.DecimalField("折旧率（%/年）", max_digits=5, decimal_places=2, default=Decimal("0"),
                                                validators=[MinValueValidator(0)],
                                                help_text="按单位价值计；日费率已含折旧的填 0")
    operator_daily_cny = YuanField("操作人员补偿（万元/人·日）", default=Decimal("0"))
    source = models.CharField("依据文件", max_length=200)
    confirmed = models.BooleanField("已对照原文核实", default=False)
    example = models.BooleanField("示例数据", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "征用补偿规则"
        ordering = ["region", "kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "effective_from"],
                                               name="requisition_rule_once_per_region_day")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.region}，{self.effective_from:%Y-%m-%d}起）"


@_wan("repair_cost_cny", "compensation_cny", "paid_cny")
class Requisition(DomainModel):
    """征用单: one item of the ready list requisitioned for a disaster event or an incident."""

    scope_organization = "organization"
    creator_field = "created_by"

    number = models.CharField("征用单号", max_length=20, unique=True, editable=False)
    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey("incidents.Incident", verbose_name="突发事件", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ReadyItem, verbose_name="征用对象", on_delete=models.PROTECT, related_name="requisitions")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+", editable=False)
    organization = models.ForeignKey(Organization, verbose_name="被征用单位", null=True, blank=True, editable=False,
                                     on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField("征用单位", max_length=100, help_text="如：浏阳市人民政府（浏阳市应急管理局承办）")
    quantity = models.DecimalField("征用数量", max_digits=12, decimal_places=2, validators=POSITIVE, default=Decimal("1"))
    purpose = models.CharField("征用用途", max_length=200)
    place = models.CharField("使用地点", max_length=200)
    planned_days = models.PositiveSmallIntegerField("预计使用天数", null=True, blank=True)
    operators = models.PositiveSmallIntegerField("随同操作人员（人）", default=0)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFTED, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="拟定人", null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    served_at = models.DateTimeField("送达时间", null=True, blank=True, editable=False)
    served_to = models.CharField("签收人", max_length=64, blank=True, editable=False)
    started_at = models.DateTimeField("投入使用时间", null=True, blank=True, editable=False)
    returned_at = models.DateTimeField("返还时间", null=True, blank=True, editable=False)
    condition = models.CharField("返还状况", max_length=10, choices=Condition.choices, blank=True, editable=False)
    affected_quantity = models.DecimalField("毁损、灭失或消耗数量", max_digits=12, decimal_places=2, null=True, blank=True,
                                            editable=False)
    repair_cost_cny = YuanField("评估修复费用（万元）", default=Decimal("0"), editable=False)
    damage_note = models.CharField("毁损情况", max_length=300, blank=True, editable=False)
    assessed_by = models.CharField("评估人或评估机构", max_length=100, blank=True, editable=False)
    compensation_cny = YuanField("应补偿金额（万元）", null=True, blank=True, editable=False)
    # the engine's lines and the rule used (no verbose name: the record page reads it in its summary)
    compensation_detail = models.JSONField(default=dict, blank=True, editable=False)
    paid_cny = YuanField("已支付金额（万元）", null=True, blank=True, editable=False)
    paid_on = models.DateField("支付日期", null=True, blank=True, editable=False)
    voucher_number = models.CharField("支付凭证号", max_length=40, blank=True, editable=False)
    dispatched = models.DecimalField("已调度数量", max_digits=12, decimal_places=2, default=Decimal("0"), editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "征用单"
        ordering = ["-created_at"]

    def __str__(self):
        return self.number or "新征用单"

    def clean(self):
        super().clean()
        if self.item_id:
            self.region_id, self.organization_id = self.item.region_id, self.item.organization_id
            if self.quantity and self.quantity > self.item.capacity:
                raise ValidationError({"quantity": f"征用数量不能超过预备清单登记的可征用数量 "
                                                   f"{self.item.capacity}{self.item.unit}"})
        if not self.event_id and not self.incident_id:
            raise ValidationError({"event": "请选择所服务的灾情事件或突发事件"})

    def save(self, *args, **kwargs):
        if self.item_id:
            self.region_id, self.organization_id = self.item.region_id, self.item.organization_id
        if not self.number:
            from yingji.core.framework import numbering

            self.number = numbering.dated_number(Requisition, "number", "ZY", 3, sep="-")
        super().save(*args, **kwargs)

    @property
    def available(self) -> Decimal:
        """What is left to dispatch (served or in use)."""
        return max(Decimal("0"), self.quantity - self.dispatched)


class UseLog(ScopedPart):
    """使用记录: a day's use of a requisitioned item (hours, place, work), or a dispatch from it."""

    scope_parent = "requisition"

    requisition = models.ForeignKey(Requisition, verbose_name="征用单", on_delete=models.CASCADE, related_name="uses")
    day = models.DateField("日期", default=timezone.localdate)
    hours = models.DecimalField("使用时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    place = models.CharField("地点", max_length=200)
    work = models.CharField("作业内容", max_length=200, blank=True)
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=LogSource.choices, default=LogSource.MANUAL)

    class Meta:
        verbose_name = verbose_name_plural = "征用使用记录"
        ordering = ["requisition", "day", "pk"]

    def __str__(self):
        return f"{self.requisition.number} {self.day:%Y-%m-%d} {self.place}"

    @property
    def number(self) -> str:
        return str(self)


class LookupAttempt(models.Model):
    """One public case lookup (the client as a salted hash, never an IP): counted for the rate limits."""

    client_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"征用查询 {self.at:%Y-%m-%d %H:%M}"
