"""Leave half of each sensor page free so the per-batch rule-state write (last value, level, last
seen — none of them indexed) is a HOT update: PostgreSQL then rewrites the row in place instead of
adding an entry to each of the registry's ten indexes, two of them trigram GIN indexes."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_sensor SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_sensor RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_report_permission")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
