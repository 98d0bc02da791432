"""Enforcement cases (执法案件), their papers with 送达, and a jurisdiction's clocks and thresholds.

The case moves on the state machine of caseflow.py; every step is a TransitionLog and every paper a
CaseDocument row, written by services only (the full-process record of 三项制度, append-only)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.framework.moneyfields import YuanField
from yingji.core.models import DomainModel, JurisdictionRule, Organization, Region
from yingji.supervision import caselaw
from yingji.supervision.casechoices import SERVED_TO_PARTY, CaseState, DocKind, PartyKind, ServiceMethod


class DiscretionField(models.JSONField):
    """The discretion a case records (discretion.Decision.record()), read in its history in words."""

    def history_text(self, text):
        import json

        try:
            d = json.loads(text)
        except (TypeError, ValueError):
            return text
        if not isinstance(d, dict) or "tier" not in d:
            return text
        return f"裁量阶次：{d['tier']}；条件：{'；'.join(d.get('reasons', []))}"


class EnforcementCase(DomainModel):
    scope_organization = "organization"
    creator_field = "filed_by"  # 承办人: may not pass the legal review of their own case

    number = models.CharField("案件编号", max_length=32, unique=True, editable=False)
    cause = models.CharField("案由", max_length=200, help_text="如：未按照规定对从业人员进行安全生产教育和培训案")
    party_kind = models.CharField("当事人类型", max_length=8, choices=PartyKind.choices, default=PartyKind.UNIT)
    organization = models.ForeignKey(Organization, verbose_name="当事人单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="enforcement_cases")
    party_name = models.CharField("当事人", max_length=100, help_text="单位名称或个人姓名")
    party_code = models.CharField("统一社会信用代码/身份证号码", max_length=18, blank=True,
                                  help_text="个人的身份证号码不在公示中出现")
    party_representative = models.CharField("法定代表人（负责人）", max_length=32, blank=True)
    party_address = models.CharField("地址", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    finding = models.OneToOneField("supervision.Finding", verbose_name="来源：检查发现问题", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="case", editable=False)
    facts = models.TextField("违法事实")
    discretion_entry = models.CharField("裁量基准条目", max_length=32, blank=True, editable=False)
    discretion = DiscretionField("裁量结果", default=dict, blank=True, editable=False,
                                  help_text="所选违法行为、各项适用条件的回答、裁量阶次和依据")
    fine_cny = YuanField("罚款（万元）", null=True, blank=True, editable=False)
    other_penalty = models.CharField("其他处罚", max_length=200, blank=True, help_text="如：警告；责令停产停业整顿")
    complex_case = models.BooleanField("情节复杂或重大违法", default=False,
                                       help_text="须经负责人集体讨论（行政处罚法第五十七条第二款）")
    hearing_requested = models.BooleanField("当事人要求听证", default=False, editable=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, on_delete=models.SET_NULL,
                                 related_name="+", editable=False)
    state = models.CharField("状态", max_length=16, choices=CaseState.choices, default=CaseState.FILED,
                             db_index=True, editable=False)
    filed_on = models.DateField("立案日期", editable=False)
    notified_on = models.DateField("告知日期", null=True, blank=True, editable=False)
    decided_on = models.DateField("决定日期", null=True, blank=True, editable=False)
    executed_on = models.DateField("执行完毕日期", null=True, blank=True, editable=False)
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "执法案件"
        ordering = ["-filed_on", "-id"]

    def __str__(self):
        return f"{self.number} {self.cause}"

    def clean(self):
        super().clean()
        if self.party_kind == PartyKind.UNIT and not self.organization_id and not self.party_code:
            raise ValidationError({"organization": "当事人为单位时须选择单位或填写统一社会信用代码"})

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.supervision import caseservices

        caseservices.on_transition(self, name, inputs, actor)

    def display_fine_cny(self) -> str:
        """"1.2（12,000 元）": the 万元 the label says and the exact yuan kept."""
        from yingji.core.framework.money import wan_text, yuan_text

        return f"{wan_text(self.fine_cny, grouped=True)}（{yuan_text(self.fine_cny)} 元）" if self.fine_cny is not None else ""

    def display_discretion(self) -> str:
        d = self.discretion or {}
        if not d:
            return ""
        return f"裁量阶次：{d.get('tier')}；条件：{'；'.join(d.get('reasons', []))}；{d.get('citation')}"

    def document(self, kind):
        return self.documents.filter(kind=kind).order_by("-issued_at").first()


class Paper(DomainModel):
    """An enforcement paper (a case's or an on-site check's): numbered when issued, what it says kept as
    issued (``content``; the .docx is drawn from that), and its 送达 when it goes to the party."""

    number = models.CharField("文书编号", max_length=48, unique=True)
    issued_at = models.DateTimeField("制作时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制作人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField("文书内容", default=dict)
    served_method = models.CharField("送达方式", max_length=16, choices=ServiceMethod.choices, blank=True)
    served_at = models.DateTimeField("送达时间", null=True, blank=True)
    served_to = models.CharField("受送达人", max_length=64, blank=True)
    served_by = models.CharField("送达人", max_length=64, blank=True)
    receipt = models.CharField("回执情况", max_length=200, blank=True,
                               help_text="签收人及签收情况；留置送达写明见证人；邮寄送达写明邮件号")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class CaseDocument(Paper):
    """A paper of a case, numbered per kind and year."""

    scope_parent = "case"
    scope_organization = "organization"

    case = models.ForeignKey(EnforcementCase, verbose_name="案件", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=20, choices=DocKind.choices, db_index=True)
    organization = models.ForeignKey(Organization, verbose_name="当事人单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "执法文书"
        ordering = ["case", "issued_at", "id"]

    @property
    def served_to_party(self) -> bool:
        return self.kind in SERVED_TO_PARTY


class CaseRule(JurisdictionRule):
    """A jurisdiction's own value for one of the case clocks or thresholds (data/case-rules.json holds
    the national defaults with their sources); the nearest region's value wins."""

    rule_defaults = staticmethod(caselaw.defaults)

    class Meta(JurisdictionRule.Meta):
        verbose_name = verbose_name_plural = "执法时限与门槛"
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="case_rule_once_per_region")]
