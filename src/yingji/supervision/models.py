"""监管执法, first half: 两库一单 (inspection objects, inspectors, the matters list), the annual inspection
plan with its caps, reproducible random draws (draw.py) and on-site checks with their findings.

Every check, finding and piece of evidence keeps the enterprise's region and organization (copied
from its check), so the enterprise's record page lists them and scope needs no join."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models import DomainModel, GeoPoint, Organization, Person, Region
from yingji.risk.choices import Level as RiskLevel
from yingji.supervision.choices import (
    Answer,
    CheckState,
    EnterpriseClass,
    Method,
    PlanState,
    Relation,
    Standardization,
    Trigger,
)

# ---- 两库一单 ---------------------------------------------------------------------------------------

class InspectionObject(DomainModel):
    """检查对象名录库: an enterprise of the directory, with what a draw filters on."""

    scope_organization = "organization"

    organization = models.OneToOneField(Organization, verbose_name="企业", on_delete=models.PROTECT,
                                        related_name="inspection_object")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    enterprise_class = models.CharField("行业类别", max_length=24, choices=EnterpriseClass.choices,
                                        default=EnterpriseClass.OTHER, db_index=True)
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True, editable=False,
                                  db_index=True, help_text="取自风险分级管控：该企业风险点的最高等级")
    standardization = models.CharField("安全生产标准化等级", max_length=8, choices=Standardization.choices,
                                       default=Standardization.NONE, db_index=True)
    is_key = models.BooleanField("重点检查企业", default=False, db_index=True,
                                 help_text="重点企业在年度计划中逐一列明，不参与随机抽取")
    # 信用 (安全生产信用) is a later issue: a class the frequency rules may already name.
    credit_class = models.CharField("信用等级", max_length=8, blank=True,
                                    help_text="预留：安全生产信用分级（后续接入信用评价）")
    active = models.BooleanField("纳入名录", default=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查对象名录"
        ordering = ["organization__name"]

    def __str__(self):
        return str(self.organization)

    def save(self, *args, **kwargs):
        if self.organization_id and not self.region_id:
            self.region_id = self.organization.region_id
        super().save(*args, **kwargs)


class Inspector(DomainModel):
    """执法检查人员名录库: a person of the address book holding an enforcement certificate (执法证)."""

    scope_organization = "unit"

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="inspector_roles")
    unit = models.ForeignKey(Organization, verbose_name="执法单位", on_delete=models.PROTECT,
                             related_name="inspectors")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField("执法证号", max_length=32, unique=True)
    certificate_expires = models.DateField("执法证有效期至")
    active = models.BooleanField("在岗可抽取", default=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法检查人员名录"
        ordering = ["certificate_number"]

    def __str__(self):
        return f"{self.person.name}（{self.certificate_number}）"

    @property
    def name(self) -> str:
        return self.person.name


class ConflictOfInterest(DomainModel):
    """A declared relation of an inspector with an enterprise: the inspector is never drawn for it."""

    scope_parent = "inspector"
    scope_organization = "organization"

    inspector = models.ForeignKey(Inspector, verbose_name="检查人员", on_delete=models.CASCADE,
                                  related_name="conflicts")
    enterprise = models.ForeignKey(Organization, verbose_name="关联企业", on_delete=models.CASCADE,
                                   related_name="inspector_conflicts")
    relation = models.CharField("关系", max_length=20, choices=Relation.choices, default=Relation.OTHER)
    note = models.CharField("说明", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey(Organization, verbose_name="执法单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "回避关系"
        ordering = ["inspector", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_once")]

    def __str__(self):
        return f"{self.inspector} — {self.enterprise}"

    def inherit_scope(self):
        super().inherit_scope()
        if self.inspector_id:
            self.organization_id = self.inspector.unit_id


class InspectionMatter(DomainModel):
    """抽查事项清单: one matter, its legal basis, content, method and checklist."""

    code = models.CharField("事项编码", max_length=32, unique=True)
    name = models.CharField("事项名称", max_length=100)
    basis = models.TextField("检查依据", help_text="法律法规及条款，如《中华人民共和国安全生产法》第四十一条")
    content = models.TextField("检查内容")
    method = models.CharField("检查方式", max_length=12, choices=Method.choices, default=Method.ON_SITE)
    checklist = models.TextField("检查要点", help_text="每行一项，现场检查时逐项填写“符合/不符合/不适用”")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "抽查事项清单"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


# ---- 年度监督检查计划 --------------------------------------------------------------------------------

class InspectionPlan(DomainModel):
    """年度监督检查计划 of one unit (a county bureau) for one year; its items are per matter."""

    year = models.PositiveIntegerField("年度")
    title = models.CharField("计划名称", max_length=100)
    unit = models.ForeignKey(Organization, verbose_name="编制单位", on_delete=models.PROTECT,
                             related_name="inspection_plans")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    state = models.CharField("状态", max_length=12, choices=PlanState.choices, default=PlanState.DRAFT,
                             editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度监督检查计划"
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="plan_title_once")]

    def __str__(self):
        return self.title


class PlanItem(DomainModel):
    """One matter of a plan: its basis, objects (key enterprises named plus a random share with its
    total), content, method, frequency and cap per enterprise per year, timing, unit, joint or not."""

    scope_parent = "plan"

    plan = models.ForeignKey(InspectionPlan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(InspectionMatter, verbose_name="抽查事项", on_delete=models.PROTECT,
                               related_name="plan_items")
    basis = models.TextField("检查依据", blank=True, help_text="不填则取抽查事项的依据")
    content = models.TextField("检查内容", blank=True, help_text="不填则取抽查事项的内容")
    method = models.CharField("检查方式", max_length=12, choices=Method.choices, default=Method.ON_SITE)
    key_objects = models.ManyToManyField(InspectionObject, verbose_name="重点检查企业", blank=True,
                                         related_name="key_plan_items")
    random_share_pct = models.DecimalField("随机抽查比例（%）", max_digits=5, decimal_places=2, null=True, blank=True,
                                           help_text="占名录中符合条件企业的比例，仅作说明；抽取数量以“随机抽查总数”为准")
    random_total = models.PositiveIntegerField("随机抽查总数（家次）", default=0)
    frequency_per_year = models.PositiveSmallIntegerField("检查频次（次/企业/年）", default=1)
    cap_per_year = models.PositiveSmallIntegerField("检查上限（次/企业/年）", default=2,
                                                    help_text="同一企业本事项一年内的计划检查次数上限；投诉举报、事故调查引起的检查不受此限，但会记录")
    start_month = models.PositiveSmallIntegerField("开始月份", default=1)
    end_month = models.PositiveSmallIntegerField("结束月份", default=12)
    unit = models.ForeignKey(Organization, verbose_name="实施单位", on_delete=models.PROTECT, related_name="+")
    joint = models.BooleanField("联合检查", default=False)
    joint_with = models.CharField("联合部门", max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "计划检查事项"
        ordering = ["plan", "id"]

    def __str__(self):
        return f"{self.plan.year}年 {self.matter.name}"

    def clean(self):
        super().clean()
        errors = {}
        if not 1 <= (self.start_month or 0) <= 12:
            errors["start_month"] = "月份应为 1 至 12"
        if not 1 <= (self.end_month or 0) <= 12:
            errors["end_month"] = "月份应为 1 至 12"
        elif self.start_month and self.end_month < self.start_month:
            errors["end_month"] = "结束月份不能早于开始月份"
        if self.cap_per_year is not None and self.frequency_per_year is not None \
                and self.cap_per_year < self.frequency_per_year:
            errors["cap_per_year"] = "检查上限不能小于检查频次"
        if self.joint and not self.joint_with.strip():
            errors["joint_with"] = "联合检查须写明联合部门"
        if errors:
            raise ValidationError(errors)

    @property
    def effective_basis(self) -> str:
        return self.basis or self.matter.basis

    @property
    def effective_content(self) -> str:
        return self.content or self.matter.content


class FrequencyRule(DomainModel):
    """A jurisdiction's rule for how often an enterprise is checked (and the cap), by class, risk level,
    标准化 level and (later) credit: data with its source, never a constant. A blank criterion matches
    any value; the most specific matching rule wins (caps.py)."""

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    enterprise_class = models.CharField("行业类别", max_length=24, choices=EnterpriseClass.choices, blank=True)
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True)
    standardization = models.CharField("标准化等级", max_length=8, choices=Standardization.choices, blank=True)
    credit_class = models.CharField("信用等级", max_length=8, blank=True, help_text="预留：信用分级")
    frequency_per_year = models.PositiveSmallIntegerField("检查频次（次/年）")
    cap_per_year = models.PositiveSmallIntegerField("检查上限（次/年）")
    source_document = models.CharField("依据文件", max_length=200)
    source_article = models.CharField("条款", max_length=100, blank=True)
    effective_from = models.DateField("施行日期")
    confirmed = models.BooleanField("已核对原文", default=False,
                                    help_text="未勾选：数值未能从原文核实，仅作默认值，请按本地文件调整")

    class Meta:
        verbose_name = verbose_name_plural = "检查频次规则"
        ordering = ["region", "enterprise_class", "risk_level", "standardization"]

    def __str__(self):
        criteria = [self.get_enterprise_class_display() if self.enterprise_class else "",
                    self.get_risk_level_display() if self.risk_level else "",
                    f"标准化{self.get_standardization_display()}" if self.standardization else "",
                    f"信用{self.credit_class}" if self.credit_class else ""]
        return "、".join(c for c in criteria if c) or "全部企业"

    def clean(self):
        super().clean()
        if self.cap_per_year is not None and self.frequency_per_year is not None \
                and self.cap_per_year < self.frequency_per_year:
            raise ValidationError({"cap_per_year": "检查上限不能小于检查频次"})


# ---- 双随机抽取 ------------------------------------------------------------------------------------

class Draw(DomainModel):
    """One random draw (双随机): its seed, the sorted candidate lists with their hashes, the exclusions
    applied and the result, all kept so that anyone can re-run it (draw.py; `yingji supervision-draw
    --verify`). Written once, never edited."""

    scope_parent = "plan_item"

    plan_item = models.ForeignKey(PlanItem, verbose_name="计划检查事项", on_delete=models.PROTECT, related_name="draws")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    drawn_at = models.DateTimeField("抽取时间", editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, on_delete=models.SET_NULL,
                                 related_name="+", editable=False)
    algorithm = models.CharField("算法", max_length=32, editable=False)
    seed = models.BigIntegerField("随机种子", editable=False)
    objects_wanted = models.PositiveIntegerField("抽取企业数", editable=False)
    inspectors_per_check = models.PositiveSmallIntegerField("每组检查人员数", editable=False)
    criteria = models.JSONField("筛选条件", default=dict, editable=False)
    candidate_objects = models.JSONField("候选企业（统一社会信用代码，排序后）", default=list, editable=False)
    candidate_inspectors = models.JSONField("候选检查人员（执法证号，排序后）", default=list, editable=False)
    objects_hash = models.CharField("候选企业清单 SHA-256", max_length=64, editable=False)
    inspectors_hash = models.CharField("候选人员清单 SHA-256", max_length=64, editable=False)
    exclusions = models.JSONField("回避（企业 → 不得抽取的执法证号）", default=dict, editable=False)
    result = models.JSONField("抽取结果", default=list, editable=False)
    published = models.BooleanField("已公示", default=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "双随机抽取记录"
        ordering = ["-drawn_at"]

    def __str__(self):
        return f"抽取 {self.pk} · {self.plan_item}"


# ---- 检查记录 --------------------------------------------------------------------------------------

class Inspection(DomainModel, GeoPoint):
    """检查记录: one check of one enterprise, from a draw, the plan's key list, or a complaint or accident."""

    scope_organization = "organization"

    organization = models.ForeignKey(Organization, verbose_name="被检查单位", on_delete=models.PROTECT,
                                     related_name="inspections")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    plan_item = models.ForeignKey(PlanItem, verbose_name="计划检查事项", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="inspections")
    draw = models.ForeignKey(Draw, verbose_name="抽取记录", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inspections", editable=False)
    trigger = models.CharField("检查类型", max_length=12, choices=Trigger.choices, default=Trigger.RANDOM, db_index=True)
    trigger_note = models.CharField("投诉举报/事故说明", max_length=200, blank=True)
    beyond_cap = models.BooleanField("超出计划上限", default=False, editable=False,
                                     help_text="投诉举报或事故引起、超出年度计划检查上限的检查")
    year = models.PositiveIntegerField("年度", db_index=True)
    scheduled_on = models.DateField("计划检查日期", null=True, blank=True)
    inspectors = models.ManyToManyField(Inspector, verbose_name="检查人员", related_name="inspections", blank=True)
    started_at = models.DateTimeField("开始检查时间", null=True, blank=True, editable=False)
    finished_at = models.DateTimeField("检查完成时间", null=True, blank=True, editable=False, db_index=True)
    summary = models.TextField("检查情况", blank=True)
    state = models.CharField("状态", max_length=12, choices=CheckState.choices, default=CheckState.PLANNED,
                             editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "监督检查记录"
        ordering = ["-year", "-scheduled_on", "-id"]

    def __str__(self):
        return f"检查 {self.pk} · {self.organization}"

    def on_transition(self, name, before, after, inputs, actor=None):
        from django.utils import timezone

        if name == "start":
            self.started_at = timezone.now()
        if name == "complete":
            self.finished_at = timezone.now()
            if inputs and inputs.get("comment") and not self.summary:
                self.summary = inputs["comment"]


class InspectionPart(DomainModel):
    """A part of a check: the check's region and enterprise, copied on save (and listed on the
    enterprise's page)."""

    scope_parent = "inspection"
    scope_organization = "organization"

    class Meta:
        abstract = True


class InspectionItem(InspectionPart):
    """One checklist point of a check (from its matter), answered on site."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查记录", on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查要点", max_length=300)
    answer = models.CharField("检查结果", max_length=16, choices=Answer.choices, default=Answer.UNANSWERED,
                              db_index=True)
    note = models.CharField("情况说明", max_length=300, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey(Organization, verbose_name="被检查单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查要点"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="inspection_item_number_once")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class Finding(InspectionPart):
    """A problem found on site (发现问题). One action makes it a hidden hazard on the hazards closed loop
    (the hazard links back through ``hazard``); or it becomes a case (the cases half of this app)."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查记录", on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(InspectionItem, verbose_name="对应检查要点", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="findings")
    description = models.TextField("问题描述")
    clause = models.CharField("违反的规定", max_length=200, blank=True)
    hazard = models.OneToOneField("hazards.Hazard", verbose_name="转为隐患", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="inspection_finding", editable=False)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey(Organization, verbose_name="被检查单位", null=True, on_delete=models.PROTECT,
                                     related_name="inspection_findings", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查发现问题"
        ordering = ["-id"]

    def __str__(self):
        return self.description[:40]


class Evidence(InspectionPart):
    """An evidence photo of a check: the file (an attachment of the check), when and where it was taken
    (the device's clock and position where the browser gave them)."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查记录", on_delete=models.CASCADE, related_name="evidence")
    finding = models.ForeignKey(Finding, verbose_name="对应问题", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="evidence")
    attachment = models.OneToOneField("core.Attachment", verbose_name="照片", null=True, on_delete=models.SET_NULL,
                                      related_name="+", editable=False)
    taken_at = models.DateTimeField("拍摄时间")
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    accuracy_m = models.FloatField("定位精度（米）", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey(Organization, verbose_name="被检查单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查取证照片"
        ordering = ["-taken_at"]

    def __str__(self):
        return f"取证照片 {self.pk}"


from yingji.supervision.casemodels import CaseDocument, CaseRule, EnforcementCase  # noqa: E402,F401  (the cases half)
from yingji.supervision.checkpapermodels import CheckPaper  # noqa: E402,F401  (the check's papers)
