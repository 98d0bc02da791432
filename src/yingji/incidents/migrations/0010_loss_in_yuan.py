"""Direct economic loss is kept exactly in yuan (issue 15, point 3; decision 0012).

It was 万元 with two decimals: exact report figures (1234.567万元) were refused, and a figure rounded
to fit could cross a grade boundary (9,999,999.99 元 → 1000.00万元 → 较大). The column becomes
``direct_loss_cny``, Decimal yuan to the fen; stored figures are multiplied by 10,000 exactly. Grades
do not change (the same figures). Going back divides by 10,000 and refuses a figure that no longer
fits two decimals of 万元 rather than round it."""

from decimal import Decimal

from django.db import migrations, models

import yingji.core.framework.moneyfields

WAN = Decimal(10_000)


def to_yuan(apps, schema_editor):
    for name in ("Incident", "Report"):
        model = apps.get_model("incidents", name)
        for pk, loss in model.objects.exclude(direct_loss=None).values_list("pk", "direct_loss"):
            model.objects.filter(pk=pk).update(direct_loss=Decimal(loss) * WAN)


def to_wan(apps, schema_editor):
    for name in ("Incident", "Report"):
        model = apps.get_model("incidents", name)
        for pk, loss in model.objects.exclude(direct_loss=None).values_list("pk", "direct_loss"):
            wan = Decimal(loss) / WAN
            if wan != wan.quantize(Decimal("0.01")):
                raise RuntimeError(f"{name} {pk} 的直接经济损失 {loss} 元不能无损地写成两位小数的万元；请先改正后再回退")
            model.objects.filter(pk=pk).update(direct_loss=wan)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0009_team_readiness_follows_dispatches"),
    ]

    operations = [
        # wide enough for the yuan of any stored 万元 figure (12 digits, 2 places → 16, 2)
        migrations.AlterField(model_name="incident", name="direct_loss",
                              field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True)),
        migrations.AlterField(model_name="report", name="direct_loss",
                              field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True)),
        migrations.RunPython(to_yuan, to_wan),
        migrations.RenameField(model_name="incident", old_name="direct_loss", new_name="direct_loss_cny"),
        migrations.RenameField(model_name="report", old_name="direct_loss", new_name="direct_loss_cny"),
        migrations.AlterField(
            model_name="incident", name="direct_loss_cny",
            field=yingji.core.framework.moneyfields.YuanField(
                blank=True, null=True, verbose_name="直接经济损失（万元）",
                help_text="初步估计；不清楚可暂不填。按万元填写，可精确到分（如 1234.567）；也可注明单位，如“12345670元”"),
        ),
        migrations.AlterField(
            model_name="report", name="direct_loss_cny",
            field=yingji.core.framework.moneyfields.YuanField(
                blank=True, null=True, verbose_name="直接经济损失（万元）",
                help_text="按万元填写，可精确到分（如 1234.567）；也可注明单位，如“12345670元”"),
        ),
    ]
