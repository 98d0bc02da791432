"""yingji_bigrams(text): every two-character substring of a text, for the two-character search index
(core/framework/search.py). PostgreSQL only; a no-op elsewhere."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION yingji_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
  FROM generate_series(1, length(value) - 1) AS i
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS yingji_bigrams(text) CASCADE")


class Migration(migrations.Migration):

    dependencies = [("core", "0010_user_administration")]

    operations = [migrations.RunPython(create, drop)]
