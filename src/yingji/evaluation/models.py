"""Plan evaluation (规划评估): the county's plans (规划) with their indicator tables, key projects and
tasks; the yearly base statistics the indicators divide by (GDP, population …) with their source;
evaluation reports (年度监测, 中期评估, 总结评估) with a public-comment period; and weighted composite
indices (安全发展指数, 防汛防台综合指数) whose components and weights are data.

An indicator's formula names series: those the apps count from their own records (declared as
``SeriesSource`` in their AppConfig: deaths, accidents by grade, disaster losses …) and the base
statistics entered here. The arithmetic is indicators.py's (pure)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from yingji.core.framework.moneyfields import YuanField
from yingji.core.models import DomainModel, Region, ScopedPart
from yingji.evaluation.choices import (
    Aggregate,
    Binding,
    EvaluationKind,
    EvaluationState,
    ProjectState,
    TargetKind,
    TaskState,
)

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


def _series_list(value, field: str):
    from yingji.evaluation import services

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: "应为序列代码的列表，如 [\"accident_deaths\"]"})
    unknown = [v for v in value if v not in services.series_catalogue()]
    if unknown:
        raise ValidationError({field: f"未知序列 {'、'.join(unknown)}；可用序列见“基础统计数据”的指标代码说明"})



def _series_choices():
    """The series a statistic may be entered for, by their Chinese names and units (the key stays in the API)."""
    from yingji.evaluation import services

    return [(key, f"{s.label}（{s.unit}）" if s.unit else s.label) for key, s in services.series_catalogue().items()]

class BaseStatistic(DomainModel):
    """A yearly figure entered with its source: GDP, population, 工矿商贸 employees … or, for a year the
    platform's records do not cover (before it was used), a figure the records would give. An entered
    figure wins over the records' own count for that region and year (the official statistic)."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份", validators=YEAR)
    code = models.CharField("统计指标", max_length=40, choices=_series_choices,
                            help_text="平台记录计数的和按年录入的统计指标（如地区生产总值、常住人口）")
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    source = models.CharField("数据来源", max_length=200, help_text="如：浏阳市2023年国民经济和社会发展统计公报")
    confirmed = models.BooleanField("已核实", default=False, help_text="与来源原文核对过的打勾；示例或估算数据不打勾")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "基础统计数据"
        ordering = ["region", "code", "year"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "code"], name="evaluation_stat_unique")]

    def __str__(self):
        return f"{self.region} {self.year}年 {self.get_code_display()}"

    def clean(self):
        super().clean()
        from yingji.evaluation import services

        if self.code and self.code not in services.series_catalogue():
            raise ValidationError({"code": f"未知统计指标 {self.code}"})

    def display_code(self) -> str:
        from yingji.evaluation import services

        s = services.series_catalogue().get(self.code)
        return f"{s.label}（{s.unit}）" if s else self.code


class DevelopmentPlan(DomainModel):
    """A plan a county works under (“十四五”应急体系规划): its period, base year and issuer."""

    scope_shared_down = True  # the townships read the county's plan (they own tasks in it)
    creator_field = "created_by"

    title = models.CharField("规划名称", max_length=120)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField("印发机关", max_length=100)
    document_number = models.CharField("文号", max_length=60, blank=True)
    period_start = models.PositiveSmallIntegerField("规划期起始年", validators=YEAR)
    period_end = models.PositiveSmallIntegerField("规划期末年", validators=YEAR)
    base_year = models.PositiveSmallIntegerField("基期年", validators=YEAR)
    lead_office = models.CharField("牵头单位", max_length=100, blank=True, help_text="负责监测评估的科室或单位")
    margin_pct = models.DecimalField("预警容差（%）", max_digits=5, decimal_places=1, default=10,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)],
                                     help_text="落后于直线进度不超过基期到目标差距的该比例为黄灯，超过为红灯"
                                               "（平台默认 10，未核实）")
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "规划"
        ordering = ["-period_start", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "规划期末年不能早于起始年"})
        if self.base_year and self.period_start and self.base_year >= self.period_start:
            raise ValidationError({"base_year": "基期年应早于规划期起始年（如“十四五”基期为2020年）"})

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


class PlanIndicator(ScopedPart):
    """One line of a plan's indicator table: its formula over named series and its target."""

    scope_parent = "plan"
    scope_organization = None  # a plan belongs to a region, not to an organization
    scope_shared_down = True  # as its plan: the townships read it

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="规划", on_delete=models.CASCADE, related_name="indicators")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    area = models.CharField("领域", max_length=20, blank=True, help_text="如：安全生产、防灾减灾、应急救援")
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("单位", max_length=20, blank=True)
    numerator = models.JSONField("分子序列", default=list, help_text='序列代码列表，相加，如 ["accident_deaths"]')
    denominator = models.JSONField("分母序列", default=list, blank=True, help_text="不填为 1")
    factor = models.DecimalField("系数", max_digits=14, decimal_places=4, default=1,
                                 help_text="百分比填 100，每十万人填 100000，每百万人填 1000000")
    aggregate = models.CharField("计算口径", max_length=8, choices=Aggregate.choices, default=Aggregate.YEAR)
    base_value = models.DecimalField("基期值", max_digits=20, decimal_places=6, null=True, blank=True,
                                     help_text="规划文本中的基期值；不填按基期年的序列计算")
    target_kind = models.CharField("目标类型", max_length=12, choices=TargetKind.choices)
    target_value = models.DecimalField("目标值", max_digits=20, decimal_places=6,
                                       help_text="“较基期变化”填百分数，下降为负（下降15%填 -15）")
    binding = models.CharField("属性", max_length=10, choices=Binding.choices, default=Binding.EXPECTED)
    owner = models.CharField("责任单位", max_length=100, blank=True)
    target_source = models.CharField("目标依据", max_length=200, blank=True, help_text="规划文本及条目，或上级规划")
    confirmed = models.BooleanField("目标已核实", default=False, help_text="与规划原文核对过的打勾")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规划指标"
        ordering = ["plan", "seq"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.denominator is None:  # an empty cell of an imported sheet: no denominator
            self.denominator = []
        _series_list(self.numerator, "numerator")
        if not self.numerator:
            raise ValidationError({"numerator": "至少一个分子序列"})
        _series_list(self.denominator or [], "denominator")
        if self.factor is not None and self.factor <= 0:
            raise ValidationError({"factor": "系数应大于 0"})


class PlanProject(ScopedPart):
    """A key project (重点工程/项目库) of a plan: who builds it, when, how far it is."""

    scope_parent = "plan"
    scope_organization = None  # a plan belongs to a region, not to an organization
    scope_shared_down = True  # as its plan: the townships read it

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="规划", on_delete=models.CASCADE, related_name="projects")
    name = models.CharField("工程（项目）名称", max_length=120)
    programme = models.CharField("所属重点工程", max_length=100, blank=True, help_text="如：应急指挥能力提升工程")
    owner = models.CharField("责任单位", max_length=100)
    start_year = models.PositiveSmallIntegerField("开工年", validators=YEAR)
    end_year = models.PositiveSmallIntegerField("完工年", validators=YEAR)
    investment_cny = YuanField("计划投资（万元）", null=True, blank=True)
    state = models.CharField("进展", max_length=10, choices=ProjectState.choices, default=ProjectState.PLANNED)
    progress_pct = models.PositiveSmallIntegerField("完成进度（%）", default=0, validators=[MaxValueValidator(100)])
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规划重点项目"
        ordering = ["plan", "programme", "start_year", "name"]

    def __str__(self):
        return self.name


class PlanTask(ScopedPart):
    """A task (主要任务) of a plan with its owner and due date."""

    scope_parent = "plan"
    scope_organization = None  # a plan belongs to a region, not to an organization
    scope_shared_down = True  # as its plan: the townships read it

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="规划", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("任务", max_length=200)
    owner = models.CharField("责任单位", max_length=100)
    due_on = models.DateField("完成时限")
    state = models.CharField("状态", max_length=8, choices=TaskState.choices, default=TaskState.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规划任务"
        ordering = ["plan", "due_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.state == TaskState.DONE and not self.done_on:
            raise ValidationError({"done_on": "已完成的任务请填写完成日期"})


class Evaluation(ScopedPart):
    """An evaluation report of a plan (年度监测, 中期评估, 总结评估): the indicator results are computed
    when the report is generated (kept in ``results``), the words are the planning office's."""

    scope_parent = "plan"
    scope_organization = None  # a plan belongs to a region, not to an organization
    scope_shared_down = True  # as its plan: the townships read it
    creator_field = "created_by"

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="规划", on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField("评估类别", max_length=8, choices=EvaluationKind.choices)
    year = models.PositiveSmallIntegerField("评估年度", validators=YEAR, help_text="数据截至的年份")
    title = models.CharField("报告标题", max_length=150)
    summary = models.TextField("总体评价", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下一步措施", blank=True)
    comment_from = models.DateField("征求意见开始", null=True, blank=True)
    comment_until = models.DateField("征求意见截止", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT,
                             editable=False)
    results = models.JSONField("计算结果", default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField("计算时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "规划评估报告"
        ordering = ["plan", "-year", "kind"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.comment_from and self.comment_until and self.comment_until < self.comment_from:
            raise ValidationError({"comment_until": "征求意见截止日期不能早于开始日期"})
        if self.plan_id and self.year and not (self.plan.base_year <= self.year <= self.plan.period_end + 1):
            raise ValidationError({"year": f"评估年度应在 {self.plan.base_year}–{self.plan.period_end + 1} 之间"})


class PublicComment(ScopedPart):
    """A comment on a draft evaluation, from its public page (no login)."""

    scope_parent = "evaluation"
    scope_organization = None

    evaluation = models.ForeignKey(Evaluation, verbose_name="评估报告", on_delete=models.CASCADE,
                                   related_name="comments")
    name = models.CharField("姓名或单位", max_length=64, blank=True)
    contact = models.CharField("联系方式", max_length=40, blank=True)
    text = models.TextField("意见建议", max_length=2000)
    client_hash = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估公众意见"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.evaluation} 的意见 #{self.pk}"


class CompositeIndex(DomainModel):
    """A weighted composite (安全发展指数, 防汛防台综合指数) computed per township and year: its components
    (each a formula over series, a weight, a direction, optional fixed bounds) are data, with their source."""

    name = models.CharField("指数名称", max_length=60)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+",
                               help_text="在其下属乡镇（街道）之间计算和排名")
    components = models.JSONField(
        "构成与权重", default=list,
        help_text='[{"key", "label", "weight", "higher_is_better", "numerator": [...], "denominator": [...], '
                  '"factor", "lo", "hi"}]')
    source = models.CharField("权重依据", max_length=300)
    confirmed = models.BooleanField("权重已核实", default=False)
    note = models.TextField("计算说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "综合指数"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="evaluation_index_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        comps = self.components
        if not isinstance(comps, list) or not comps:
            raise ValidationError({"components": "至少一个构成项"})
        keys = set()
        for n, c in enumerate(comps, 1):
            if not isinstance(c, dict) or not c.get("key") or not c.get("label"):
                raise ValidationError({"components": f"第{n}项缺少 key 或 label"})
            if c["key"] in keys:
                raise ValidationError({"components": f"第{n}项的 key {c['key']} 重复"})
            keys.add(c["key"])
            try:
                if float(c.get("weight", 0)) <= 0:
                    raise ValueError
            except (TypeError, ValueError):
                raise ValidationError({"components": f"第{n}项（{c['label']}）的权重应为正数"}) from None
            _series_list(c.get("numerator") or [], "components")
            _series_list(c.get("denominator") or [], "components")
            if not c.get("numerator"):
                raise ValidationError({"components": f"第{n}项（{c['label']}）缺少分子序列"})
