"""Band settings become general schemes (issue 15, point 1): the three bounds of the four-level shape
become a list of bands, each with its label, level, bound and edge inclusivity; every setting also
carries the date it applies from, and its source is required.

Existing settings keep exactly the grading they had: the edges of the method's defaults (LEC: > for
重大, ≥ below; matrix: ≥ throughout), the four platform labels, in force since the day they were
created (before this change they applied to every assessment; an assessment dated before that day
that is saved again now takes the defaults). A setting without a source says so."""

import django.utils.timezone
from django.db import migrations, models

LABELS = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
NO_BASIS = "（迁移前未填写依据）"
BANDS_HELP = (
    '从最严重的一级写起，每级一项：label 名称（按本地或企业标准的叫法）、level 颜色等级（major 红/high 橙/'
    'moderate 黄/low 蓝，决定四色图和清单中的颜色）、bound 下限、inclusive 是否含下限本数（true 为“以上”，false 为'
    '“超过”）；最低一级不写下限。如两级方案：[{"label": "重大风险", "level": "major", "bound": 160}, '
    '{"label": "一般风险", "level": "moderate"}]')


def to_schemes(apps, schema_editor):
    Setting = apps.get_model("risk", "RiskBandSetting")
    for s in Setting.objects.all():
        major_inclusive = s.method != "lec"  # the LEC default: D > 320 is 重大; the matrix: R ≥ 20
        s.bands = [
            {"label": LABELS["major"], "level": "major", "bound": s.major_bound, "inclusive": major_inclusive},
            {"label": LABELS["high"], "level": "high", "bound": s.high_bound, "inclusive": True},
            {"label": LABELS["moderate"], "level": "moderate", "bound": s.moderate_bound, "inclusive": True},
            {"label": LABELS["low"], "level": "low"},
        ]
        s.effective_from = django.utils.timezone.localdate(s.created_at)
        s.basis = s.basis or NO_BASIS
        s.save(update_fields=["bands", "effective_from", "basis"])


def to_bounds(apps, schema_editor):
    """Back to three bounds: only for schemes of the old shape (four bands, the platform's levels in order)."""
    Setting = apps.get_model("risk", "RiskBandSetting")
    for s in Setting.objects.all():
        levels = [b.get("level") for b in s.bands]
        if levels != ["major", "high", "moderate", "low"]:
            raise RuntimeError(f"风险分级阈值 {s.pk} 不是四级方案，无法退回三个下限的旧格式；请先删除或改写该设置")
        s.major_bound, s.high_bound, s.moderate_bound = (b["bound"] for b in s.bands[:3])
        s.basis = "" if s.basis == NO_BASIS else s.basis
        s.save(update_fields=["major_bound", "high_bound", "moderate_bound", "basis"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_numbersequence"),
        ("risk", "0004_vulnerabletarget"),
    ]

    operations = [
        migrations.AddField(model_name="riskbandsetting", name="bands",
                            field=models.JSONField(default=list, verbose_name="分级方案")),
        migrations.AddField(model_name="riskbandsetting", name="effective_from",
                            field=models.DateField(null=True, verbose_name="施行日期")),
        migrations.AlterField(model_name="riskbandsetting", name="major_bound",
                              field=models.FloatField(null=True, verbose_name="重大风险下限")),
        migrations.AlterField(model_name="riskbandsetting", name="high_bound",
                              field=models.FloatField(null=True, verbose_name="较大风险下限")),
        migrations.AlterField(model_name="riskbandsetting", name="moderate_bound",
                              field=models.FloatField(null=True, verbose_name="一般风险下限")),
        migrations.RunPython(to_schemes, to_bounds),
        migrations.RemoveConstraint(model_name="riskbandsetting", name="risk_band_unique"),
        migrations.RemoveField(model_name="riskbandsetting", name="major_bound"),
        migrations.RemoveField(model_name="riskbandsetting", name="high_bound"),
        migrations.RemoveField(model_name="riskbandsetting", name="moderate_bound"),
        migrations.AlterModelOptions(
            name="riskbandsetting",
            options={"ordering": ["region__code", "method", "-effective_from"], "verbose_name": "风险分级阈值",
                     "verbose_name_plural": "风险分级阈值"},
        ),
        migrations.AlterField(
            model_name="riskbandsetting", name="bands",
            field=models.JSONField(default=list, help_text=BANDS_HELP, verbose_name="分级方案"),
        ),
        migrations.AlterField(
            model_name="riskbandsetting", name="basis",
            field=models.CharField(help_text="如：某省安全风险分级管控实施指南（2024）；企业自定标准写明文件名", max_length=200,
                                   verbose_name="依据"),
        ),
        migrations.AlterField(
            model_name="riskbandsetting", name="effective_from",
            field=models.DateField(help_text="评估时间在此日期及以后的评估按本方案分级；之前的仍按原方案", verbose_name="施行日期"),
        ),
        migrations.AddConstraint(
            model_name="riskbandsetting",
            constraint=models.UniqueConstraint(fields=("region", "organization", "method", "effective_from"),
                                               name="risk_band_unique"),
        ),
    ]
