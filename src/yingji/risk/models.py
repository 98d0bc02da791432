"""Risk points (风险点) and their assessments; the point's level is its latest assessment's."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.safestring import mark_safe

from yingji.core.models import DomainModel, GeoPoint, Organization, Region, ScopedPart
from yingji.risk import scoring
from yingji.risk.choices import ACCIDENT_TYPES, HazardFactor, Level, Method, RiskPointKind


def validate_accident_types(value: str):
    unknown = [t for t in re.split(r"[,，、\s]+", value.strip()) if t and t not in ACCIDENT_TYPES]
    if unknown:
        raise ValidationError(f"不是 GB 6441 事故类别：{'、'.join(unknown)}；可选：{'、'.join(ACCIDENT_TYPES)}")


class RiskPoint(DomainModel, GeoPoint):
    scope_organization = "organization"

    name = models.CharField("风险点名称", max_length=100)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="risk_points")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="risk_points")
    kind = models.CharField("风险点类型", max_length=12, choices=RiskPointKind.choices)
    hazard_factor = models.CharField("危险有害因素大类（GB/T 13861）", max_length=12, choices=HazardFactor.choices)
    hazard_details = models.TextField("危险有害因素", blank=True)
    accident_types = models.CharField("可能导致的事故类型（GB 6441）", max_length=200,
                                      validators=[validate_accident_types], help_text="多个用顿号分隔，如：火灾、容器爆炸")
    responsible_person = models.CharField("责任人", max_length=32)
    responsible_phone = models.CharField("责任人电话", max_length=20, blank=True)
    engineering_measures = models.TextField("工程技术措施", blank=True)
    management_measures = models.TextField("管理措施", blank=True)
    training_measures = models.TextField("培训教育措施", blank=True)
    ppe_measures = models.TextField("个体防护措施", blank=True)
    emergency_measures = models.TextField("应急处置措施", blank=True)
    review_date = models.DateField("复评日期", null=True, blank=True)
    level = models.CharField("风险等级", max_length=10, choices=Level.choices, blank=True, db_index=True, editable=False)
    assessed_at = models.DateTimeField("评估时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "风险点"
        ordering = ["name"]

    def __str__(self):
        return self.name


# The keys and level codes are a format people type: shown as code (the page marks them so).
BANDS_HELP = mark_safe(
    '从最严重的一级写起，每级一项：<code>label</code> 名称（按本地或企业标准的叫法）、<code>level</code> 颜色等级'
    '（<code>major</code> 红/<code>high</code> 橙/<code>moderate</code> 黄/<code>low</code> 蓝，决定四色图和清单中的颜色）、'
    '<code>bound</code> 下限、<code>inclusive</code> 是否含下限本数（<code>true</code> 为“以上”，<code>false</code> 为'
    '“超过”）；最低一级不写下限。如两级方案：<code>[{"label": "重大风险", "level": "major", "bound": 160}, '
    '{"label": "一般风险", "level": "moderate"}]</code>')


class RiskBandSetting(DomainModel):
    """A band scheme a region (and everything below it) or one enterprise uses instead of the defaults:
    any number of levels with their own labels and edges (scoring.Bands), with its source and the date
    it applies from. Without one the national defaults apply (scoring.LEC_BANDS, MATRIX_BANDS)."""

    scope_organization = "organization"

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+",
                               help_text="适用于该区划及其全部下级")
    organization = models.ForeignKey(Organization, verbose_name="适用单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text="填写则只适用于该单位，优先于区划设置")
    method = models.CharField("评估方法", max_length=8, choices=Method.choices)
    bands = models.JSONField("分级方案", default=list, help_text=BANDS_HELP)
    basis = models.CharField("依据", max_length=200, help_text="如：某省安全风险分级管控实施指南（2024）；企业自定标准写明文件名")
    effective_from = models.DateField("施行日期", help_text="评估时间在此日期及以后的评估按本方案分级；之前的仍按原方案")

    class Meta:
        verbose_name = verbose_name_plural = "风险分级阈值"
        ordering = ["region__code", "method", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["region", "organization", "method", "effective_from"],
                                               name="risk_band_unique")]

    def __str__(self):
        return f"{self.organization or self.region} {self.get_method_display()}（{self.effective_from}起）"

    def scheme(self) -> scoring.Bands:
        return scoring.bands_from_data(self.bands, self.basis)

    def display_bands(self) -> str:
        try:
            return self.scheme().describe()
        except ValueError as exc:
            return f"（方案无效：{exc}）"

    def clean(self):
        super().clean()
        try:
            self.scheme()
        except ValueError as exc:
            raise ValidationError({"bands": str(exc)}) from exc


def bands_for(point, method: str, on=None) -> scoring.Bands:
    """The scheme in force on the date ``on`` (default today): the enterprise's own, else the nearest
    region's (walking up the tree), else the national defaults. Among one owner's settings, the latest
    that had started by ``on``."""
    on = on or timezone.localdate()
    settings = (RiskBandSetting.objects.filter(method=method, effective_from__lte=on).select_related("region")
                .order_by("-effective_from"))
    if point.organization_id:
        own = settings.filter(organization_id=point.organization_id).first()
        if own:
            return own.scheme()
    candidates = [s for s in settings.filter(organization__isnull=True) if point.region.path.startswith(s.region.path)]
    if candidates:  # the nearest region; for one region the latest (the list is newest first, max keeps the first)
        return max(candidates, key=lambda s: len(s.region.path)).scheme()
    return scoring.LEC_BANDS if method == Method.LEC else scoring.MATRIX_BANDS


class RiskAssessment(ScopedPart):
    """One assessment; every one is kept (the history of a point's levels)."""

    scope_parent = "risk_point"

    risk_point = models.ForeignKey(RiskPoint, verbose_name="风险点", on_delete=models.CASCADE, related_name="assessments")
    method = models.CharField("评估方法", max_length=8, choices=Method.choices)
    likelihood = models.DecimalField("L 可能性", max_digits=5, decimal_places=2,
                                     help_text="LEC：10、6、3、1、0.5、0.2、0.1；矩阵：1–5")
    exposure = models.DecimalField("E 暴露频繁程度", max_digits=5, decimal_places=2, null=True, blank=True,
                                   help_text="LEC：10、6、3、2、1、0.5")
    consequence = models.DecimalField("C 后果 / S 严重程度", max_digits=5, decimal_places=2,
                                      help_text="LEC：100、40、15、7、3、1；矩阵：1–5")
    value = models.FloatField("风险值（D 或 R）", editable=False)
    level = models.CharField("风险等级", max_length=10, choices=Level.choices, editable=False)
    explanation = models.CharField("计算过程", max_length=300, editable=False)
    assessor = models.CharField("评估人", max_length=32)
    assessed_at = models.DateTimeField("评估时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "风险评估"
        ordering = ["-assessed_at", "-id"]

    def __str__(self):
        return f"{self.risk_point} {self.assessed_at:%Y-%m-%d} {self.get_level_display()}"

    def grade(self) -> scoring.Result:
        if self.method == Method.LEC:
            if self.exposure is None:
                raise ValidationError({"exposure": "LEC 法须填写 E"})
            return scoring.lec(self.likelihood, self.exposure, self.consequence, self.scheme())
        return scoring.matrix(self.likelihood, self.consequence, self.scheme())

    def scheme(self) -> scoring.Bands:
        on = timezone.localdate(self.assessed_at) if self.assessed_at else None
        return bands_for(self.risk_point, self.method, on)

    def clean(self):
        super().clean()
        if self.likelihood is None or self.consequence is None or not self.method:
            return
        try:
            self.grade()
        except ValueError as exc:
            field = "likelihood" if str(exc).startswith("L") else "exposure" if str(exc).startswith("E") else "consequence"
            raise ValidationError({field: str(exc)}) from exc

    def save(self, *args, **kwargs):
        result = self.grade()
        self.value, self.level, self.explanation = result.value, result.level, result.explanation
        super().save(*args, **kwargs)
        latest = self.risk_point.assessments.order_by("-assessed_at", "-id").first()
        RiskPoint.objects.filter(pk=self.risk_point_id).update(level=latest.level, assessed_at=latest.assessed_at)


class HazardSource(DomainModel, GeoPoint):
    """A production or storage unit identified by GB 18218-2018; its figures are kept with the date."""

    scope_organization = "organization"

    name = models.CharField("单元名称", max_length=100)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", on_delete=models.PROTECT,
                                     related_name="hazard_sources")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="hazard_sources")
    unit_kind = models.CharField("单元类型", max_length=12, choices=[("production", "生产单元"), ("storage", "储存单元")])
    people_within_500m = models.PositiveIntegerField("500 m 范围内暴露人数", default=0)
    is_major = models.BooleanField("构成重大危险源", default=False, editable=False)
    sum_ratio = models.DecimalField("Σq/Q", max_digits=12, decimal_places=4, null=True, editable=False)
    alpha = models.DecimalField("α", max_digits=3, decimal_places=1, null=True, editable=False)
    r_value = models.DecimalField("R 值", max_digits=12, decimal_places=2, null=True, editable=False)
    grade = models.CharField("重大危险源等级", max_length=4, blank=True, editable=False, db_index=True)
    calculation = models.TextField("计算过程", blank=True, editable=False)
    graded_at = models.DateTimeField("辨识分级时间", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重大危险源"
        ordering = ["organization__name", "name"]

    def __str__(self):
        return f"{self.organization}·{self.name}" if self.organization_id else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.regrade()

    def regrade(self):
        """Recompute from the current inventory (GB 18218 engine) and store every figure."""
        from yingji.risk import gb18218

        lines = [(item.chemical(), item.max_quantity_t) for item in self.inventory.all()]
        fields = {"is_major": False, "sum_ratio": None, "alpha": None, "r_value": None, "grade": "",
                  "calculation": "尚未登记危险化学品", "graded_at": timezone.now()}
        if lines:
            result = gb18218.identify(lines, self.people_within_500m)
            fields.update(is_major=result.is_major, sum_ratio=round(result.sum_ratio, 4), alpha=result.alpha,
                          r_value=round(result.r, 2) if result.r is not None else None, grade=result.grade or "",
                          calculation=result.explanation)
        HazardSource.objects.filter(pk=self.pk).update(**fields)
        for key, value in fields.items():
            setattr(self, key, value)


CATEGORY_HELP = ("不在表1中的化学品填写表2代码，如 W5.3；多个类别时填临界量最低的。表1中的化学品临界量按表1，一般不填；"
                 "同一类别按单元工况分档的可填其档位，β 按该档取值，如汽油：常温储存 W5.3（β 1），"
                 "工作温度高于沸点 W5.1（β 1.5），特殊工艺条件 W5.2")


class HazardInventory(DomainModel):
    """One hazardous chemical in a unit with its actual maximum quantity q (t)."""

    scope_organization = "organization"
    scope_parent = "hazard_source"

    hazard_source = models.ForeignKey(HazardSource, verbose_name="重大危险源单元", on_delete=models.CASCADE,
                                      related_name="inventory")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, editable=False, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="所属单位", on_delete=models.PROTECT, editable=False,
                                     related_name="+")
    chemical_name = models.CharField("危险化学品名称", max_length=60, blank=True,
                                     help_text="GB 18218 表1 中的名称或别名，如 液氯、甲醇")
    category_code = models.CharField("危险性类别代码（表2）", max_length=6, blank=True, help_text=CATEGORY_HELP)
    max_quantity_t = models.DecimalField("最大存在量 q（t）", max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = verbose_name_plural = "危险化学品存量"
        ordering = ["hazard_source", "chemical_name"]

    def __str__(self):
        return f"{self.chemical_name or self.category_code} {self.max_quantity_t} t"

    def chemical(self):
        from yingji.risk import gb18218

        return gb18218.lookup(self.chemical_name or None, (self.category_code,) if self.category_code else ())

    def _name_unknown(self) -> bool:
        """A name given that table 1 does not list (the category then stands in for it)."""
        from yingji.risk import gb18218

        return bool(self.chemical_name) and not any(self.chemical_name in c.aliases for c in gb18218.table1().values())

    def clean(self):
        super().clean()
        if not self.chemical_name and not self.category_code:
            raise ValidationError({"chemical_name": "请填写化学品名称（表1）或危险性类别代码（表2）"})
        try:
            self.chemical()
        except ValueError as exc:
            about_code = self.category_code and (not self._name_unknown() or str(exc).startswith("未知的危险性类别代码"))
            raise ValidationError({"category_code" if about_code else "chemical_name": str(exc)}) from exc
        if self.max_quantity_t is not None and self.max_quantity_t < 0:
            raise ValidationError({"max_quantity_t": "最大存在量不能为负数"})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.hazard_source.regrade()

    def delete(self, *args, **kwargs):
        source = self.hazard_source
        result = super().delete(*args, **kwargs)
        source.regrade()
        return result


class VulnerableTarget(DomainModel, GeoPoint):
    """脆弱性目标: places where people cannot easily protect themselves, near hazards."""

    KINDS = [("school", "学校"), ("kindergarten", "幼儿园"), ("hospital", "医院/卫生院"), ("elderly_care", "养老机构"),
             ("crowded_place", "人员密集场所"), ("residential", "居民集中区"), ("other", "其他")]

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=KINDS)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="vulnerable_targets")
    people = models.PositiveIntegerField("人数", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact = models.CharField("联系人及电话", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "脆弱性目标"
        ordering = ["name"]

    def __str__(self):
        return self.name
