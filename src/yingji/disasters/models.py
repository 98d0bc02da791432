"""灾情报送 (自然灾害情况统计调查制度, 应急〔2020〕19号): one disaster process is one 灾情事件, keyed by
(date of onset, county, disaster type); its reports come in order — one 初报, any number of 续报, one
核报 — each made of the township figures, which are the roll-up of the villages' entries.

Figures: one JSON object per report (indicator code -> number), the unit's own totals, and for a
roll-up the units below it as they stood when it was rolled up (``breakdown``); decision 0019 says why
not a row per indicator. Named lists (因灾死亡失踪人口一览表, 因灾倒塌损坏住房户一览表) are rows of their own,
their personal data masked for roles that do not need it (the registry's ``personal_fields``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from yingji.core.models import DomainModel, Region
from yingji.disasters.choices import (
    Casualty,
    EventState,
    Gender,
    HouseDamage,
    ReportKind,
    ReportLevel,
    ReportState,
)


def _rule_choices():
    from yingji.disasters.catalogue import local_setting_choices

    return local_setting_choices()


def _type_choices():
    from yingji.disasters.catalogue import national

    return [(t.code, t.name) for t in national().types.values()]


class DisasterEvent(DomainModel):
    """灾情事件: one disaster process in one county. The county's own event is owned by the county and
    shared down (its townships and villages see it and report into it); a copy received from below
    (``received_from``) is owned by the level that received it."""

    scope_shared_down = True  # townships and villages see their county's events and report into them

    uuid = models.UUIDField("事件标识", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("灾情事件名称", max_length=120, help_text="如：2026年6月浏阳市暴雨洪涝灾害")
    # The 灾种 are data (data/disaster_types.csv): a callable ``choices``, so pages, filters, the schema
    # and the change history read 洪涝, not flood, and a new type in the data needs no migration.
    disaster_type = models.CharField("灾害种类", max_length=24, choices=_type_choices,
                                     help_text="《自然灾害情况统计调查制度》灾种（县级填报亚类）")
    onset_date = models.DateField("灾害发生日期")
    learned_at = models.DateTimeField("获悉时间", default=timezone.now, help_text="初报时限从此刻起算")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="disaster_events")
    county_code = models.CharField("县级区划代码", max_length=6, editable=False)
    county_name = models.CharField("县级区划", max_length=64, editable=False, blank=True)
    received_from = models.CharField("报送单位（下级）", max_length=64, blank=True, editable=False,
                                     help_text="由下级平台报送而来的事件，记下级名称")
    townships = models.ManyToManyField(Region, verbose_name="受灾乡镇（街道）", blank=True, related_name="+",
                                       editable=False, help_text=("报送灾情的乡镇（街道），起草报告时选定，乡镇填报时自动加入；"
                                                                  "各乡镇 1 小时内向县级报送"))
    incident = models.ForeignKey("incidents.Incident", verbose_name="关联突发事件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="disaster_events")
    major = models.BooleanField("重大自然灾害（24小时零报告）", default=False,
                                help_text="重大自然灾害期间每日报送24小时零报告")
    stable_at = models.DateTimeField("灾情稳定时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("核报时间", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=12, choices=EventState.choices, default=EventState.NEW,
                             editable=False, db_index=True)
    description = models.TextField("灾情概况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾情事件"
        ordering = ["-onset_date", "-learned_at"]
        constraints = [models.UniqueConstraint(fields=["onset_date", "county_code", "disaster_type", "region"],
                                               name="disaster_event_key_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.region_id and not self.received_from:
            self.county_code, self.county_name = self._county()
        super().save(*args, **kwargs)

    def _county(self) -> tuple[str, str]:
        region = self.region
        while region.level in ("township", "village") and region.parent_id:
            region = region.parent
        return region.code[:6], region.name

    def clean(self):
        super().clean()
        from yingji.disasters.catalogue import national

        if self.disaster_type and self.disaster_type not in national().types:
            raise ValidationError({"disaster_type": f"未知灾种 {self.disaster_type}，请按《自然灾害情况统计调查制度》的灾种填报"})
        if self.region_id and not self.received_from:
            if self.region.level not in ("county",) and self.region.level in ("province", "city"):
                raise ValidationError({"region": "灾情事件以县级为统计单位，请选择县（市、区）"})
            self.county_code, self.county_name = self._county()
            clash = DisasterEvent.objects.filter(onset_date=self.onset_date, county_code=self.county_code,
                                                 disaster_type=self.disaster_type, region=self.region)
            if self.onset_date and clash.exclude(pk=self.pk).exists():
                raise ValidationError({"disaster_type": "同一县同一天同一灾种已有灾情事件，请在该事件中续报"})

    def display_disaster_type(self) -> str:
        from yingji.disasters.catalogue import national

        kind = national().types.get(self.disaster_type)
        return kind.name if kind else self.disaster_type

    @property
    def response_active(self) -> bool:
        """Whether a response is active on the linked incident (then a report needs ≥ 3 photos)."""
        return bool(self.incident_id and self.incident.responses.filter(state="active").exists())

    def on_transition(self, name, before, after, inputs, actor=None):
        now = timezone.now()
        if name == "declare_stable":
            self.stable_at = now
        if name == "close":
            self.closed_at = now


class DisasterReport(DomainModel):
    """One report of an event at one level for one unit: a village's or township's entry, or the
    county's report (初报 / 续报 / 核报). ``sequence`` numbers the rounds of the event (1 = 初报);
    entries of a round point to the report of the level above (``parent``)."""

    creator_field = "created_by"

    uuid = models.UUIDField("报告标识", default=uuid.uuid4, unique=True, editable=False)
    source_uuid = models.UUIDField("下级报告标识", null=True, blank=True, unique=True, editable=False,
                                   help_text="由下级平台报送的报告：下级的报告标识（重复报送按此只更新不重复）")
    event = models.ForeignKey(DisasterEvent, verbose_name="灾情事件", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("报告类别", max_length=10, choices=ReportKind.choices)
    sequence = models.PositiveIntegerField("报次", default=1, help_text="本事件第几次报告（初报为 1）")
    level = models.CharField("填报层级", max_length=10, choices=ReportLevel.choices, default=ReportLevel.COUNTY)
    region = models.ForeignKey(Region, verbose_name="填报单位", on_delete=models.PROTECT, related_name="disaster_reports")
    unit_code = models.CharField("单位区划代码", max_length=12, editable=False, blank=True)
    unit_name = models.CharField("单位名称", max_length=64, editable=False, blank=True)
    parent = models.ForeignKey("self", verbose_name="汇总到", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="entries", editable=False)
    figures = models.JSONField("灾情数据", default=dict, blank=True, help_text="指标代码 → 数值（本单位合计）")
    breakdown = models.JSONField("分单位数据", default=list, blank=True, editable=False,
                                 help_text="汇总时下级各单位的数据：[{code, name, figures}]")
    explanations = models.JSONField("数据说明", default=dict, blank=True, editable=False,
                                    help_text="需说明的核查提示 → 填报人的书面说明")
    background = models.TextField("灾害背景", blank=True)
    course = models.TextField("灾害过程", blank=True)
    features = models.TextField("灾情特点", blank=True)
    trend = models.TextField("发展趋势", blank=True)
    relief = models.TextField("已采取的救灾措施", blank=True)
    needs = models.TextField("灾区需求", blank=True)
    next_steps = models.TextField("下一步工作", blank=True)
    state = models.CharField("状态", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT,
                             editable=False, db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True, editable=False)
    returned_reason = models.CharField("退回理由", max_length=300, blank=True, editable=False)
    sent_up_at = models.DateTimeField("报送上级平台时间", null=True, blank=True, editable=False)
    sent_up_result = models.CharField("报送上级平台结果", max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人（账号）", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "灾情报告"
        ordering = ["event", "sequence", "level", "unit_code"]
        constraints = [models.UniqueConstraint(fields=["event", "sequence", "region"], name="disaster_report_unit_unique")]
        indexes = [models.Index(fields=["event", "level", "sequence"])]

    def __str__(self):
        return f"{self.unit_name or self.region} {self.get_kind_display()}（第{self.sequence}报）"

    def save(self, *args, **kwargs):
        if self.region_id and not self.unit_code and not self.event.received_from:
            self.unit_code, self.unit_name = self.region.code, self.region.name
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        now = timezone.now()
        if name == "submit":
            self.submitted_at, self.returned_reason = now, ""
        elif name == "accept":
            self.accepted_at = now
        elif name == "return_back":
            self.returned_reason = inputs.get("reason", "")[:300]

    def text_parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_PARTS}


TEXT_PARTS = ("background", "course", "features", "trend", "relief", "needs", "next_steps")


class CasualtyRow(DomainModel):
    """因灾死亡失踪人口一览表: one person dead or missing, filled whenever deaths or missing are reported."""

    event = models.ForeignKey(DisasterEvent, verbose_name="灾情事件", on_delete=models.CASCADE, related_name="casualties")
    region = models.ForeignKey(Region, verbose_name="所在乡镇（村）", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=32)
    id_number = models.CharField("身份证号码", max_length=18, blank=True)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    status = models.CharField("类别", max_length=8, choices=Casualty.choices, default=Casualty.DEAD)
    occurred_on = models.DateField("死亡（失踪）日期", null=True, blank=True)
    place = models.CharField("死亡（失踪）地点", max_length=120, blank=True)
    cause = models.CharField("致灾原因", max_length=120, blank=True)

    def clean(self):
        super().clean()
        _check_person(self, "id_number", CasualtyRow)

    class Meta:
        verbose_name = verbose_name_plural = "因灾死亡失踪人员"
        ordering = ["event", "region", "name"]

    def __str__(self):
        return f"{self.get_status_display()}人员"


class HouseholdRow(DomainModel):
    """因灾倒塌损坏住房户一览表: one household whose house collapsed or was damaged (at 核报)."""

    event = models.ForeignKey(DisasterEvent, verbose_name="灾情事件", on_delete=models.CASCADE, related_name="households")
    region = models.ForeignKey(Region, verbose_name="所在乡镇（村）", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("户主姓名", max_length=32)
    id_number = models.CharField("户主身份证号码", max_length=18, blank=True)
    damage = models.CharField("损坏程度", max_length=10, choices=HouseDamage.choices, default=HouseDamage.COLLAPSED)
    rooms = models.PositiveSmallIntegerField("房屋间数", default=1)
    address = models.CharField("住址", max_length=120, blank=True)

    def clean(self):
        super().clean()
        _check_person(self, "id_number", HouseholdRow)

    class Meta:
        verbose_name = verbose_name_plural = "因灾倒塌损坏住房户"
        ordering = ["event", "region", "name"]

    def __str__(self):
        return f"{self.get_damage_display()}住房户"


def _check_person(row, field: str, model) -> None:
    """A named-list row's ID number passes GB 11643 and appears once in the event's list."""
    from yingji.core.directory.codes import id_number_error

    number = (getattr(row, field) or "").strip().upper()
    setattr(row, field, number)
    if not number:
        return
    error = id_number_error(number)
    if error:
        raise ValidationError({field: error})
    if row.event_id and model.objects.filter(event_id=row.event_id, **{field: number}).exclude(pk=row.pk).exists():
        raise ValidationError({field: "该身份证号码已在本事件的一览表中登记（重复）"})


class DisasterDeadline(models.Model):
    """One reporting clock of an event (township 1 小时, county 初报 2 小时, 越级, 零报告, 续报, 核报),
    checked by a periodic job as incidents' ReportingDeadline is."""

    event = models.ForeignKey(DisasterEvent, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=40)
    label = models.CharField("时限", max_length=80)
    due_at = models.DateTimeField("应报时间", db_index=True)
    done_at = models.DateTimeField("报送时间", null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["event", "key"], name="disaster_deadline_event_key_unique")]

    def __str__(self):
        return f"{self.label} {timezone.localtime(self.due_at):%m-%d %H:%M}"


class UpwardLink(DomainModel):
    """上报通道: where a jurisdiction's reports go when the level above runs its own platform — the
    upper instance's inbound API address and the token its administrator issued for this one."""

    region = models.ForeignKey(Region, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("上级单位", max_length=64, help_text="如：长沙市应急管理局")
    url = models.URLField("上级平台接收地址", help_text="上级平台的 /api/disaster-inbound/ 地址")
    token = models.CharField("接口令牌", max_length=128, help_text="上级平台为本级签发的接口令牌")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾情上报通道"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="upward_link_unique")]

    def __str__(self):
        return self.name



RULE_LEVELS = ("province", "city", "county")  # the levels that report; townships and villages follow the county's


class DisasterRule(DomainModel):
    """A jurisdiction's own value for one disaster-statistics clock or check (data/rules.json holds the
    national defaults with their sources): the nearest region's value wins — the county's over the
    city's over the province's over the national default — for the events of that county."""

    scope_shared_down = True  # a city's value holds for its counties, which see it but cannot change it

    key = models.CharField("规则", max_length=40, choices=_rule_choices)
    value = models.CharField("取值", max_length=16, help_text="数字（时限、门槛、倍数）或“时:分”（零报告时间），单位见规则名称")
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+",
                               help_text="市级设置适用于所辖各县；县级设置优先")
    source = models.CharField("依据文件", max_length=200, help_text="如：《浏阳市自然灾害救助应急预案》（2024年修订）")
    article = models.CharField("条款", max_length=64, blank=True)
    effective = models.DateField("施行日期", null=True, blank=True)
    confirmed = models.BooleanField("已对照原文核实", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾情报送时限与核查规则"
        ordering = ["region", "key"]
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="disaster_rule_once_per_region")]

    def __str__(self):
        return f"{self.region} {self.get_key_display()} = {self.value}"

    def clean(self):
        super().clean()
        from yingji.disasters.catalogue import parse_local

        if self.region_id and self.region.level not in RULE_LEVELS:
            raise ValidationError({"region": "灾情报送规则由县级及以上设置，乡镇（街道）和村（社区）执行所在县的规则"})
        if self.key and self.value not in (None, ""):
            self.value = self.value.strip()
            try:
                parse_local(self.key, self.value)
            except ValueError as exc:
                raise ValidationError({"value": str(exc)}) from exc


# The 灾害信息员 registry (officers.py): here so Django finds its models with the app's.
from yingji.disasters.officers import DisasterOfficer, DisasterProneVillage, OfficerTraining  # noqa: E402, F401
