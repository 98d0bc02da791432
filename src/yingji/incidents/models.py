"""Response and command records: duty shifts and log, incidents with their grade, reporting
deadlines, reports, timeline, plans (levels, trigger rules, checklists), drills, responses, tasks.

An incident's grade is computed on save from its figures by the pure engines (grading.py,
matching.py); the services (services.py) own intake, reports, activation and level changes and
write every step on the incident's timeline."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from yingji.core.framework import geo, money, numbering
from yingji.core.framework.moneyfields import YuanField
from yingji.core.framework.validators import validate_phone
from yingji.core.models import DomainModel, GeoPoint, Organization, Person, Region, ScopedPart, ScopedQuerySet
from yingji.incidents import event_types, grading, matching, reporting
from yingji.incidents.workflow import (
    DISPATCH_CLOSED,
    DISPATCH_FLOW,
    INCIDENT_FLOW,
    REPORT_FLOW,
    RESPONSE_FLOW,
    TASK_FLOW,
)

LEVEL_CHOICES = [(k, v) for k, v in matching.LEVEL_LABELS.items()]


def loss_text(yuan) -> str:
    """"1,234.567（12,345,670 元）" on record pages: the 万元 people use and the exact yuan kept."""
    return f"{money.wan_text(yuan, grouped=True)}（{money.yuan_text(yuan)} 元）" if yuan is not None else ""


def validate_event_type(value: str):
    try:
        event_types.get(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def validate_event_types(value: str):
    for code in codes_of(value):
        validate_event_type(code)


def codes_of(text: str) -> list[str]:
    return [c for c in re.split(r"[,，、\s]+", text or "") if c]


# ---- duty (值班值守) ---------------------------------------------------------------------------

class DutyShift(DomainModel):
    """One shift of the duty roster (值班表): who leads, who answers the phone, and the handover."""

    region = models.ForeignKey(Region, verbose_name="值班区划", on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField("值班日期", db_index=True)
    shift = models.CharField("班次", max_length=8, choices=[("day", "白班"), ("night", "夜班"), ("all", "全天")],
                             default="all")
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间", db_index=True)
    leader = models.ForeignKey(Person, verbose_name="带班领导", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, verbose_name="值班员", on_delete=models.PROTECT, related_name="+")
    assistant = models.ForeignKey(Person, verbose_name="副班", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    phone = models.CharField("值班电话", max_length=20, validators=[validate_phone])
    handover_note = models.TextField("交接班记录", blank=True,
                                     help_text="交班时填写：未办结事项、重要来电、需接班人员跟进的工作")

    class Meta:
        verbose_name = verbose_name_plural = "值班表"
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.date} {self.get_shift_display()}（{self.leader.name}/{self.officer.name}）"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间应晚于开始时间"})


class DutyLog(DomainModel):
    """The duty log (值班日志): every call and action at the desk, in order."""

    KINDS = [("call_in", "来电"), ("call_out", "去电"), ("action", "处置"), ("handover", "交接班"), ("other", "其他")]
    region = models.ForeignKey(Region, verbose_name="值班区划", on_delete=models.PROTECT, related_name="duty_logs")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("类别", max_length=12, choices=KINDS, default="call_in")
    counterpart = models.CharField("来电人/单位", max_length=64, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True, validators=[validate_phone])
    summary = models.TextField("内容")
    incident = models.ForeignKey("Incident", verbose_name="关联事件", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="duty_logs")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, editable=False,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "值班日志"
        ordering = ["-at"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%m-%d %H:%M} {self.get_kind_display()} {self.summary[:20]}"


# ---- incidents (突发事件) -----------------------------------------------------------------------

SOURCES = [("phone", "电话"), ("alarm", "系统报警"), ("warning", "预警"), ("superior", "上级通报"),
           ("public", "群众报告"), ("social_force", "社会力量"), ("below", "下级报送")]


class Incident(DomainModel, GeoPoint):
    scope_organization = "organization"

    number = models.CharField("事件编号", max_length=20, unique=True, editable=False)
    title = models.CharField("事件名称", max_length=120, help_text="如：某化工公司储罐泄漏事故")
    event_type = models.CharField("事件类型", max_length=5, validators=[validate_event_type],
                                  help_text="GB/T 35561 突发事件类型代码")
    occurred_at = models.DateTimeField("发生时间")
    received_at = models.DateTimeField("接报时间", default=timezone.now, help_text="报告时限从此刻起算")
    address = models.CharField("发生地点", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="incidents")
    organization = models.ForeignKey(Organization, verbose_name="事发单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="incidents")
    source = models.CharField("信息来源", max_length=12, choices=SOURCES, default="phone")
    reporter = models.CharField("报告人", max_length=64, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True, validators=[validate_phone])
    deaths = models.PositiveIntegerField("死亡（人）", default=0)
    missing = models.PositiveIntegerField("失踪（人）", default=0)
    injured = models.PositiveIntegerField("重伤（人）", default=0, help_text="含急性工业中毒")
    trapped = models.PositiveIntegerField("被困（人）", default=0)
    relocated = models.PositiveIntegerField("紧急转移安置（人）", default=0)
    houses_collapsed = models.PositiveIntegerField("倒塌和严重损坏房屋（间）", default=0)
    direct_loss_cny = YuanField("直接经济损失（万元）", null=True, blank=True, help_text=(
        "初步估计；不清楚可暂不填。按万元填写，可精确到分（如 1234.567）；也可注明单位，如“12345670元”"))
    description = models.TextField("事件概况", help_text="发生经过、现场情况")
    affected_area = models.TextField(
        "影响范围（多边形或圆）", blank=True,
        help_text="在地图上画出受影响的区域（画圆或画多边形）；态势图按此范围向外查询周边风险和资源")
    measures = models.TextField("已采取措施", blank=True)
    alarm = models.ForeignKey("monitoring.Alarm", verbose_name="来源报警", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="incidents")
    warning = models.ForeignKey("warnings.Warning", verbose_name="来源预警", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="incidents")
    grade = models.CharField("事件等级", max_length=20, editable=False, blank=True)
    grade_label = models.CharField("等级", max_length=20, editable=False, blank=True)
    grade_reason = models.CharField("定级依据", max_length=300, editable=False, blank=True)
    state = models.CharField("状态", max_length=12, default="received", editable=False,
                             choices=list(INCIDENT_FLOW.states.items()))
    closed_summary = models.TextField("处置总结", blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "突发事件"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.number} {self.title}"

    # ---- derived -------------------------------------------------------------------------------
    @property
    def type(self) -> event_types.EventType:
        return event_types.get(self.event_type)

    @property
    def category(self) -> str:
        return self.type.category

    def display_event_type(self) -> str:
        return f"{self.event_type} {event_types.path(self.event_type)}"

    def display_grade(self) -> str:
        return self.grade_label

    def display_direct_loss_cny(self) -> str:
        return loss_text(self.direct_loss_cny)

    @property
    def direct_loss_wan(self) -> str:
        """The loss in 万元 as people read it ("1,234.567"), "" when not given."""
        return money.wan_text(self.direct_loss_cny, grouped=True)

    def figures(self) -> dict:
        """The figures plan rules and grading read (matching.FIGURES)."""
        return {"deaths": self.deaths, "missing": self.missing, "deaths_missing": self.deaths + self.missing,
                "injured": self.injured, "trapped": self.trapped, "relocated": self.relocated,
                "houses_collapsed": self.houses_collapsed,
                "direct_loss": money.yuan_to_wan(self.direct_loss_cny) or 0}  # plan rules speak 万元, exactly

    def compute_grade(self):
        """Accidents: the grade by 493号令; natural disasters: the relief response level suggested by
        the national thresholds (a matched plan's own rules are shown beside it)."""
        if self.category == "accident":
            g = grading.accident_grade(self.deaths, self.injured, self.direct_loss_cny or 0, self.missing)
            return g.code, g.label, g.reason
        if self.category == "natural":
            r = grading.relief_level({"deaths_missing": self.deaths + self.missing, "relocated": self.relocated,
                                      "houses_rooms": self.houses_collapsed})
            return r.level or "", r.label if r.level else "未达到国家救助响应条件", r.reason
        return "", "待研判", "公共卫生和社会安全事件由主管部门定级"

    def area_shape(self):
        """The affected area as a Shapely polygon in degrees, or None when not drawn."""
        return geo.parse_area(self.affected_area, "影响范围") if self.affected_area.strip() else None

    def clean(self):
        super().clean()
        if self.affected_area.strip():
            try:
                self.area_shape()
            except ValueError as exc:
                raise ValidationError({"affected_area": str(exc)}) from None
        now = timezone.now() + datetime.timedelta(minutes=5)
        if self.occurred_at and self.occurred_at > now:
            raise ValidationError({"occurred_at": "发生时间不能晚于现在"})
        if self.occurred_at and self.received_at and self.received_at < self.occurred_at:
            raise ValidationError({"received_at": "接报时间不能早于发生时间"})

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the day's serial is held from numbering until the incident is written
            if not self.number:  # SJ + the day received + its serial that day: SJ20261123007
                self.number = numbering.dated_number(Incident, "number", "SJ", 3, self.received_at)
            before = Incident.objects.filter(pk=self.pk).values_list("grade_label", flat=True).first() if self.pk else None
            self.grade, self.grade_label, self.grade_reason = self.compute_grade()
            self.grade_reason = self.grade_reason[:300]
            super().save(*args, **kwargs)
        if before is not None and before != self.grade_label:
            from yingji.incidents import services

            services.grade_changed(self, before)


    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.incidents import services

        if name == "close":
            self.closed_summary = inputs.get("comment", "")
            services.log(self, "decision", f"事件处置结束：{self.closed_summary}", actor)
        elif name == "dismiss":
            services.log(self, "decision", f"核销（误报）：{inputs.get('reason', '')}", actor)


class ReportingDeadline(models.Model):
    """One reporting clock of an incident (报告县级 1 小时, 设区的市级 +2 小时 …), checked by a job."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=16)
    label = models.CharField("时限", max_length=60)
    due_at = models.DateTimeField("应报时间", db_index=True)
    done_at = models.DateTimeField("报送时间", null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "key"], name="deadline_incident_key_unique")]

    def __str__(self):
        return f"{self.label} {timezone.localtime(self.due_at):%m-%d %H:%M}"


class TimelineEntry(ScopedPart):
    """事件时间轴: every report, decision, task, dispatch and message of an incident, appended only."""

    scope_parent = "incident"
    KINDS = [("intake", "接报"), ("grade", "定级"), ("report", "信息报送"), ("decision", "决策"),
             ("response", "响应"), ("task", "任务"), ("dispatch", "调度"), ("message", "消息"), ("deadline", "时限")]
    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("类别", max_length=10, choices=KINDS)
    text = models.TextField("内容")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "事件时间轴"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%m-%d %H:%M} {self.text[:30]}"


class Report(ScopedPart):
    """信息报送: a 初报/续报/终报 (or a report received from below), a snapshot of the incident's
    figures and narrative when written; sent only with every required item (reporting.py)."""

    scope_parent = "incident"
    KINDS = [("initial", "初报"), ("followup", "续报"), ("final", "终报")]
    LEVELS = [("city", "设区的市级"), ("province", "省级"), ("state", "国务院")]
    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("报告类别", max_length=10, choices=KINDS, default="initial")
    from_below = models.BooleanField("下级报送", default=False, help_text="下级单位报来的信息（可合并后上报）")
    sequence = models.PositiveIntegerField("期号", editable=False, default=1)
    issuer = models.CharField("报送单位", max_length=64)
    signer = models.CharField("签发人", max_length=32, blank=True)
    sent_to = models.CharField("报送至", max_length=10, choices=LEVELS, default="city")
    # snapshot of the incident
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True)
    place = models.CharField("发生地点", max_length=200, blank=True)
    deaths = models.PositiveIntegerField("死亡（人）", default=0)
    missing = models.PositiveIntegerField("失踪（人）", default=0)
    injured = models.PositiveIntegerField("重伤（人）", default=0)
    trapped = models.PositiveIntegerField("被困（人）", default=0)
    relocated = models.PositiveIntegerField("紧急转移安置（人）", default=0)
    direct_loss_cny = YuanField("直接经济损失（万元）", null=True, blank=True,
                                help_text="按万元填写，可精确到分（如 1234.567）；也可注明单位，如“12345670元”")
    casualties_confirmed = models.BooleanField("伤亡人数已核实", default=False,
                                               help_text="勾选表示伤亡（含失踪）人数已与现场核实")
    unit_profile = models.TextField("单位概况", blank=True, help_text="事故发生单位名称、性质、规模等（事故类必填）")
    scene = models.TextField("现场情况", blank=True)
    course = models.TextField("事件经过", blank=True)
    losses = models.TextField("损失情况", blank=True)
    measures = models.TextField("已采取措施", blank=True)
    next_steps = models.TextField("下步工作", blank=True)
    state = models.CharField("状态", max_length=10, default="draft", editable=False,
                             choices=list(REPORT_FLOW.states.items()))
    sent_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "信息报送"
        ordering = ["incident", "sequence"]

    def __str__(self):
        who = "（下级报送）" if self.from_below else ""
        return f"{self.incident.number} 第{self.sequence}期 {self.get_kind_display()}{who}"

    def display_direct_loss_cny(self) -> str:
        return loss_text(self.direct_loss_cny)

    def missing_items(self) -> list[str]:
        values = {f.name: getattr(self, f.name) for f in self._meta.concrete_fields}
        return reporting.missing_items(self.incident.category, values)

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the incident's serial is held from numbering until the report is written
            if self._state.adding:
                if self.from_below:
                    self.state = "received"
                self.sequence = numbering.next_serial(
                    "incidents.report.below" if self.from_below else "incidents.report", str(self.incident_id),
                    lambda: Report.objects.filter(incident=self.incident_id, from_below=self.from_below)
                    .aggregate(m=models.Max("sequence"))["m"] or 0)
            super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.incidents import services

        if name == "send":
            self.sent_at = timezone.now()
            services.report_sent(self, actor)
        elif name == "merge":
            services.merge_from_below(self, actor)


# ---- plans (预案) ---------------------------------------------------------------------------------

# What a duplicate natural key is told, on forms, imports and the API alike (docs/decisions/0004-natural-keys.md).
PLAN_NAME_TAKEN = "已有同名的应急预案；预案名称在全平台唯一（导入和接口按名称引用），企业、部门预案请在名称前加编制单位名称"


PLAN_KINDS = [("general", "总体应急预案"), ("special", "专项应急预案"), ("department", "部门应急预案"),
              ("township", "乡镇（街道）应急预案"), ("enterprise", "企业应急预案"), ("onsite", "现场处置方案")]
PLAN_REVISION_YEARS = 3  # 突发事件应急预案管理办法: evaluated (and revised as needed) at least every 3 years


class Plan(DomainModel):
    scope_organization = "organization"

    name = models.CharField("预案名称", max_length=120, error_messages={"unique": PLAN_NAME_TAKEN})
    kind = models.CharField("预案类别", max_length=12, choices=PLAN_KINDS)
    event_types = models.CharField("适用事件类型", max_length=200, blank=True, validators=[validate_event_types],
                                   help_text="GB/T 35561 代码，逗号分隔；大类代码含其下各类；总体预案留空（适用全部）")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="plans")
    organization = models.ForeignKey(Organization, verbose_name="编制单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="plans")
    approved_on = models.DateField("印发日期")
    filed_on = models.DateField("备案日期", null=True, blank=True)
    revised_on = models.DateField("最近修订日期", null=True, blank=True)
    revision_due = models.DateField("应修订日期", editable=False, null=True,
                                    help_text=f"最近修订（或印发）后 {PLAN_REVISION_YEARS} 年")
    command_structure = models.JSONField(
        "指挥机构", null=True, blank=True,
        help_text='如 {"总指挥": "县长", "副总指挥": ["分管副县长"], "工作组": [{"name": "抢险救援组", '
                  '"lead": "县应急管理局", "members": ["县消防救援大队"]}]}')
    followup_days = models.PositiveSmallIntegerField(
        "续报间隔（天）", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="自然灾害启动本预案响应后，续报的间隔天数；空则按默认（干旱 10 天，其他 7 天）")
    abolished = models.BooleanField("已废止", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "应急预案"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(
            fields=["name"], name="plan_name_unique", violation_error_code="unique",
            violation_error_message=PLAN_NAME_TAKEN)]

    def __str__(self):
        return self.name

    def display_event_types(self) -> str:
        codes = codes_of(self.event_types)
        return "、".join(f"{event_types.get(c).name}（{c}）" for c in codes) if codes else "全部类型"

    def clean(self):
        super().clean()
        cs = self.command_structure
        if cs is not None:
            groups = cs.get("工作组", []) if isinstance(cs, dict) else None
            if not isinstance(groups, list) or any(not isinstance(g, dict) or not g.get("name") for g in groups):
                raise ValidationError({"command_structure": "指挥机构应为对象，“工作组”为列表，每组须有 name"})

    def save(self, *args, **kwargs):
        base = self.revised_on or self.approved_on
        if isinstance(base, str):  # assigned from text (import, API) and not yet cleaned
            base = datetime.date.fromisoformat(base)
        if base:
            self.revision_due = _add_years(base, PLAN_REVISION_YEARS)
        super().save(*args, **kwargs)

    def groups(self) -> list[dict]:
        cs = self.command_structure or {}
        return cs.get("工作组", []) if isinstance(cs, dict) else []

    def spec(self) -> matching.PlanSpec:
        return matching.PlanSpec(
            key=self.pk, name=self.name, event_types=tuple(codes_of(self.event_types)),
            levels=tuple(matching.LevelRule(lv.level, matching.parse_conditions(lv.conditions))
                         for lv in self.levels.all()))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PlanLevel(ScopedPart):
    """One response level of a plan with its trigger rules (any one condition triggers it)."""

    scope_parent = "plan"
    plan = models.ForeignKey(Plan, verbose_name="预案", on_delete=models.CASCADE, related_name="levels")
    level = models.CharField("响应级别", max_length=4, choices=LEVEL_CHOICES)
    conditions = models.JSONField(
        "启动条件（规则）", default=list, blank=True,
        help_text='满足任一条即启动，如 [{"figure": "deaths", "op": ">=", "value": 3}]；'
                  f'指标：{"、".join(f"{k}（{v[0]}）" for k, v in matching.FIGURES.items())}；'
                  '">=" 为“以上”（含本数），">" 为“超过”')
    condition_text = models.CharField("启动条件（原文）", max_length=300, blank=True)
    commander = models.CharField("指挥长", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预案响应级别"
        ordering = ["plan", "level"]
        constraints = [models.UniqueConstraint(fields=["plan", "level"], name="plan_level_unique")]

    def __str__(self):
        return f"{self.plan.name} {self.get_level_display()}"

    def clean(self):
        super().clean()
        try:
            matching.parse_conditions(self.conditions)
        except ValueError as exc:
            raise ValidationError({"conditions": str(exc)}) from None


class PlanAction(ScopedPart):
    """A checklist item of a response level: which group/department does what, within how long."""

    scope_parent = "plan_level"
    plan_level = models.ForeignKey(PlanLevel, verbose_name="响应级别", on_delete=models.CASCADE,
                                   related_name="actions")
    group = models.CharField("工作组", max_length=32, blank=True)
    department = models.ForeignKey(Organization, verbose_name="责任单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    department_name = models.CharField("责任单位（名称）", max_length=64, blank=True,
                                       help_text="不在单位库中的部门填写名称")
    action = models.CharField("工作内容", max_length=200)
    within_minutes = models.PositiveIntegerField("时限（分钟）", default=60)
    position = models.PositiveIntegerField("序号", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "预案处置任务清单"
        ordering = ["plan_level", "position"]

    def __str__(self):
        return f"{self.group or self.responsible}：{self.action}"

    @property
    def responsible(self) -> str:
        return self.department.name if self.department_id else self.department_name

    def clean(self):
        super().clean()
        if not self.department_id and not self.department_name:
            raise ValidationError({"department_name": "请选择责任单位或填写其名称"})


class Drill(ScopedPart):
    """演练 of a plan: scenario, participants and what the evaluation found."""

    scope_parent = "plan"
    KINDS = [("tabletop", "桌面推演"), ("field", "实战演练"), ("combined", "综合演练")]
    plan = models.ForeignKey(Plan, verbose_name="预案", on_delete=models.PROTECT, related_name="drills")
    date = models.DateField("演练日期")
    kind = models.CharField("演练形式", max_length=10, choices=KINDS)
    scenario = models.TextField("演练情景")
    participants = models.TextField("参演单位和人员")
    findings = models.TextField("评估发现的问题", blank=True)
    evaluation = models.CharField("评估结论", max_length=8, blank=True,
                                  choices=[("good", "良好"), ("pass", "基本合格"), ("fail", "不合格")])
    improvements = models.TextField("改进措施", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预案演练"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {self.plan.name}{self.get_kind_display()}"


# ---- response and tasks (分级响应与任务) -----------------------------------------------------------

class Response(ScopedPart):
    """An activated response: an incident, the plan chosen and the current level."""

    scope_parent = "incident"
    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="responses")
    plan = models.ForeignKey(Plan, verbose_name="预案", on_delete=models.PROTECT, related_name="responses")
    level = models.CharField("响应级别", max_length=4, choices=LEVEL_CHOICES, editable=False)
    reason = models.CharField("启动理由", max_length=300, editable=False, blank=True)
    started_at = models.DateTimeField("启动时间", default=timezone.now, editable=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="启动人", null=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField("终止时间", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=8, default="active", editable=False,
                             choices=list(RESPONSE_FLOW.states.items()))

    class Meta:
        verbose_name = verbose_name_plural = "应急响应"
        ordering = ["-started_at"]
        # One active response per incident and plan: the backstop of services.activate's row lock.
        constraints = [models.UniqueConstraint(
            fields=["incident", "plan"], condition=models.Q(state="active"), name="one_active_response_per_plan",
            violation_error_message="已按该预案启动响应，请调整级别而不是重复启动")]

    def __str__(self):
        return f"{self.plan.name} {self.get_level_display()}"

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.incidents import services

        services.response_changed(self, name, inputs, actor)


class Task(DomainModel):
    """A response task (checklist item made real): assigned, due, fed back with photos. It lies in
    the incident's region and belongs to the department doing it, so that department's people see it."""

    scope_organization = "department"
    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="tasks")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    response = models.ForeignKey(Response, verbose_name="响应", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tasks")
    action = models.ForeignKey(PlanAction, verbose_name="清单项", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    title = models.CharField("任务", max_length=200)
    group = models.CharField("工作组", max_length=32, blank=True)
    department = models.ForeignKey(Organization, verbose_name="责任单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="incident_tasks")
    department_name = models.CharField("责任单位（名称）", max_length=64, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="incident_tasks")
    due_at = models.DateTimeField("完成时限")
    state = models.CharField("状态", max_length=12, default="issued", editable=False,
                             choices=list(TASK_FLOW.states.items()))
    feedback = models.TextField("最新反馈", blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "处置任务"
        ordering = ["due_at", "pk"]

    def __str__(self):
        return self.title

    def inherit_scope(self):
        if self.incident_id:
            self.region_id = self.incident.region_id

    @property
    def responsible(self) -> str:
        return self.department.name if self.department_id else self.department_name

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.incidents import services

        self.feedback = inputs.get("comment") or inputs.get("reason") or self.feedback
        services.task_changed(self, name, after, inputs, actor)


# A dispatch is open (its team out) until it is withdrawn: the one definition, used by the constraint
# below, by ``TeamDispatch.objects.open()`` (team.dispatches.open(), incident.dispatches.open()) and so
# by the team's readiness (resources.Team.save) and the check before dispatching.
OPEN_DISPATCH = ~models.Q(state=DISPATCH_CLOSED)


class DispatchQuerySet(ScopedQuerySet):
    def open(self):
        """Dispatches whose team is still out (en route or on scene)."""
        return self.filter(OPEN_DISPATCH)


class TeamDispatch(ScopedPart):
    """A rescue team sent to an incident (调派): en route, on scene, withdrawn. While a dispatch is
    open its team is 出动 — the team's readiness follows from this record, written in the same
    transaction each time a dispatch is saved (``save``) — so it is not offered or sent twice; once
    withdrawn the team rests (休整)."""

    scope_parent = "incident"
    objects = DispatchQuerySet.as_manager()
    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="dispatches")
    team = models.ForeignKey("resources.Team", verbose_name="救援队伍", on_delete=models.PROTECT,
                             related_name="dispatches")
    dispatched_at = models.DateTimeField("派出时间", default=timezone.now, editable=False)
    eta_minutes = models.PositiveIntegerField("预计到达（分钟）", null=True, blank=True, editable=False,
                                              help_text="按路网计算的行程时间")
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField("撤离时间", null=True, blank=True, editable=False)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调派人", null=True, editable=False,
                                      on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("状态", max_length=10, default="en_route", editable=False,
                             choices=list(DISPATCH_FLOW.states.items()))

    class Meta:
        verbose_name = verbose_name_plural = "队伍调派"
        ordering = ["-dispatched_at"]
        # A team is out on one dispatch at a time (the backstop of services.dispatch_team's row lock).
        constraints = [models.UniqueConstraint(
            fields=["team"], condition=OPEN_DISPATCH, name="one_open_dispatch_per_team",
            violation_error_message="该队伍已出动，不能重复调派")]

    def __str__(self):
        return f"{self.team.name} → {self.incident.title}"

    @property
    def expected_at(self):
        return self.dispatched_at + datetime.timedelta(minutes=self.eta_minutes) if self.eta_minutes else None

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the dispatch and its team's readiness, together
            super().save(*args, **kwargs)
            self.team.follow_dispatches()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.team.follow_dispatches()
        return result

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.incidents import services

        services.dispatch_changed(self, name, actor)
