"""Time-series storage for readings: batched writes, minute/hour aggregates, partitions, retention.

Sizing (docs/monitoring.md): 10,000 sensors × one reading a minute is 5.3 billion rows a year.
On PostgreSQL the reading and aggregate tables are range-partitioned by month, so a month is one
table (~440M rows, its own primary-key index) and retention is ``DROP TABLE`` of whole months
instead of a delete. A DEFAULT partition takes anything outside the prepared months, so a write
never fails for want of a partition. Writes go through a temporary staging table — loaded with
COPY on PostgreSQL, ``executemany`` on SQLite — then one ``INSERT … SELECT … ON CONFLICT DO
NOTHING RETURNING``: duplicates (same sensor and timestamp) are dropped by the primary key, and
only the rows really inserted feed the aggregates and the alarm rules.
"""

from __future__ import annotations

import datetime
import io

import numpy as np
from django.db import connection

PARTITIONED = {"monitoring_reading": "ts", "monitoring_readingminute": "bucket", "monitoring_readinghour": "bucket"}
AGGREGATES = (("monitoring_readingminute", 60), ("monitoring_readinghour", 3600))


def is_postgres(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


# --- schema -----------------------------------------------------------------------------------

def create_table(schema_editor, model) -> None:
    """Migration helper: a partitioned table on PostgreSQL, a plain one elsewhere."""
    table = model._meta.db_table
    if not is_postgres(schema_editor.connection):
        schema_editor.create_model(model)
        return
    time_col = PARTITIONED[table]
    cols = {"monitoring_reading": "value double precision NOT NULL"}.get(
        table, "n integer NOT NULL, total double precision NOT NULL, vmin double precision NOT NULL, "
               "vmax double precision NOT NULL")
    schema_editor.execute(
        f"CREATE TABLE {table} (sensor_id bigint NOT NULL, {time_col} timestamptz NOT NULL, {cols}, "
        f"PRIMARY KEY (sensor_id, {time_col})) PARTITION BY RANGE ({time_col})")
    schema_editor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")


def drop_table(schema_editor, model) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {model._meta.db_table} CASCADE")


def _month(d: datetime.date, add: int = 0) -> datetime.date:
    m = d.year * 12 + d.month - 1 + add
    return datetime.date(m // 12, m % 12 + 1, 1)


def ensure_partitions(today: datetime.date | None = None, months_ahead: int = 2, months_back: int = 1) -> list[str]:
    """Create the monthly partitions around ``today`` that do not exist yet (PostgreSQL only)."""
    if not is_postgres():
        return []
    today = today or datetime.date.today()
    created = []
    with connection.cursor() as cur:
        for table in PARTITIONED:
            for k in range(-months_back, months_ahead + 1):
                start, end = _month(today, k), _month(today, k + 1)
                name = f"{table}_y{start.year}m{start.month:02d}"
                cur.execute("SELECT to_regclass(%s)", [name])
                if cur.fetchone()[0] is None:
                    # Rows already in DEFAULT for this month would block the new partition: move them.
                    cur.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)")
                    cur.execute(f"WITH moved AS (DELETE FROM {table}_default WHERE {PARTITIONED[table]} >= %s "
                                f"AND {PARTITIONED[table]} < %s RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                                [start, end])
                    cur.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                                [start.isoformat(), end.isoformat()])
                    created.append(name)
    return created


def partitions_after_migrate(using="default", **kwargs) -> None:
    from django.db import connections

    if is_postgres(connections[using]) and using == "default":
        ensure_partitions()


def apply_retention(now: datetime.datetime, keep_days: dict[str, int]) -> list[str]:
    """Drop (PostgreSQL) or delete (SQLite) data older than each table's retention."""
    done = []
    with connection.cursor() as cur:
        for table, days in keep_days.items():
            cutoff = now - datetime.timedelta(days=days)
            col = PARTITIONED[table]
            if is_postgres():
                cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s AND c.relname ~ %s",
                            [table, r"_y\d{4}m\d{2}$"])
                for (name,) in cur.fetchall():
                    year, month = int(name[-7:-3]), int(name[-2:])
                    if _month(datetime.date(year, month, 1), 1) <= cutoff.date():
                        cur.execute(f"DROP TABLE {name}")
                        done.append(name)
                cur.execute(f"DELETE FROM {table}_default WHERE {col} < %s", [cutoff])
            else:
                cur.execute(f"DELETE FROM {table} WHERE {col} < %s", [connection.ops.adapt_datetimefield_value(cutoff)])
                if cur.rowcount:
                    done.append(f"{table}: {cur.rowcount}")
    return done


# --- writes -----------------------------------------------------------------------------------

def _sqlite_time(epoch: float) -> str:
    # Django's SQLite backend stores aware datetimes as naive UTC text; match it exactly.
    return connection.ops.adapt_datetimefield_value(datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC))


def _stage(cur, rows: tuple[np.ndarray, ...], columns: str) -> None:
    """Load rows into the session's temporary table ``_stage`` (created empty if needed)."""
    if is_postgres():
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS _stage (sensor_id bigint, epoch double precision, "
                    "value double precision) ON COMMIT DELETE ROWS")
        cur.execute("TRUNCATE _stage")  # also empty inside a transaction that has not committed yet
        buf = io.StringIO()
        np.savetxt(buf, np.column_stack(rows), fmt=("%d", "%.6f", "%.17g"), delimiter="\t")
        with cur.cursor.copy(f"COPY _stage ({columns}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
    else:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS _stage (sensor_id integer, ts text, value real)")
        cur.execute("DELETE FROM _stage")
        cur.executemany("INSERT INTO _stage (sensor_id, ts, value) VALUES (%s, %s, %s)",
                        [(int(s), _sqlite_time(t), float(v)) for s, t, v in zip(*rows, strict=True)])


def store_readings(sensor: np.ndarray, ts: np.ndarray, value: np.ndarray):
    """Insert readings, ignoring ones already stored; return (sensor, ts, value) of those inserted.

    Must run inside a transaction (the PostgreSQL staging table empties on commit)."""
    if len(sensor) == 0:
        return sensor, ts, value
    with connection.cursor() as cur:
        if is_postgres():
            _stage(cur, (sensor, ts, value), "sensor_id, epoch, value")
            cur.execute("INSERT INTO monitoring_reading (sensor_id, ts, value) "
                        "SELECT sensor_id, to_timestamp(epoch), value FROM _stage "
                        "ON CONFLICT DO NOTHING RETURNING sensor_id, extract(epoch FROM ts)::float8, value")
        else:
            _stage(cur, (sensor, ts, value), "")
            cur.execute("INSERT INTO monitoring_reading (sensor_id, ts, value) SELECT sensor_id, ts, value FROM _stage "
                        "WHERE true ON CONFLICT DO NOTHING RETURNING sensor_id, ts, value")
        rows = cur.fetchall()
    if not rows:
        return np.empty(0, int), np.empty(0), np.empty(0)
    s, t, v = zip(*rows, strict=True)
    if not is_postgres():
        t = [_epoch_from_sqlite(x) for x in t]
    inserted = np.array(s, dtype=np.int64), np.array(t, dtype=float), np.array(v, dtype=float)
    _upsert_aggregates(*inserted)
    return inserted


def _epoch_from_sqlite(raw) -> float:
    # Django's SQLite connection converts declared datetime columns to naive (UTC) datetimes.
    at = raw if isinstance(raw, datetime.datetime) else datetime.datetime.fromisoformat(raw)
    return at.replace(tzinfo=datetime.UTC).timestamp()


def _upsert_aggregates(sensor: np.ndarray, ts: np.ndarray, value: np.ndarray) -> None:
    """Fold newly inserted readings into the minute and hour buckets (vectorised grouping)."""
    pg = is_postgres()
    least, greatest = ("LEAST", "GREATEST") if pg else ("min", "max")
    with connection.cursor() as cur:
        for table, width in AGGREGATES:
            bucket = np.floor(ts / width) * width
            keys, inverse = np.unique(np.column_stack([sensor, bucket]), axis=0, return_inverse=True)
            inverse = inverse.ravel()
            n = np.bincount(inverse)
            total = np.bincount(inverse, weights=value)
            vmin = np.full(len(keys), np.inf)
            vmax = np.full(len(keys), -np.inf)
            np.minimum.at(vmin, inverse, value)
            np.maximum.at(vmax, inverse, value)
            update = (f"ON CONFLICT (sensor_id, bucket) DO UPDATE SET n = {table}.n + excluded.n, "
                      f"total = {table}.total + excluded.total, vmin = {least}({table}.vmin, excluded.vmin), "
                      f"vmax = {greatest}({table}.vmax, excluded.vmax)")
            if pg:  # one statement over arrays instead of a round trip per bucket
                cur.execute(f"INSERT INTO {table} (sensor_id, bucket, n, total, vmin, vmax) SELECT s, to_timestamp(b), "
                            "c, t, lo, hi FROM unnest(%s::bigint[], %s::float8[], %s::int[], %s::float8[], %s::float8[], "
                            f"%s::float8[]) AS u(s, b, c, t, lo, hi) {update}",
                            [keys[:, 0].astype(np.int64).tolist(), keys[:, 1].tolist(), n.tolist(), total.tolist(),
                             vmin.tolist(), vmax.tolist()])
            else:
                rows = [(int(k[0]), _sqlite_time(float(k[1])), int(c), float(t), float(lo), float(hi))
                        for k, c, t, lo, hi in zip(keys, n, total, vmin, vmax, strict=True)]
                cur.executemany(f"INSERT INTO {table} (sensor_id, bucket, n, total, vmin, vmax) "
                                f"VALUES (%s, %s, %s, %s, %s, %s) {update}", rows)


def store_readings_per_row(sensor: np.ndarray, ts: np.ndarray, value: np.ndarray) -> int:
    """The naive path — one ORM insert per reading — kept only as the benchmark's reference."""
    from django.db import IntegrityError, transaction

    from yingji.monitoring.models import Reading

    inserted = 0
    for s, t, v in zip(sensor, ts, value, strict=True):
        try:
            with transaction.atomic():
                Reading.objects.create(sensor_id=int(s), ts=datetime.datetime.fromtimestamp(t, tz=datetime.UTC), value=v)
                inserted += 1
        except IntegrityError:
            pass
    return inserted
