"""Shelter operations (避灾安置). A shelter of the resources registry (``resources.Shelter``: its area,
class and capacity) is activated for a 灾情事件 (``Activation``: 应急启用 → 运行中 → 安置运行结束); its
运行日志 are ``LogEntry`` rows; households (``Household``, 户主 and members ``Evacuee``) are placed in it,
and every stay in a shelter is a ``Stay`` row, so a household transferred between shelters keeps one
history. Personal data is masked for roles that do not need it (registries.py) and anonymised after the
retention period (services.anonymise_expired)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from yingji.core.framework.validators import validate_phone
from yingji.core.models import GeoPoint, JurisdictionRule, Region, ScopedPart
from yingji.shelters import rules
from yingji.shelters.choices import (
    FLAGS,
    ActivationState,
    Gender,
    LogKind,
    Occupancy,
    Relation,
    StayEnd,
    StayState,
)

ANONYMISED = "（已匿名）"


def split_flags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").replace("、", ",").split(",") if t.strip()]


class ShelterRule(JurisdictionRule):
    """A jurisdiction's own value for one of the shelter numbers (data/shelter-rules.json holds the
    national defaults with their sources); the nearest region's value wins."""

    rule_defaults = staticmethod(rules.defaults)

    class Meta(JurisdictionRule.Meta):
        verbose_name = verbose_name_plural = "安置规则"
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="shelter_rule_once_per_region")]

    def clean(self):
        super().clean()
        if self.value is not None and self.value <= 0:
            raise ValidationError({"value": "数值应大于 0"})
        if self.key == "lookup_min_tail" and self.value is not None and (self.value < rules.MIN_TAIL_FLOOR
                                                                          or self.value != int(self.value)):
            raise ValidationError({"value": f"寻亲查询至少输入的位数应为不少于 {rules.MIN_TAIL_FLOOR} 的整数"})



class Activation(ScopedPart, GeoPoint):
    """应急启用: one shelter opened for one 灾情事件, until 安置运行结束. Its place is the shelter's (copied,
    so it is a map layer coloured by occupancy); its counts are kept by the services."""

    scope_parent = "shelter"

    shelter = models.ForeignKey("resources.Shelter", verbose_name="避难场所", on_delete=models.PROTECT,
                                related_name="activations")
    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", on_delete=models.PROTECT,
                              related_name="shelter_activations")
    name = models.CharField("安置点名称", max_length=120, editable=False, blank=True)
    commander = models.CharField("现场负责人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    activated_at = models.DateTimeField("启用时间", default=timezone.now, editable=False)
    running_at = models.DateTimeField("开始运行时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("运行结束时间", null=True, blank=True, editable=False)
    capacity_people = models.PositiveIntegerField("可用容量（人）", default=0, editable=False,
                                                  help_text="有效避难面积 ÷ 该类场所人均面积定额（安置规则）")
    occupants = models.PositiveIntegerField("在住人数", default=0, editable=False)
    households_in = models.PositiveIntegerField("在住户数", default=0, editable=False)
    total_people = models.PositiveIntegerField("累计安置人数", default=0, editable=False)
    occupancy = models.CharField("占用", max_length=8, choices=Occupancy.choices, default=Occupancy.GREEN,
                                 editable=False, db_index=True)
    zones = models.TextField("分区（宿住区/房间）", blank=True, help_text="如 A区（教学楼1-3层）、B区（体育馆）")
    note = models.TextField("备注", blank=True)
    state = models.CharField("状态", max_length=10, choices=ActivationState.choices, default=ActivationState.ACTIVATED,
                             editable=False, db_index=True)
    anonymised_at = models.DateTimeField("个人信息匿名化时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "安置点运行"
        ordering = ["-activated_at"]
        constraints = [models.UniqueConstraint(fields=["shelter", "event"], name="shelter_activation_once_per_event")]

    def __str__(self):
        return self.name or "安置点"

    def save(self, *args, **kwargs):
        if self.shelter_id:
            shelter = self.shelter
            self.name = self.name or shelter.name
            self.lon, self.lat = shelter.lon, shelter.lat
        super().save(*args, **kwargs)

    @property
    def free(self) -> int:
        return max(self.capacity_people - self.occupants, 0)

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.shelters import services

        services.on_activation_transition(self, name)


class LogEntry(ScopedPart):
    """One line of the shelter's 运行情况日志表 (GB/T 33744): who is on duty, occupancy of a zone,
    supplies received or issued, an incident, an inspection."""

    scope_parent = "activation"
    creator_field = "recorded_by"

    activation = models.ForeignKey(Activation, verbose_name="安置点", on_delete=models.CASCADE, related_name="log")
    kind = models.CharField("类别", max_length=12, choices=LogKind.choices)
    logged_at = models.DateTimeField("时间", default=timezone.now)
    zone = models.CharField("分区", max_length=40, blank=True)
    staff_on_duty = models.CharField("值班人员", max_length=120, blank=True)
    people = models.PositiveIntegerField("人数/数量", null=True, blank=True)
    content = models.TextField("情况记录")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "安置点运行日志"
        ordering = ["-logged_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.logged_at):%m-%d %H:%M}"


class Household(ScopedPart):
    """A household placed in a shelter (受灾群众安置登记表, 居民安置卡): its 户主, phone, home village,
    needs and zone/room; seen where it stays now (scope follows its current shelter)."""

    scope_parent = "activation"

    event = models.ForeignKey("disasters.DisasterEvent", verbose_name="灾情事件", on_delete=models.PROTECT,
                              related_name="shelter_households", editable=False)
    activation = models.ForeignKey(Activation, verbose_name="安置点", on_delete=models.PROTECT,
                                   related_name="households", editable=False)
    card_number = models.CharField("安置卡号", max_length=24, unique=True, editable=False)
    head_name = models.CharField("户主姓名", max_length=32)
    head_id_number = models.CharField("户主身份证号码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    village = models.ForeignKey(Region, verbose_name="户籍村（社区）", on_delete=models.PROTECT, related_name="+")
    zone = models.CharField("分区", max_length=40, blank=True)
    room = models.CharField("房间/床位", max_length=40, blank=True)
    pets = models.CharField("随行宠物", max_length=100, blank=True)
    needs = models.TextField("安置需求", blank=True, help_text="居民安置需求登记表：饮食、医疗、照护等")
    state = models.CharField("状态", max_length=6, choices=StayState.choices, default=StayState.IN, editable=False,
                             db_index=True)
    checked_in_at = models.DateTimeField("入住时间", default=timezone.now, editable=False)
    checked_out_at = models.DateTimeField("离开时间", null=True, blank=True, editable=False)
    destination = models.CharField("去向", max_length=200, blank=True, editable=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "安置户"
        ordering = ["-checked_in_at"]

    def __str__(self):
        return self.card_number or "安置户"

    def clean(self):
        super().clean()
        from yingji.core.directory.codes import id_number_error

        self.head_id_number = (self.head_id_number or "").strip().upper()
        if self.head_id_number and not self.anonymised_at:
            why = id_number_error(self.head_id_number, timezone.localdate())
            if why:
                raise ValidationError({"head_id_number": f"户主身份证号码{why}"})
        if self.village_id and self.village.level != "village":
            raise ValidationError({"village": "请选择户籍所在的村（社区）"})


class Evacuee(ScopedPart):
    """A person of a household (the 户主 included): name, ID number (people without one are allowed and
    flagged ``no_id``), birth year, special needs, medication."""

    scope_parent = "household"

    household = models.ForeignKey(Household, verbose_name="安置户", on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=32)
    id_number = models.CharField("身份证号码", max_length=18, blank=True)
    no_id = models.BooleanField("无身份证号码", default=False, editable=False)
    relation = models.CharField("与户主关系", max_length=8, choices=Relation.choices, default=Relation.OTHER)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True, help_text="有身份证号码的按号码")
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    flags = models.CharField("特殊需求", max_length=40, blank=True, help_text="逗号分隔：" + "、".join(FLAGS))
    medication = models.CharField("常用药品", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安置人员"
        ordering = ["household", "relation", "name"]

    def __str__(self):
        return f"{self.household} {self.get_relation_display()}"

    def clean(self):
        super().clean()
        from yingji.core.directory.codes import id_number_error

        self.id_number = (self.id_number or "").strip().upper()
        if self.id_number and not (self.household_id and self.household.anonymised_at):
            why = id_number_error(self.id_number, timezone.localdate())
            if why:
                raise ValidationError({"id_number": f"身份证号码{why}"})
        unknown = [f for f in split_flags(self.flags) if f not in FLAGS]
        if unknown:
            raise ValidationError({"flags": f"未知的特殊需求：{'、'.join(unknown)}；可选：{'、'.join(FLAGS)}"})

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """What every save does first (a bulk import does it without save): the number in capitals,
        无证件 flagged, birth year and gender read from the number, the flags in FLAGS' order."""
        self.id_number = (self.id_number or "").strip().upper()
        self.no_id = not self.id_number
        if len(self.id_number) == 18 and self.id_number[6:10].isdigit():
            self.birth_year = int(self.id_number[6:10])
            if not self.gender and self.id_number[16].isdigit():
                self.gender = Gender.MALE if int(self.id_number[16]) % 2 else Gender.FEMALE
        self.flags = "、".join(f for f in FLAGS if f in split_flags(self.flags))


class Stay(ScopedPart):
    """One household's stay in one shelter, from check-in (or arrival by transfer) to check-out (or
    transfer onwards): the household's history across shelters."""

    scope_parent = "activation"

    household = models.ForeignKey(Household, verbose_name="安置户", on_delete=models.CASCADE, related_name="stays")
    activation = models.ForeignKey(Activation, verbose_name="安置点", on_delete=models.PROTECT, related_name="stays")
    people = models.PositiveIntegerField("人数", default=1)
    arrived_at = models.DateTimeField("入住时间", default=timezone.now)
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    ended = models.CharField("结束方式", max_length=10, choices=StayEnd.choices, blank=True)
    destination = models.CharField("去向", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安置记录"
        ordering = ["household", "arrived_at"]

    def __str__(self):
        return f"{self.household} @ {self.activation}"


class FamilySearch(models.Model):
    """Whether the public 寻亲 page answers for an event (off until the county switches it on)."""

    event = models.OneToOneField("disasters.DisasterEvent", on_delete=models.CASCADE, related_name="family_search")
    enabled = models.BooleanField("开放寻亲查询", default=False)
    switched_at = models.DateTimeField(auto_now=True)
    switched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    def __str__(self):
        return f"寻亲查询{'开放' if self.enabled else '关闭'}"


class LookupAttempt(models.Model):
    """One public 寻亲 query (the client as a salted hash, never an IP): counted for the rate limits."""

    client_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"寻亲查询 {self.at:%Y-%m-%d %H:%M}"
