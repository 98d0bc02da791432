"""Hidden hazards (事故隐患), each on the closed loop declared in workflow.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from yingji.core.models import DomainModel, GeoPoint, Organization, Region
from yingji.hazards.choices import Category, Channel, Grade, State


class Hazard(DomainModel, GeoPoint):
    scope_organization = "organization"
    creator_field = "reported_by"  # who reported it: may not verify or accept it (workflow.py), may add photos

    title = models.CharField("隐患名称", max_length=100)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="hazards",
                                     help_text="公共场所的隐患可不填单位")
    place = models.CharField("场所/部位", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="hazards")
    description = models.TextField("隐患描述")
    channel = models.CharField("发现渠道", max_length=24, choices=Channel.choices, db_index=True)
    category = models.CharField("隐患类别", max_length=20, choices=Category.choices, default=Category.ON_SITE)
    grade = models.CharField("隐患等级", max_length=10, choices=Grade.choices, default=Grade.GENERAL, db_index=True)
    major_basis = models.TextField("重大隐患判定依据", blank=True,
                                   help_text="重大隐患须写明依据的判定标准条款，如《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第X条")
    finder = models.CharField("发现人", max_length=32)
    found_at = models.DateTimeField("发现时间", default=timezone.now)
    responsible_unit = models.CharField("整改责任单位", max_length=100, blank=True)
    responsible_person = models.CharField("整改责任人", max_length=32, blank=True)
    measures = models.TextField("整改措施", blank=True)
    funds_cny = models.DecimalField("整改资金（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True, db_index=True)
    verifier = models.CharField("验收人", max_length=32, blank=True, editable=False,
                                help_text="验收合格、销号时由系统记录为执行销号的用户")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人（账号）", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False,
                                    help_text="登记本隐患的平台账号；群众举报没有")
    state = models.CharField("状态", max_length=24, choices=State.choices, default=State.REPORTED, db_index=True,
                             editable=False)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "事故隐患"
        ordering = ["-found_at"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.grade == Grade.MAJOR and not self.major_basis.strip():
            raise ValidationError({"major_basis": "重大事故隐患须填写判定依据"})

    def on_transition(self, name, before, after, inputs, actor=None):
        """Side effects of the closed loop, kept with the record."""
        now = timezone.now()
        if name == "mark_overdue":
            self.escalated_at = now
        if name == "close":
            self.closed_at = now
            if actor is not None:  # 验收人: who accepted it, recorded, never typed
                self.verifier = actor.display_name[:32]

    def display_reported_by(self):
        return self.reported_by.display_name if self.reported_by_id else None



class TipOff(DomainModel, GeoPoint):
    """A public report (群众举报), received without login; it opens a hazard on the closed loop."""

    tracking_code = models.CharField("查询码", max_length=12, unique=True, editable=False)
    description = models.TextField("举报内容", editable=False)
    place = models.CharField("地点描述", max_length=200, blank=True, editable=False)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="tip_offs",
                               editable=False)
    contact_name = models.CharField("联系人", max_length=32, blank=True, editable=False)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)
    hazard = models.OneToOneField(Hazard, verbose_name="对应隐患", null=True, on_delete=models.SET_NULL,
                                  related_name="tip_off", editable=False)
    reward_eligible = models.BooleanField("符合举报奖励条件", default=False)
    reward_cny = models.DecimalField("奖励金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    reward_note = models.CharField("奖励说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "群众举报"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client_hash", "created_at"])]

    def __str__(self):
        return f"举报 {self.tracking_code}"

    def clean(self):
        super().clean()
        if self.reward_cny and not self.reward_eligible:
            raise ValidationError({"reward_cny": "只有经核实符合奖励条件的举报才能登记奖励金额"})
