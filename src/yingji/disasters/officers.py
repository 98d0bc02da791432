"""灾害信息员 (disaster information officers), their training, and the villages the bureau lists as
disaster-prone — the registry of 应急〔2020〕11号 (STANDARDS.md §4): at least one officer per
village/community; an A post and a B post (A岗/B岗) in disaster-prone ones.

Which villages are disaster-prone is the bureau's data with its basis (a 隐患点 list, a flood-risk
survey), not a flag in code. The coverage rule itself is data too (data/officer_coverage.json, read by
coverage.py, a pure engine)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.framework.models import DomainModel, ScopedPart
from yingji.core.framework.validators import validate_mobile


class OfficerPost(models.TextChoices):
    A = "A", "A岗（主岗）"
    B = "B", "B岗（备岗）"


OFFICER_LEVELS = ("township", "village")  # 乡镇街道 and 村社区 officers; county and above are bureau staff


class DisasterProneVillage(DomainModel):
    """A village/community the bureau lists as disaster-prone (灾害易发村), with why and since when."""

    region = models.OneToOneField("core.Region", verbose_name="村社区", on_delete=models.PROTECT,
                                  related_name="disaster_prone")
    hazards = models.CharField("主要灾种", max_length=100, help_text="如 山洪、滑坡、内涝")
    basis = models.CharField("认定依据", max_length=200,
                             help_text="文件或清单名称及条目，如《浏阳市地质灾害隐患点名录（2026年）》第12条")
    listed_on = models.DateField("认定日期")
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾害易发村社区"
        ordering = ["region__code"]

    def __str__(self):
        return f"{self.region}（{self.hazards}）"

    def clean(self):
        super().clean()
        if self.region_id and self.region.level != "village":
            raise ValidationError({"region": "灾害易发名录只列村社区，请选择村（社区）"})


class DisasterOfficer(DomainModel):
    """One officer's post in one village or township: the person (address book), A or B post, the
    phone the bureau calls, whether serving now, and the account they report with, where there is one."""

    person = models.ForeignKey("core.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="disaster_officer_posts")
    region = models.ForeignKey("core.Region", verbose_name="负责区域", on_delete=models.PROTECT,
                               related_name="disaster_officers", help_text="所负责的村社区或乡镇街道")
    post = models.CharField("岗位", max_length=1, choices=OfficerPost.choices, default=OfficerPost.A, db_index=True)
    phone = models.CharField("手机", max_length=11, validators=[validate_mobile], blank=True,
                             help_text="报灾联系手机，保持 24 小时畅通；不填则取人员通讯录中的手机")
    active = models.BooleanField("在岗", default=True, db_index=True, help_text="离任、调整后改为不在岗，不要删除")
    since = models.DateField("任职日期", null=True, blank=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="disaster_officer_posts",
                                help_text="信息员报灾用的账号（村/网格员或乡镇用户角色，管辖区划含负责区域）")
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾害信息员"
        ordering = ["region__code", "post", "person__name"]
        constraints = [models.UniqueConstraint(fields=["person", "region", "post"], name="officer_post_unique")]

    def __str__(self):
        return f"{self.person.name}（{self.region}·{self.post}岗）"

    def save(self, *args, **kwargs):
        if not self.phone and self.person_id:
            self.phone = self.person.mobile
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.phone and self.person_id:
            self.phone = self.person.mobile
        errors = {}
        if self.region_id and self.region.level not in OFFICER_LEVELS:
            errors["region"] = "灾害信息员的负责区域应为村社区或乡镇街道"
        if self.account_id and self.region_id:
            scope = self.account.scope_region
            if scope is None or not self.region.path.startswith(scope.path):
                errors["account"] = (f"账号“{self.account}”的管辖区划"
                                     f"{'未设置' if scope is None else f'（{scope}）'}不含负责区域“{self.region}”，"
                                     "用它报灾会看不到本村社区")
        if errors:
            raise ValidationError(errors)


class OfficerTraining(ScopedPart):
    """A training an officer attended: date, course, hours, organizer, certificate."""

    scope_parent = "officer"

    officer = models.ForeignKey(DisasterOfficer, verbose_name="灾害信息员", on_delete=models.CASCADE,
                                related_name="trainings")
    date = models.DateField("培训日期")
    course = models.CharField("培训内容", max_length=100)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    organizer = models.CharField("主办单位", max_length=100)
    certificate = models.CharField("证书编号", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "灾害信息员培训记录"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.officer.person.name} {self.date} {self.course}"

    def clean(self):
        super().clean()
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": "学时应大于 0"})
