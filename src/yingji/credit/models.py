"""安全生产信用: the serious-dishonesty list (严重失信主体名单) of 应急管理部令第11号 — a listing proposed by a
rule with the facts that triggered it, told to the party (告知, 陈述申辩), decided in writing, published,
objected to, ended after its management period or removed early on an application reviewed with
evidence (and restored when the removal was obtained by fraud) — and each enterprise's credit class
(A/B/C/D) with why, which feeds the inspection frequency through supervision's 名录库."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yingji.core.models import DomainModel, Organization, Region, ScopedPart
from yingji.credit.choices import CreditClassCode, ListingState, RemovalState


class FactsField(models.JSONField):
    """The facts a proposal rests on (listing.Fact.record()), read in the history in words."""

    def history_text(self, text):
        import json

        try:
            rows = json.loads(text)
        except (TypeError, ValueError):
            return text
        if not isinstance(rows, list):
            return text
        return "；".join(f"{r.get('number', '')} {r.get('detail', '')}" for r in rows if isinstance(r, dict))


class Listing(DomainModel):
    """One entry (or proposal) of the serious-dishonesty list: an enterprise, the case of the 办法 it falls
    under and the platform's records that show it."""

    scope_organization = "organization"
    creator_field = "proposed_by"  # None when the rules' job proposed it

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    organization = models.ForeignKey(Organization, verbose_name="生产经营单位", on_delete=models.PROTECT,
                                     related_name="credit_listings")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)
    rule_code = models.CharField("列入情形", max_length=32, editable=False, db_index=True)
    rule_title = models.CharField("列入情形（文字）", max_length=200, editable=False)
    article = models.CharField("依据条款", max_length=120, editable=False)
    facts = FactsField("触发事实", default=list, blank=True, editable=False,
                       help_text="触发本条规则的事故、案件（编号、日期、等级或罚款）")
    basis_key = models.CharField("事实标识", max_length=300, unique=True, editable=False)
    why = models.CharField("规则说明", max_length=300, editable=False, blank=True)
    principal_name = models.CharField("主要负责人", max_length=32, blank=True,
                                      help_text="列入决定书载明；不在公开页面出现")
    issuer = models.CharField("决定机关", max_length=100, blank=True, help_text="如：浏阳市应急管理局（谁处罚、谁决定）")
    state = models.CharField("状态", max_length=12, choices=ListingState.choices, default=ListingState.PROPOSED,
                             db_index=True, editable=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    notice_number = models.CharField("告知书文号", max_length=48, blank=True, editable=False)
    notified_on = models.DateField("告知日期", null=True, blank=True, editable=False)
    statement_due = models.DateField("陈述申辩截止日", null=True, blank=True, editable=False)
    statement = models.TextField("陈述申辩意见", blank=True, editable=False)
    statement_on = models.DateField("陈述申辩日期", null=True, blank=True, editable=False)
    decision_number = models.CharField("决定书文号", max_length=48, blank=True, editable=False)
    decided_on = models.DateField("列入日期（决定日期）", null=True, blank=True, editable=False, db_index=True)
    ends_on = models.DateField("管理期限至", null=True, blank=True, editable=False, db_index=True)
    published_on = models.DateField("公布日期", null=True, blank=True, editable=False)
    ended_on = models.DateField("移出日期", null=True, blank=True, editable=False)
    objection = models.TextField("异议内容", blank=True, editable=False)
    objection_on = models.DateField("异议提出日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "严重失信主体名单"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.organization}"

    def save(self, *args, **kwargs):
        if self.organization_id and not self.region_id:
            self.region_id = self.organization.region_id
        if not self.number:
            from yingji.core.framework import numbering

            self.number = numbering.dated_number(Listing, "number", "SX", 3)
        super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.credit import services

        services.on_transition(self, name, inputs)

    def display_rule_code(self) -> str:
        from yingji.credit import rules

        try:
            r = rules.rule(self.rule_code)
        except KeyError:
            return self.rule_code
        return f"{'发生事故的' if r.group == 'accident' else '未发生事故、受到行政处罚的'}情形{r.item}"

    def display_facts(self) -> str:
        rows = self.facts if isinstance(self.facts, list) else []
        return "；".join(f"{f.get('number', '')} {f.get('detail', '')}" for f in rows if isinstance(f, dict))


class RemovalApplication(ScopedPart):
    """An application for early removal (信用修复), made after the listing's first 12 months, reviewed
    against the conditions with its evidence; approving removes the listing, revoking (fraud) restores it."""

    scope_parent = "listing"
    scope_organization = "organization"
    creator_field = "received_by"  # who took it in may not approve it

    listing = models.ForeignKey(Listing, verbose_name="名单", on_delete=models.PROTECT, related_name="removals")
    applied_on = models.DateField("申请日期", editable=False)
    conditions = models.JSONField("申请时声明满足的条件", default=dict, editable=False)
    evidence = models.TextField("证据材料", editable=False, help_text="罚款缴纳凭证、整改报告、信用承诺书等，逐项列明")
    state = models.CharField("状态", max_length=12, choices=RemovalState.choices, default=RemovalState.SUBMITTED,
                             db_index=True, editable=False)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="受理人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    reviewed_on = models.DateField("审核日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "提前移出申请"
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return f"提前移出申请 {self.pk} · {self.listing.number}"

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.credit import services

        services.on_removal_transition(self, name, inputs, actor)


class CreditRating(DomainModel):
    """An enterprise's credit class as last computed, with the reasons (classes.py over the platform's facts)."""

    scope_organization = "organization"

    organization = models.OneToOneField(Organization, verbose_name="企业", on_delete=models.CASCADE,
                                        related_name="credit_rating")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)
    credit_class = models.CharField("信用等级", max_length=2, choices=CreditClassCode.choices, editable=False, db_index=True)
    reasons = models.JSONField("评定理由", default=list, editable=False)
    scheme = models.CharField("分级方案", max_length=200, editable=False)
    computed_on = models.DateField("评定日期", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "企业信用等级"
        ordering = ["credit_class", "organization__name"]

    def __str__(self):
        return f"{self.organization} {self.credit_class}"

    def display_reasons(self) -> str:
        return "；".join(str(x) for x in self.reasons) if isinstance(self.reasons, list) else ""
