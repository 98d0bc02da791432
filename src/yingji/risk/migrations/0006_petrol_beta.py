"""GB 18218 β of 汽油 (and 二硫化碳) corrected from W5.1 to W5.3 (issue 15, point 4; see
docs/standards-gb18218.md), and a table-1 chemical may now name the sub-category its unit's
conditions put it in (汽油 worked above its boiling point: W5.1).

Stored figures are brought up to date: every hazard source with an inventory is graded again with
the corrected tables. A category code stored on a table-1 chemical had no effect before; one that is
not a sub-category of the chemical's own class (or any code on a table-3 gas) is cleared, so that
such rows grade exactly as before and stay valid; one that is (汽油 + W5.1) now decides β."""

from django.db import migrations, models
from django.utils import timezone

from yingji.risk import gb18218

HELP = ("不在表1中的化学品填写表2代码，如 W5.3；多个类别时填临界量最低的。表1中的化学品临界量按表1，一般不填；"
        "同一类别按单元工况分档的可填其档位，β 按该档取值，如汽油：常温储存 W5.3（β 1），工作温度高于沸点 W5.1（β 1.5），"
        "特殊工艺条件 W5.2")


def regrade(apps, schema_editor):
    Inventory = apps.get_model("risk", "HazardInventory")
    Source = apps.get_model("risk", "HazardSource")
    for item in Inventory.objects.exclude(category_code="").exclude(chemical_name=""):
        try:
            gb18218.lookup(item.chemical_name, (item.category_code,))
        except ValueError:
            try:
                gb18218.lookup(item.chemical_name)
            except ValueError:
                continue  # not a table-1 name: the code is what classifies it; left as it is
            Inventory.objects.filter(pk=item.pk).update(category_code="")
    for source in Source.objects.filter(pk__in=Inventory.objects.values("hazard_source")):
        lines = []
        for item in Inventory.objects.filter(hazard_source=source):
            try:
                lines.append((gb18218.lookup(item.chemical_name or None,
                                             (item.category_code,) if item.category_code else ()), item.max_quantity_t))
            except ValueError:
                lines = None  # a row the tables cannot place: leave this unit's stored figures alone
                break
        if not lines:
            continue
        result = gb18218.identify(lines, source.people_within_500m)
        Source.objects.filter(pk=source.pk).update(
            is_major=result.is_major, sum_ratio=round(result.sum_ratio, 4), alpha=result.alpha,
            r_value=round(result.r, 2) if result.r is not None else None, grade=result.grade or "",
            calculation=result.explanation, graded_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0005_band_schemes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hazardinventory", name="category_code",
            field=models.CharField(blank=True, help_text=HELP, max_length=6, verbose_name="危险性类别代码（表2）"),
        ),
        migrations.RunPython(regrade, migrations.RunPython.noop),
    ]
