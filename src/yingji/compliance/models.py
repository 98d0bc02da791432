"""安全生产责任险 and 三项岗位人员: each enterprise's policies (保单) with the insurer's 事故预防技术服务 visits,
its 主要负责人, 安全生产管理人员 and 特种作业人员 with their certificates and yearly training hours, the
jurisdiction's rules (overrides of data/compliance-rules.json), and the alerts the rules give (alerts.py),
each one a record in a small workflow whose open state is a to-do (core/framework/todos.py).

Every record keeps its enterprise's region and organization, so an enterprise account sees exactly its own
and a township the enterprises under it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from yingji.compliance import rules
from yingji.compliance.choices import AlertKind, AlertState, CertificateKind, CertStatus, Post, TrainingKind
from yingji.core.framework.moneyfields import YuanField
from yingji.core.models import DomainModel, JurisdictionRule, Organization, Region, ScopedPart


class ComplianceRule(JurisdictionRule):
    """A jurisdiction's own value for one of the rules (data/compliance-rules.json holds the national
    defaults with their sources); the nearest region's value wins."""

    rule_defaults = staticmethod(rules.defaults)

    class Meta(JurisdictionRule.Meta):
        verbose_name = verbose_name_plural = "安责险与持证规则"
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="compliance_rule_once_per_region")]



class EnterpriseRecord(DomainModel):
    """A record of one enterprise: its region follows the enterprise's."""

    scope_organization = "organization"

    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        abstract = True

    def clean(self):
        if self.organization_id:
            self.region_id = self.organization.region_id
        super().clean()

    def save(self, *args, **kwargs):
        if self.organization_id and not self.region_id:
            self.region_id = self.organization.region_id
        super().save(*args, **kwargs)


class Policy(EnterpriseRecord):
    """安全生产责任保险保单."""

    organization = models.ForeignKey(Organization, verbose_name="投保单位", on_delete=models.PROTECT,
                                     related_name="safety_policies")
    insurer = models.CharField("保险机构", max_length=100)
    number = models.CharField("保单号", max_length=64, unique=True)
    starts_on = models.DateField("保险期间起", db_index=True)
    ends_on = models.DateField("保险期间止", db_index=True, help_text="保险期间的最后一日")
    insured_headcount = models.PositiveIntegerField("投保人数", help_text="应覆盖全体从业人员（含劳务派遣、临时聘用人员）")
    limit_cny = YuanField("每人死亡伤残责任限额（万元）", help_text="如“40”（万元）")
    premium_cny = YuanField("保费（万元）", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全生产责任保险"
        ordering = ["-ends_on", "organization__name"]

    def __str__(self):
        return f"{self.number} {self.organization}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "保险期间止不能早于保险期间起"})


class PreventionVisit(ScopedPart):
    """保险机构的事故预防技术服务: one visit under a policy."""

    scope_parent = "policy"

    policy = models.ForeignKey(Policy, verbose_name="保单", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("服务日期")
    provider = models.CharField("服务机构及人员", max_length=120)
    content = models.CharField("服务内容", max_length=300, help_text="如：安全风险辨识评估、隐患排查、安全培训、应急演练指导")
    problems = models.PositiveIntegerField("发现问题数", default=0)
    report = models.TextField("服务报告摘要", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事故预防技术服务"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.content[:20]}"


class Worker(EnterpriseRecord):
    """三项岗位人员: a 主要负责人, 安全生产管理人员 or 特种作业人员 of an enterprise."""

    organization = models.ForeignKey(Organization, verbose_name="所在单位", on_delete=models.PROTECT,
                                     related_name="post_holders")
    name = models.CharField("姓名", max_length=32)
    id_number = models.CharField("身份证号码", max_length=18, help_text="18 位公民身份号码（GB 11643）")
    post = models.CharField("岗位类别", max_length=16, choices=Post.choices, db_index=True)
    job = models.CharField("职务或作业岗位", max_length=64, blank=True, help_text="如：总经理、安全科长、电工、焊工")
    active = models.BooleanField("在岗", default=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "三项岗位人员"
        ordering = ["organization__name", "post", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "id_number", "post"],
                                               name="compliance_worker_once_per_post")]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"

    def clean(self):
        super().clean()
        from yingji.core.directory.codes import id_number_error

        self.id_number = (self.id_number or "").strip().upper()
        error = id_number_error(self.id_number) if self.id_number else "请填写身份证号码"
        if error:
            raise ValidationError({"id_number": f"身份证号码{error}"})


class Certificate(ScopedPart):
    """A certificate of a 三项岗位 person: 特种作业操作证 (valid 6 years, reviewed every 3) or the
    安全生产知识和管理能力考核合格证 of a 主要负责人 or 安全生产管理人员."""

    scope_parent = "worker"

    worker = models.ForeignKey(Worker, verbose_name="持证人", on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField("证书类型", max_length=16, choices=CertificateKind.choices)
    operation = models.CharField("作业类别/操作项目", max_length=64, blank=True, help_text="特种作业：如“电工作业·低压电工作业”")
    number = models.CharField("证书编号", max_length=40)
    issuer = models.CharField("发证机关", max_length=100)
    issued_on = models.DateField("初领（发证）日期")
    review_due = models.DateField("应复审日期", null=True, blank=True, help_text="特种作业操作证不填时按每3年复审计算")
    expires_on = models.DateField("有效期至", null=True, blank=True, db_index=True,
                                  help_text="不填时按规则计算（特种作业操作证6年，其他3年）")
    status = models.CharField("证书状态", max_length=10, choices=CertStatus.choices, default=CertStatus.VALID,
                              editable=False, db_index=True, help_text="由核查规则按到期与复审日期计算")

    class Meta:
        verbose_name = verbose_name_plural = "三项岗位人员证书"
        ordering = ["expires_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="compliance_certificate_number_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        super().clean()
        from yingji.compliance import services

        if self.worker_id and self.kind:
            special = self.worker.post == Post.SPECIAL
            if special != (self.kind == CertificateKind.SPECIAL):
                raise ValidationError({"kind": "特种作业人员持特种作业操作证；主要负责人、安全生产管理人员持安全生产知识和"
                                               "管理能力考核合格证"})
        if self.issued_on and self.worker_id:
            services.fill_dates(self)
            if self.expires_on < self.issued_on:
                raise ValidationError({"expires_on": "有效期至不能早于发证日期"})


class Training(ScopedPart):
    """Hours of safety training a person took in a year (初次培训 or 再培训)."""

    scope_parent = "worker"

    worker = models.ForeignKey(Worker, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings")
    year = models.PositiveIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True)
    kind = models.CharField("培训类型", max_length=10, choices=TrainingKind.choices, default=TrainingKind.REFRESHER)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    provider = models.CharField("培训机构", max_length=100, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全培训学时"
        ordering = ["-year", "worker"]

    def __str__(self):
        return f"{self.worker.name} {self.year} 年 {self.hours} 学时"

    def clean(self):
        super().clean()
        if self.completed_on and self.year and self.completed_on.year != self.year:
            raise ValidationError({"completed_on": f"完成日期应在 {self.year} 年内"})


class Alert(DomainModel):
    """One alert of the rules (alerts.py) about an enterprise, a policy, a certificate or a training year.
    Open while the rule still finds it (a to-do for the enterprise and the office); the rules' job clears
    it when the facts change (a new policy, a renewed certificate), or the office waives it with a reason."""

    scope_organization = "organization"

    organization = models.ForeignKey(Organization, verbose_name="企业", on_delete=models.CASCADE,
                                     related_name="compliance_alerts")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField("预警类型", max_length=20, choices=AlertKind.choices, db_index=True, editable=False)
    subject = models.CharField("对象", max_length=60, editable=False, db_index=True)
    detail = models.CharField("情况", max_length=300, editable=False)
    rule = models.CharField("依据", max_length=300, editable=False, blank=True)
    due_on = models.DateField("届满日期", null=True, blank=True, editable=False)
    policy = models.ForeignKey(Policy, verbose_name="保单", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="alerts", editable=False)
    certificate = models.ForeignKey(Certificate, verbose_name="证书", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="alerts", editable=False)
    worker = models.ForeignKey(Worker, verbose_name="人员", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="alerts", editable=False)
    state = models.CharField("状态", max_length=10, choices=AlertState.choices, default=AlertState.OPEN, db_index=True,
                             editable=False)
    opened_on = models.DateField("预警日期", editable=False, db_index=True)
    closed_on = models.DateField("消除日期", null=True, blank=True, editable=False)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="说明人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "安责险与持证预警"
        ordering = ["state", "-opened_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.organization}"

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.compliance import services

        services.on_alert_transition(self, name, actor)
