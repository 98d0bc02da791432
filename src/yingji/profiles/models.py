"""Rule tags of the enterprise profile (企业全息档案): the rules, as data a bureau edits, and the tags on each
enterprise — computed by the rules' job (with the facts that made them true) or set by a person (who,
when, why)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models import DomainModel, Organization, Region


class TagKind(models.TextChoices):
    RULE = "rule", "规则标签"
    MANUAL = "manual", "人工标签"


class TagRule(DomainModel):
    """One tag rule: a condition over an enterprise's fields and counts of its related records
    (tagrules.py), with its source; shared down to every unit under the jurisdiction that owns it."""

    scope_shared_down = True  # a county's rules are read by its townships; changed by the county

    code = models.SlugField("规则代码", max_length=48, unique=True)
    label = models.CharField("标签名称", max_length=40)
    colour = models.CharField("颜色", max_length=7, default="#d9001b",
                              help_text="红 #d9001b、橙 #ff7d00、黄 #f7ba1e、蓝 #1677ff")
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    description = models.CharField("说明", max_length=300, blank=True)
    expression = models.JSONField("规则", help_text=("条件（JSON）：all（全部满足）、any（任一满足）、not（不满足）"
                                                   "组合字段条件与关联记录计数，见用户手册"))
    enabled = models.BooleanField("启用", default=True)
    source = models.CharField("来源", max_length=200, default="平台默认（未核实）")
    source_date = models.DateField("来源日期", null=True, blank=True)
    confirmed = models.BooleanField("已核实", default=False, help_text="依据已对照原文核实")
    last_run_at = models.DateTimeField("最近计算时间", null=True, blank=True, editable=False)
    matched = models.PositiveIntegerField("命中单位数", default=0, editable=False)
    skipped = models.CharField("未运行原因", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "标签规则"
        ordering = ["code"]

    def __str__(self):
        return self.label

    def clean(self):
        from yingji.profiles import services

        super().clean()
        try:
            services.check_rule(self.expression)
        except ValueError as exc:
            raise ValidationError({"expression": str(exc)}) from exc


class EnterpriseTag(DomainModel):
    """A tag on an enterprise: by a rule (the job keeps it while the rule holds, with the facts behind
    it) or by a person (with why)."""

    scope_organization = "organization"
    scope_parent = "organization"  # its region is the enterprise's, before scope checks and on save
    creator_field = "tagged_by"

    organization = models.ForeignKey(Organization, verbose_name="单位", on_delete=models.CASCADE,
                                     related_name="profile_tags")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField("类型", max_length=8, choices=TagKind.choices, default=TagKind.MANUAL, editable=False)
    rule = models.ForeignKey(TagRule, verbose_name="规则", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="tags", editable=False)
    code = models.CharField("标签代码", max_length=48, db_index=True, editable=False)
    label = models.CharField("标签", max_length=40)
    reason = models.CharField("理由", max_length=300, blank=True, help_text="人工标签必填：为什么打这个标签")
    facts = models.JSONField("依据事实", default=list, blank=True, editable=False)
    since = models.DateTimeField("标记时间", null=True, editable=False)
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="标记人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "企业标签"
        ordering = ["organization", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="profile_tag_once")]
        indexes = [models.Index(fields=["code", "region"], name="profile_tag_code_region")]

    def __str__(self):
        return f"{self.label}（{self.organization}）" if self.organization_id else self.label

    def save(self, *args, **kwargs):
        if self.kind == TagKind.MANUAL:
            self.code = f"m-{self.label}"[:48]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kind == TagKind.MANUAL and not self.reason.strip():
            raise ValidationError({"reason": "人工标签请写明理由"})
        if self.organization_id and self.organization.kind != "enterprise":
            raise ValidationError({"organization": "标签只用于企业"})
