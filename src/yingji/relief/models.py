"""生活救助 (relief distribution): the items a jurisdiction pays with their standards (data, with the
source and the date they hold from), the households to relieve per disaster event (救助对象), and the
distribution batches (批次: 审核 → 审批 → 公示 → 发放 → 签收) whose lines are one household each.

No double relief: a line carries its household's key (the head's ID number) and the period it pays
(reliefcalc.period_key); the database allows one line per (item kind, household, period)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from yingji.core.framework.moneyfields import YuanField
from yingji.core.framework.validators import validate_phone
from yingji.core.models import DomainModel, JurisdictionRule, Region, ScopedPart
from yingji.relief import rules
from yingji.relief.choices import (
    Basis,
    BatchState,
    Category,
    ItemKind,
    Placement,
    SignMethod,
    Source,
)


class ReliefItem(DomainModel):
    """One relief item's standard in one jurisdiction from a date: 过渡期生活救助 20 元每人每天，按 30 天
    一期 …; the nearest region's row in force on the day wins (services.item_for)."""

    scope_shared_down = True  # a province's or city's standard holds for the counties under it

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("救助项目", max_length=16, choices=ItemKind.choices)
    name = models.CharField("项目名称", max_length=64, blank=True, help_text="不填时用救助项目的名称")
    basis = models.CharField("计发方式", max_length=12, choices=Basis.choices, default=Basis.PERSON)
    amount_cny = YuanField("标准（万元）", help_text="每户、每人或每人每天的金额；按万元填写，也可注明单位，如“20元”")
    period_days = models.PositiveSmallIntegerField("救助期（天）", null=True, blank=True,
                                                   help_text="按期发放的项目（过渡期生活救助按月）每期天数；一次性项目不填")
    max_periods = models.PositiveSmallIntegerField("最多期数", null=True, blank=True,
                                                   help_text="如过渡期生活救助一般不超过 3 个月（3 期）")
    min_interval_days = models.PositiveSmallIntegerField("两次发放最少间隔（天）", null=True, blank=True)
    effective_from = models.DateField("执行日期")
    source = models.CharField("依据文件", max_length=200)
    confirmed = models.BooleanField("已对照原文核实", default=False)
    example = models.BooleanField("示例数据", default=False, help_text="演示或参考用的标准，须按本地文件改正")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助项目标准"
        ordering = ["region", "kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "effective_from"],
                                               name="relief_item_once_per_region_day")]

    def __str__(self):
        return f"{self.title}（{self.effective_from:%Y-%m-%d}起）"

    @property
    def title(self) -> str:
        return self.name or self.get_kind_display()

    def clean(self):
        super().clean()
        if self.basis == Basis.PERSON_DAY and not self.period_days:
            raise ValidationError({"period_days": "按每人每天计发的项目须填写每期天数"})


class ReliefRule(JurisdictionRule):
    """A jurisdiction's own value of a relief rule (公示 required, 公示期, the hours target);
    data/relief-rules.json holds the national defaults with their sources; the nearest region wins."""

    rule_defaults = staticmethod(rules.defaults)

    class Meta(JurisdictionRule.Meta):
        verbose_name = verbose_name_plural = "救助工作规则"
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="relief_rule_once_per_region")]



class Beneficiary(DomainModel):
    """救助对象: one household of one disaster event, with its head, village, members and flags."""

    creator_field = "created_by"

    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", on_delete=models.PROTECT,
                              related_name="beneficiaries")
    region = models.ForeignKey(Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+")
    head_name = models.CharField("户主姓名", max_length=32)
    head_id_number = models.CharField("户主身份证号码", max_length=18)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    members = models.PositiveSmallIntegerField("家庭人口", default=1, validators=[MinValueValidator(1)])
    deaths = models.PositiveSmallIntegerField("遇难（失踪）人数", default=0, help_text="计发遇难人员家属抚慰金")
    category = models.CharField("救助类别", max_length=16, choices=Category.choices, default=Category.EMERGENCY)
    placement = models.CharField("安置方式", max_length=12, choices=Placement.choices, default=Placement.AT_HOME)
    sanwu = models.BooleanField("三无人员", default=False, help_text="无劳动能力、无生活来源、无法定赡养抚养扶养义务人")
    sangu = models.BooleanField("三孤人员", default=False, help_text="孤老、孤残、孤儿")
    dibao = models.BooleanField("低保户", default=False)
    vulnerable = models.CharField("特殊困难", max_length=20, blank=True, help_text="老、幼、孕、残、病，用顿号分隔")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.MANUAL, editable=False)
    household_ref = models.CharField("安置登记户编号", max_length=40, blank=True, editable=False)
    shelter_ref = models.CharField("安置场所编号", max_length=40, blank=True, editable=False)
    food_at = models.DateTimeField("食物送达", null=True, blank=True, editable=False)
    water_at = models.DateTimeField("饮用水送达", null=True, blank=True, editable=False)
    clothing_at = models.DateTimeField("衣被送达", null=True, blank=True, editable=False)
    shelter_at = models.DateTimeField("临时住所落实", null=True, blank=True, editable=False)
    medical_at = models.DateTimeField("医疗救助落实", null=True, blank=True, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "救助对象"
        ordering = ["event", "region", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "head_id_number"], name="relief_beneficiary_once_per_event"),
            models.UniqueConstraint(fields=["event", "household_ref"], condition=~Q(household_ref=""),
                                    name="relief_beneficiary_household_once"),
        ]

    def __str__(self):
        return f"救助对象（{self.region}，{self.members}人）" if self.region_id else "救助对象"

    def clean(self):
        super().clean()
        from yingji.core.directory.codes import id_number_error

        number = (self.head_id_number or "").strip().upper()
        self.head_id_number = number
        if number:
            error = id_number_error(number)
            if error:
                raise ValidationError({"head_id_number": f"户主身份证号码{error}"})
            clash = Beneficiary.objects.filter(event_id=self.event_id, head_id_number=number).exclude(pk=self.pk)
            if self.event_id and clash.exists():
                raise ValidationError({"head_id_number": "该户主已登记为本事件的救助对象（重复）"})
        if self.region_id and self.region.level not in ("village", "township"):
            raise ValidationError({"region": "救助对象须落到村（社区）或乡镇（街道）"})
        if self.deaths > self.members:
            raise ValidationError({"deaths": "遇难（失踪）人数不能多于家庭人口"})

    @property
    def household_key(self) -> str:
        return self.head_id_number

    def met(self) -> dict:
        return {"food": self.food_at, "water": self.water_at, "clothing": self.clothing_at,
                "shelter": self.shelter_at, "medical": self.medical_at}


class ReliefBatch(DomainModel):
    """发放批次: one item paid to a list of households of one event (and the goods issued with it)."""

    creator_field = "created_by"
    # The county's batch is read by its townships and villages (乡镇审核, the village's 签收 and 公示);
    # changing it still needs the owner's scope, and the lines stay each village's own.
    scope_shared_down = True

    number = models.CharField("批次编号", max_length=24, unique=True, editable=False)
    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", on_delete=models.PROTECT,
                              related_name="relief_batches")
    region = models.ForeignKey(Region, verbose_name="发放单位（区划）", on_delete=models.PROTECT, related_name="+",
                               help_text="县级或乡镇：本批次只含该区划内的救助对象")
    title = models.CharField("批次名称", max_length=100)
    item = models.ForeignKey(ReliefItem, verbose_name="救助项目标准", on_delete=models.PROTECT, related_name="batches")
    category = models.CharField("救助类别", max_length=16, choices=Category.choices, default=Category.EMERGENCY)
    period_start = models.DateField("救助期起始日", help_text="按期发放的项目从此日起算一期")
    days = models.PositiveSmallIntegerField("救助天数", null=True, blank=True, help_text="按每人每天计发时的天数；不填按一期")
    state = models.CharField("状态", max_length=14, choices=BatchState.choices, default=BatchState.DRAFT,
                             editable=False, db_index=True)
    households = models.PositiveIntegerField("户数", default=0, editable=False)
    people = models.PositiveIntegerField("人数", default=0, editable=False)
    total_cny = YuanField("金额合计（万元）", default=0, editable=False)
    notice_from = models.DateTimeField("公示开始", null=True, blank=True, editable=False)
    notice_until = models.DateTimeField("公示截止", null=True, blank=True, editable=False)
    complaint_channel = models.CharField("投诉举报渠道", max_length=200, blank=True, editable=False)
    distributed_at = models.DateTimeField("发放时间", null=True, blank=True, editable=False)
    done_at = models.DateTimeField("签收完成时间", null=True, blank=True, editable=False)
    cancelled_reason = models.CharField("作废理由", max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制单人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "救助发放批次"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        if not self.number:
            from yingji.core.framework import numbering

            self.number = numbering.dated_number(ReliefBatch, "number", "JZ", 3, sep="-")
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        from yingji.relief.choices import CATEGORY_KINDS

        if self.item_id and self.category and self.item.kind not in CATEGORY_KINDS[self.category]:
            raise ValidationError({"item": f"“{self.get_category_display()}”的批次不能发放“{self.item.title}”"})
        if self.event_id and self.period_start and self.period_start < self.event.onset_date:
            raise ValidationError({"period_start": "救助期起始日不能早于灾害发生日期"})

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.relief import services

        services.on_batch_transition(self, name, inputs, actor)


class BatchLine(DomainModel):
    """One household in one batch: what it is paid and its 签收. Owned by the household's village, so
    the village officer sees and signs off the lines of the village."""

    batch = models.ForeignKey(ReliefBatch, verbose_name="发放批次", on_delete=models.CASCADE, related_name="lines")
    beneficiary = models.ForeignKey(Beneficiary, verbose_name="救助对象", on_delete=models.PROTECT,
                                    related_name="lines")
    region = models.ForeignKey(Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    kind = models.CharField("救助项目", max_length=16, choices=ItemKind.choices, editable=False)
    household_key = models.CharField("户标识", max_length=18, editable=False, help_text="户主身份证号码")
    period_key = models.CharField("救助期", max_length=24, editable=False)
    period_start = models.DateField("救助期起始日", editable=False)
    people = models.PositiveSmallIntegerField("计发人数", editable=False)
    days = models.PositiveSmallIntegerField("计发天数", default=1, editable=False)
    amount_cny = YuanField("金额（万元）", editable=False)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True, editable=False)
    sign_method = models.CharField("签收方式", max_length=10, choices=SignMethod.choices, blank=True, editable=False)
    signer = models.CharField("签收人", max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "救助发放明细"
        ordering = ["batch", "region", "id"]
        constraints = [
            # No double relief: one household gets an item once per period (also under concurrent batches).
            models.UniqueConstraint(fields=["kind", "household_key", "period_key"], name="relief_once_per_period"),
        ]

    def __str__(self):
        return f"{self.batch.number if self.batch_id else ''} 第{self.pk}户"


class BatchGoods(ScopedPart):
    """Goods issued with a batch: so many of a material per household from one warehouse, issued through
    the stock ledger (reference = the batch number) when the batch is distributed."""

    scope_parent = "batch"

    batch = models.ForeignKey(ReliefBatch, verbose_name="发放批次", on_delete=models.CASCADE, related_name="goods")
    warehouse = models.ForeignKey("resources.Warehouse", verbose_name="储备库", on_delete=models.PROTECT,
                                  related_name="+")
    material = models.ForeignKey("resources.Material", verbose_name="物资", on_delete=models.PROTECT, related_name="+")
    per_household = models.PositiveIntegerField("每户数量", validators=[MinValueValidator(1)])
    stock_batch = models.CharField("库存批次", max_length=40, blank=True, editable=False,
                                   help_text="从该批次出库（如一批捐赠物资的捐赠收据号）；不填按储备库结存出库")
    quantity = models.PositiveIntegerField("发放总数", default=0, editable=False)
    issued_at = models.DateTimeField("出库时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "救助发放物资"
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "warehouse", "material", "stock_batch"],
                                               name="relief_goods_once_per_stock_batch")]

    def __str__(self):
        return f"{self.material} 每户{self.per_household}" if self.material_id else "救助物资"
