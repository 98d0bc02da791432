"""yingji_bigrams(text): every two-character substring of a text, for the two-character search index
(core/framework/search.py). PostgreSQL only; a no-op elsewhere.

COST 5000 (the default for an SQL function is 100): computed for a row, it costs far more than a
LIKE, and the planner must know it — with the default it answered "烟花" on 100,000 organizations
by walking the name index for the list's order and computing the bigrams of five fields per row
(9.5 s) instead of reading the bigram indexes and sorting the 32 rows found (0.3 ms)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION yingji_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
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
