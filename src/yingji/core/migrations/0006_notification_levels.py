"""Notification levels outside the declared set become the level they meant (issue 14, point 2c).

The reporting clocks' escalation (报告超时), a blocked task (任务受阻) and an overdue plan revision were
written with level "danger", which is not a choice: the notifications page showed no 紧急 badge for the
most urgent message there is. "danger" (and the other words for it) become 紧急 (urgent); any other
unknown value becomes 提示 (info), the field's default. From now on ``notify`` refuses an unknown level.
"""

from django.db import migrations

VALID = ("info", "warning", "urgent")
MEANT = {"danger": "urgent", "error": "urgent", "critical": "urgent", "alert": "urgent", "warn": "warning"}


def map_levels(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    stored = Notification.objects.exclude(level__in=VALID)
    for level in stored.order_by().values_list("level", flat=True).distinct():
        stored.filter(level=level).update(level=MEANT.get(level.strip().lower(), "info"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_importjob'),
    ]

    operations = [
        migrations.RunPython(map_levels, migrations.RunPython.noop),
    ]
