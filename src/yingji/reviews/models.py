"""调查评估与复盘: accident investigations (事故调查, "四不放过", responsibility findings, the 回头看 a
year on), disaster and post-event reviews (灾害调查评估, 复盘), drill evaluations (AQ/T 9009: criteria,
timed observations, self-assessment, scores), overdue-drill alerts, and the one tracked measure
(整改措施) every one of them hands its problems to: 待落实 → 已落实 → 复核 → 销号."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from yingji.core.models import DomainModel, Organization, Region, ScopedPart
from yingji.reviews.choices import (
    AlertState,
    EvaluationState,
    InvestigationState,
    LiabilityKind,
    LookbackState,
    MeasureState,
    ReviewKind,
    ReviewState,
    RuleKey,
    SelfRating,
    SubjectKind,
)


def _number(model, prefix):
    from yingji.core.framework import numbering

    return numbering.dated_number(model, "number", prefix, 3, sep="-")


class IntervalRule(DomainModel):
    """A jurisdiction's own interval (回头看, drill frequency) from its document; the nearest region's row
    wins, else the national default (data/review-rules.json)."""

    scope_shared_down = True

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    key = models.CharField("期限", max_length=30, choices=RuleKey.choices)
    months = models.PositiveSmallIntegerField("月数", validators=[MinValueValidator(1), MaxValueValidator(120)])
    source = models.CharField("依据文件", max_length=300)
    confirmed = models.BooleanField("已对照原文核实", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估期限规则"
        ordering = ["region", "key"]
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="reviews_interval_once_per_region")]

    def __str__(self):
        return f"{self.get_key_display()}（{self.region}）{self.months} 个月"


# ---- accident investigation (事故调查) -----------------------------------------------------------

FOUR_ITEMS = (("cause_found", "事故原因查清"), ("responsible_handled", "责任人员处理"),
              ("people_educated", "整改措施落实与群众受教育"), ("measures_taken", "防范措施落实"))


class Investigation(DomainModel):
    """事故调查 of one production-safety accident: the team, 提级调查 and 挂牌督办, the "四不放过" findings."""

    scope_organization = "organization"
    creator_field = "created_by"

    number = models.CharField("调查编号", max_length=20, unique=True, editable=False)
    incident = models.ForeignKey("incidents.Incident", verbose_name="事故", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+", editable=False)
    organization = models.ForeignKey(Organization, verbose_name="事故发生单位", null=True, blank=True, editable=False,
                                     on_delete=models.PROTECT, related_name="+")
    led_by = models.CharField("组织调查的人民政府", max_length=100,
                              help_text="如：长沙市人民政府（较大事故由设区的市级人民政府负责调查）")
    leader = models.CharField("调查组组长", max_length=64)
    members = models.TextField("调查组成员", help_text="姓名和单位，一行一人")
    units = models.TextField("参加调查单位", help_text="应急管理、公安、工会、有关行业主管部门、纪检监察机关等")
    upgraded = models.BooleanField("提级调查", default=False)
    upgraded_note = models.CharField("提级调查说明", max_length=200, blank=True)
    supervised = models.BooleanField("挂牌督办", default=False)
    supervised_by = models.CharField("挂牌督办单位", max_length=100, blank=True)
    started_on = models.DateField("调查开始日期", default=timezone.localdate)
    # "四不放过": each must be written before the report can be submitted or closed.
    cause_found = models.TextField("事故原因查清", blank=True, help_text="直接原因和间接原因")
    responsible_handled = models.TextField("责任人员处理", blank=True, help_text="对事故责任人员和单位的处理意见（详见责任认定）")
    people_educated = models.TextField("有关人员受到教育", blank=True, help_text="警示教育、通报、约谈等")
    measures_taken = models.TextField("防范措施落实", blank=True, help_text="防范和整改措施（逐条登记为整改措施跟踪落实）")
    nature = models.CharField("事故性质", max_length=100, blank=True, help_text="如：一起较大生产安全责任事故")
    state = models.CharField("状态", max_length=14, choices=InvestigationState.choices,
                             default=InvestigationState.INVESTIGATING, editable=False)
    closed_on = models.DateField("结案（报告批复）日期", null=True, blank=True, editable=False)
    lookback_from = models.DateField("回头看开始日期", null=True, blank=True, editable=False)
    lookback_due = models.DateField("回头看完成期限", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "事故调查"
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.incident.title}" if self.number else "新事故调查"

    def clean(self):
        super().clean()
        if self.incident_id:
            if self.incident.category != "accident":
                raise ValidationError({"incident": "事故调查只适用于生产安全事故（事故灾难类事件）"})
            self.region_id, self.organization_id = self.incident.region_id, self.incident.organization_id
        if self.supervised and not self.supervised_by.strip():
            raise ValidationError({"supervised_by": "挂牌督办须填写督办单位"})

    def save(self, *args, **kwargs):
        if self.incident_id:
            self.region_id, self.organization_id = self.incident.region_id, self.incident.organization_id
        if not self.number:
            self.number = _number(Investigation, "DC")
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        if name == "approve":
            from yingji.reviews import services

            services.investigation_closed(self, timezone.localdate())

    def missing_items(self) -> list[str]:
        return [label for name, label in FOUR_ITEMS if not getattr(self, name).strip()]


class Responsibility(ScopedPart):
    """责任认定: a person or unit held responsible, and what is proposed."""

    scope_parent = "investigation"

    investigation = models.ForeignKey(Investigation, verbose_name="事故调查", on_delete=models.CASCADE,
                                      related_name="responsibilities")
    subject = models.CharField("责任人或单位", max_length=100)
    subject_kind = models.CharField("类别", max_length=8, choices=SubjectKind.choices, default=SubjectKind.PERSON)
    position = models.CharField("单位及职务", max_length=100, blank=True)
    kind = models.CharField("处理类别", max_length=16, choices=LiabilityKind.choices)
    finding = models.TextField("认定事实与处理意见")

    class Meta:
        verbose_name = verbose_name_plural = "事故责任认定"
        ordering = ["investigation", "kind", "pk"]

    def __str__(self):
        return f"{self.subject}（{self.get_kind_display()}）"


class Lookback(ScopedPart):
    """整改措施落实情况评估 ("回头看"): opened by the periodic job when the window opens after 结案."""

    scope_parent = "investigation"

    investigation = models.ForeignKey(Investigation, verbose_name="事故调查", on_delete=models.PROTECT,
                                      related_name="lookbacks")
    opens_on = models.DateField("评估开始日期", editable=False)
    due_on = models.DateField("评估完成期限", editable=False)
    basis = models.CharField("期限依据", max_length=300, editable=False, blank=True)
    state = models.CharField("状态", max_length=8, choices=LookbackState.choices, default=LookbackState.DUE,
                             editable=False)
    conclusion = models.TextField("评估结论", blank=True, editable=False)
    done_on = models.DateField("完成日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "整改落实情况评估（回头看）"
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.investigation.incident.title} 回头看"

    def on_transition(self, name, before, after, inputs, actor=None):
        if name == "complete":
            self.conclusion, self.done_on = inputs.get("conclusion", ""), timezone.localdate()


# ---- disaster and post-event review (灾害调查评估, 复盘) -----------------------------------------

class Review(DomainModel):
    """灾害调查评估 or 复盘 of an incident or a 灾情事件: the timeline and figures are assembled from the
    platform's records (services.assemble) and kept as they were when it was finalised."""

    creator_field = "created_by"

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    kind = models.CharField("类别", max_length=12, choices=ReviewKind.choices, default=ReviewKind.POST_EVENT)
    title = models.CharField("名称", max_length=150)
    incident = models.ForeignKey("incidents.Incident", verbose_name="突发事件", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)
    team = models.TextField("评估组", blank=True)
    findings = models.TextField("主要经验和问题", blank=True)
    conclusion = models.TextField("评估结论", blank=True)
    state = models.CharField("状态", max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFTING,
                             editable=False)
    snapshot = models.JSONField("定稿时的时间线和数据", default=dict, blank=True, editable=False)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "复盘与灾害调查评估"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else "新复盘"

    def _place(self):
        """The review belongs where its incident or event does (set once: it is not editable)."""
        if self.region_id:
            return
        if self.incident_id:
            self.region_id = self.incident.region_id
        elif self.event_id:
            self.region_id = self.event.region_id

    def clean(self):
        super().clean()
        if not self.incident_id and not self.event_id:
            raise ValidationError({"incident": "请选择所评估的突发事件或灾情事件"})
        self._place()

    def on_transition(self, name, before, after, inputs, actor=None):
        if name == "finalise":
            from yingji.reviews import services

            services.finalise_snapshot(self)

    def save(self, *args, **kwargs):
        self._place()
        if not self.number:
            self.number = _number(Review, "FP")
        super().save(*args, **kwargs)


# ---- drill evaluation (演练评估, AQ/T 9009) ------------------------------------------------------

class DrillEvaluation(ScopedPart):
    """演练评估 of one drill of a plan: criteria from the plan's tasks and command structure, timed
    observations, participants' self-assessment, the score."""

    scope_parent = "drill"

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    drill = models.ForeignKey("incidents.Drill", verbose_name="演练", on_delete=models.PROTECT, related_name="+")
    lead_evaluator = models.CharField("评估组组长", max_length=64)
    evaluators = models.TextField("评估人员", blank=True)
    started_at = models.DateTimeField("演练开始时间", null=True, blank=True, editable=False)
    ended_at = models.DateTimeField("演练结束时间", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=10, choices=EvaluationState.choices, default=EvaluationState.PLANNED,
                             editable=False)
    score = models.DecimalField("总分", max_digits=5, decimal_places=1, null=True, blank=True, editable=False)
    grade = models.CharField("评估等级", max_length=8, blank=True, editable=False)
    coverage = models.DecimalField("评估覆盖（%权重）", max_digits=5, decimal_places=1, null=True, blank=True,
                                   editable=False)
    conclusion = models.TextField("评估结论", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "演练评估"
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.number} {self.drill}" if self.number else "新演练评估"

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = _number(DrillEvaluation, "PG")
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        if name == "start":
            self.started_at = timezone.now()
        elif name == "finish":
            from yingji.reviews import services

            self.ended_at = timezone.now()
            result = services.score(self)
            self.score, self.grade, self.coverage = result.total, result.grade, result.coverage


class Criterion(ScopedPart):
    """一项评估标准: what is judged, its weight and time limit (from the plan's task list)."""

    scope_parent = "evaluation"

    evaluation = models.ForeignKey(DrillEvaluation, verbose_name="演练评估", on_delete=models.CASCADE,
                                   related_name="criteria")
    position = models.PositiveSmallIntegerField("序号", default=1)
    section = models.CharField("评估项目", max_length=40)
    text = models.CharField("评估内容", max_length=200)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=1, default=Decimal("10"),
                                 validators=[MinValueValidator(0)])
    limit_minutes = models.PositiveIntegerField("时限（分钟）", null=True, blank=True,
                                                help_text="自演练开始起；超时的观察按折减系数计分")
    source = models.CharField("来源", max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "演练评估标准"
        ordering = ["evaluation", "position"]

    def __str__(self):
        return f"{self.position}. {self.section}：{self.text}"


class Observation(ScopedPart):
    """A timed observation entered during the drill (on a phone): which criterion, the score, what was seen."""

    scope_parent = "evaluation"

    evaluation = models.ForeignKey(DrillEvaluation, verbose_name="演练评估", on_delete=models.CASCADE,
                                   related_name="observations")
    criterion = models.ForeignKey(Criterion, verbose_name="评估标准", on_delete=models.CASCADE, related_name="observations")
    at = models.DateTimeField("记录时间", default=timezone.now, editable=False)
    score = models.PositiveSmallIntegerField("得分", validators=[MaxValueValidator(100)])
    note = models.CharField("观察情况", max_length=300, blank=True)
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评估人", null=True, blank=True, editable=False,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "演练观察记录"
        ordering = ["evaluation", "at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%H:%M} {self.criterion.section} {self.score} 分"

    @property
    def minutes(self) -> float | None:
        start = self.evaluation.started_at
        return None if start is None else (self.at - start).total_seconds() / 60


class SelfAssessment(ScopedPart):
    """参演单位自评."""

    scope_parent = "evaluation"

    evaluation = models.ForeignKey(DrillEvaluation, verbose_name="演练评估", on_delete=models.CASCADE,
                                   related_name="self_assessments")
    unit = models.CharField("参演单位", max_length=100)
    rating = models.CharField("自评", max_length=6, choices=SelfRating.choices)
    strengths = models.TextField("做得好的方面", blank=True)
    problems = models.TextField("存在的问题", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参演单位自评"
        ordering = ["evaluation", "pk"]

    def __str__(self):
        return f"{self.unit}：{self.get_rating_display()}"


class DrillAlert(ScopedPart):
    """演练逾期提醒: a plan whose next drill is past due (the job opens it; a drill recorded closes it)."""

    scope_parent = "plan"

    plan = models.ForeignKey("incidents.Plan", verbose_name="预案", on_delete=models.CASCADE, related_name="+")
    last_drill_on = models.DateField("上次演练日期", null=True, blank=True, editable=False)
    due_on = models.DateField("应演练日期", editable=False)
    basis = models.CharField("依据", max_length=300, editable=False, blank=True)
    state = models.CharField("状态", max_length=10, choices=AlertState.choices, default=AlertState.OPEN, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "演练逾期提醒"
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.plan.name} 演练逾期（应于 {self.due_on:%Y-%m-%d} 前）"


# ---- the tracked measure (整改措施) ---------------------------------------------------------------

class Measure(DomainModel):
    """整改措施: a problem found by an investigation, a review or a drill evaluation, what is to be done,
    by whom and by when; 待落实 → 已落实 (with evidence) → 复核 (pass / return) → 销号."""

    scope_organization = "organization"
    creator_field = "created_by"

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    investigation = models.ForeignKey(Investigation, verbose_name="来源：事故调查", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="measures")
    review = models.ForeignKey(Review, verbose_name="来源：复盘评估", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="measures")
    evaluation = models.ForeignKey(DrillEvaluation, verbose_name="来源：演练评估", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="measures")
    problem = models.TextField("发现的问题", blank=True)
    content = models.TextField("整改措施")
    organization = models.ForeignKey(Organization, verbose_name="责任单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    department_name = models.CharField("责任单位（名称）", max_length=100, blank=True,
                                       help_text="不在单位库中的部门填写名称")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+", blank=True,
                               help_text="责任单位所在区划（选择了责任单位时按其区划）")
    supervisor = models.CharField("督办单位", max_length=100, blank=True, help_text="负责复核销号的部门")
    deadline = models.DateField("完成期限")
    state = models.CharField("状态", max_length=10, choices=MeasureState.choices, default=MeasureState.PENDING,
                             editable=False)
    evidence = models.TextField("落实情况及佐证", blank=True, editable=False)
    done_at = models.DateTimeField("落实时间", null=True, blank=True, editable=False)
    verified_at = models.DateTimeField("复核时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "整改措施"
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"{self.number} {self.content[:40]}" if self.number else "新整改措施"

    @property
    def source(self):
        return self.investigation or self.review or self.evaluation

    @property
    def owner(self) -> str:
        return self.organization.name if self.organization_id else self.department_name

    def clean(self):
        super().clean()
        given = [x for x in (self.investigation_id, self.review_id, self.evaluation_id) if x]
        if len(given) != 1:
            raise ValidationError({"investigation": "请选择一个来源：事故调查、复盘评估或演练评估"})
        if not self.organization_id and not self.department_name.strip():
            raise ValidationError({"department_name": "请选择责任单位或填写其名称"})
        if self.organization_id:
            self.region_id = self.organization.region_id
        if not self.region_id:
            raise ValidationError({"region": "请选择责任单位所在区划"})

    def save(self, *args, **kwargs):
        if self.organization_id and not self.region_id:
            self.region_id = self.organization.region_id
        if not self.number:
            self.number = _number(Measure, "ZG")
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        now = timezone.now()
        if name == "report_done":
            self.evidence, self.done_at = inputs.get("evidence", ""), now
        elif name == "pass_review":
            self.verified_at = now
        elif name == "return_back":
            self.done_at = None
        elif name == "close":
            self.closed_at = now
