"""Before the natural keys of teams, warehouses, shelters and experts become unique (0004): a database
that already holds duplicates has them renamed deterministically — in id order the first record keeps
its name and each later one gets “（2）”, “（3）”… appended (experts: the name, where name and mobile
repeat) — so the constraints can be added. The renamed records are then easy to find and merge by hand.
Runs the same on PostgreSQL and SQLite; nothing to undo on the way back."""

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
    for name in ("Team", "Warehouse", "Shelter"):
        rename_duplicates(apps.get_model("resources", name))
    rename_duplicates(apps.get_model("resources", "Expert"), together=("mobile",))


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0002_dispatch_and_social_forces'),
    ]

    operations = [
        migrations.RunPython(dedupe, migrations.RunPython.noop),
    ]
