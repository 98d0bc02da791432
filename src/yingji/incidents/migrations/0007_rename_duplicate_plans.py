"""Before plan names become unique (0008): a database that already holds plans sharing a name has
them renamed deterministically — in id order the first keeps the name and each later one gets
“（2）”, “（3）”… appended — so the constraint can be added; the renamed plans are then easy to find
and retitle by hand. Runs the same on PostgreSQL and SQLite; nothing to undo on the way back."""

from django.db import migrations


def rename_duplicates(model, field="name", together=()):
    """Rename every record whose ``field`` (with ``together``) repeats an earlier record's, in id order:
    the first keeps the name, the next get “（2）”, “（3）”… appended (cut to fit, never onto a name in use)."""
    max_length = model._meta.get_field(field).max_length
    columns = (*together, field)
    taken = set(model.objects.values_list(*columns))
    seen = set()
    for row in model.objects.order_by(*columns, "pk").values_list("pk", *columns):
        pk, key = row[0], tuple(row[1:])
        if key not in seen:
            seen.add(key)
            continue
        n = 2
        while True:
            suffix = f"（{n}）"
            candidate = key[:-1] + (key[-1][:max_length - len(suffix)] + suffix,)
            if candidate not in taken:
                break
            n += 1
        model.objects.filter(pk=pk).update(**{field: candidate[-1]})
        taken.add(candidate)



def dedupe(apps, schema_editor):
    rename_duplicates(apps.get_model("incidents", "Plan"))


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0006_one_active_response"),
    ]

    operations = [
        migrations.RunPython(dedupe, migrations.RunPython.noop),
    ]
