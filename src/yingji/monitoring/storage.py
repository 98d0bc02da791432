"""Time-series storage for readings: batched writes, minute/hour aggregates, partitions, retention.

Sizing (docs/monitoring.md): 10,000 sensors × one reading a minute is 5.3 billion rows a year.
On PostgreSQL the reading and aggregate tables are range-partitioned by month, so a month is one
table (~440M rows, its own primary-key index) and retention is ``DROP TABLE`` of whole months
instead of a delete. A DEFAULT partition takes anything outside the prepared months, so a write
never fails for want of a partition. Writes go through a temporary staging table — loaded with
COPY on PostgreSQL, ``executemany`` on SQLite — then one ``INSERT … SELECT … ON CONFLICT DO
NOTHING RETURNING``: duplicates (same sensor and timestamp) are dropped by the primary key, and
only the rows really inserted reach the alarm rules. Minute and hour aggregates are recomputed
set-based every minute over a trailing window (``refresh_aggregates``), not per reading.
"""

from __future__ import annotations

import datetime
import json

import numpy as np
from django.db import IntegrityError, connection, transaction

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
        with cur.cursor.copy(f"COPY _stage ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_binary_copy(*rows))
    else:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS _stage (sensor_id integer, ts text, value real)")
        cur.execute("DELETE FROM _stage")
        cur.executemany("INSERT INTO _stage (sensor_id, ts, value) VALUES (%s, %s, %s)",
                        [(int(s), _sqlite_time(t), float(v)) for s, t, v in zip(*rows, strict=True)])


_COPY_ROW = np.dtype([("fields", ">i2"), ("len_s", ">i4"), ("sensor", ">i8"), ("len_t", ">i4"), ("epoch", ">f8"),
                      ("len_v", ">i4"), ("value", ">f8")])


_READING_ROW = np.dtype([("fields", ">i2"), ("len_s", ">i4"), ("sensor", ">i8"), ("len_t", ">i4"), ("epoch", ">i8"),
                         ("len_v", ">i4"), ("value", ">f8")])  # timestamptz: µs since 2000-01-01 UTC
_PG_EPOCH = 946684800.0
_PG_EPOCH_US = 946684800 * 1_000_000


def _binary_copy(sensor: np.ndarray, epoch: np.ndarray, value: np.ndarray, layout: np.dtype = _COPY_ROW) -> bytes:
    """Rows for ``COPY _stage FROM STDIN (FORMAT BINARY)`` built by NumPy in one go: the
    PostgreSQL binary copy layout is a fixed header, then per row a field count and, per field, its
    byte length and big-endian value, then a trailer."""
    rows = np.empty(len(sensor), dtype=layout)
    rows["fields"], rows["len_s"], rows["len_t"], rows["len_v"] = 3, 8, 8, 8
    rows["sensor"], rows["epoch"], rows["value"] = sensor, epoch, value
    return b"PGCOPY\n\xff\r\n\x00" + bytes(8) + rows.tobytes() + b"\xff\xff"


def store_readings(sensor: np.ndarray, ts: np.ndarray, value: np.ndarray):
    """Insert readings, ignoring ones already stored; return (sensor, ts, value) of those inserted.

    Must run inside a transaction (the PostgreSQL staging table empties on commit)."""
    if len(sensor) == 0:
        return sensor, ts, value
    with connection.cursor() as cur:
        if is_postgres():
            # Nearly every batch is all new: COPY it straight into the table, as fast as a raw COPY.
            # A batch holding a reading already stored (a redelivery) fails on the primary key as a
            # whole; its savepoint is rolled back and it goes the staged ON CONFLICT way.
            from psycopg.errors import UniqueViolation  # raised as is: the COPY runs on the driver's cursor

            micros = np.round((np.asarray(ts, dtype=float) - _PG_EPOCH) * 1e6).astype(np.int64)
            try:
                with transaction.atomic():
                    with cur.cursor.copy("COPY monitoring_reading (sensor_id, ts, value) FROM STDIN "
                                         "(FORMAT BINARY)") as copy:
                        copy.write(_binary_copy(sensor, micros, value, _READING_ROW))
                return sensor, (micros + _PG_EPOCH_US) / 1e6, value
            except (IntegrityError, UniqueViolation):
                pass
            _stage(cur, (sensor, ts, value), "sensor_id, epoch, value")
            # The inserted rows come back as three text columns parsed by NumPy, not 10,000 tuples.
            cur.execute("WITH ins AS (INSERT INTO monitoring_reading (sensor_id, ts, value) "
                        "SELECT sensor_id, to_timestamp(epoch), value FROM _stage "
                        "ON CONFLICT DO NOTHING RETURNING sensor_id, extract(epoch FROM ts)::float8 AS epoch, value) "
                        "SELECT count(*), string_agg(sensor_id::text, ','), string_agg(epoch::text, ','), "
                        "string_agg(value::text, ',') FROM ins")
            count, *cols = cur.fetchone()
            if not count:
                return np.empty(0, np.int64), np.empty(0), np.empty(0)
            return (_parse_column(cols[0], np.int64), _parse_column(cols[1]), _parse_column(cols[2]))
        _stage(cur, (sensor, ts, value), "")
        cur.execute("INSERT INTO monitoring_reading (sensor_id, ts, value) SELECT sensor_id, ts, value FROM _stage "
                    "WHERE true ON CONFLICT DO NOTHING RETURNING sensor_id, ts, value")
        rows = cur.fetchall()
    if not rows:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    s, t, v = zip(*rows, strict=True)
    return (np.array(s, dtype=np.int64), np.array([_epoch_from_sqlite(x) for x in t], dtype=float),
            np.array(v, dtype=float))


def _parse_column(text: str, dtype=float) -> np.ndarray:
    """A comma-joined column from ``string_agg`` (``NaN`` for NULL) as an array."""
    return np.array(text.split(","), dtype=float).astype(dtype)


def _epoch_from_sqlite(raw) -> float:
    # Django's SQLite connection converts declared datetime columns to naive (UTC) datetimes.
    at = raw if isinstance(raw, datetime.datetime) else datetime.datetime.fromisoformat(raw)
    return at.replace(tzinfo=datetime.UTC).timestamp()


def _window(since: datetime.datetime, until: datetime.datetime) -> tuple:
    since = since.replace(minute=0, second=0, microsecond=0)  # whole hours, so no bucket is cut
    if is_postgres():
        return since, until
    return tuple(connection.ops.adapt_datetimefield_value(x) for x in (since, until))


def _max_abs(max_abs: float | None) -> float:
    from yingji import config

    return float(config.env("YINGJI_READING_MAX_ABS")) if max_abs is None else max_abs


def quarantine_readings(since: datetime.datetime, until: datetime.datetime,
                        max_abs: float | None = None) -> list[tuple[int, float, float]]:
    """Remove from [since, until) the stored readings no valid reading can be (|value| above
    YINGJI_READING_MAX_ABS, NaN, infinity — let in before ingest checked them, or written around
    it) and return them as (sensor_id, epoch, value), for the dead letters. One of them would
    overflow the aggregates' sums and stop the job for every sensor."""
    bound = _max_abs(max_abs)
    lo, hi = _window(since, until)
    with connection.cursor() as cur:
        epoch = "extract(epoch FROM ts)::float8" if is_postgres() else "ts"
        cur.execute(f"DELETE FROM monitoring_reading WHERE ts >= %s AND ts < %s AND NOT (value BETWEEN %s AND %s) "
                    f"RETURNING sensor_id, {epoch}, value", [lo, hi, -bound, bound])
        rows = cur.fetchall()
    return [(int(s), float(t) if is_postgres() else _epoch_from_sqlite(t), float(v)) for s, t, v in rows]


def refresh_aggregates(since: datetime.datetime, until: datetime.datetime, max_abs: float | None = None) -> int:
    """Recompute the minute and hour buckets over [since, until) from the raw readings, replacing
    what is there: idempotent, so a periodic job over a trailing window also takes in readings that
    arrived late (set-based SQL; far cheaper than folding every reading in at ingest time).
    Readings beyond ±YINGJI_READING_MAX_ABS (or NaN) are left out, so one bad row cannot overflow
    a sum and fail the job for every sensor (the periodic job first moves them to the dead letters,
    see quarantine_readings)."""
    bound = _max_abs(max_abs)
    lo, hi = _window(since, until)
    written = 0
    with connection.cursor() as cur:
        for table, width in AGGREGATES:
            if is_postgres():
                bucket = f"date_bin('{width} seconds', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00')"
            else:
                bucket = "substr(ts, 1, 16) || ':00'" if width == 60 else "substr(ts, 1, 13) || ':00:00'"
            cur.execute(
                f"INSERT INTO {table} (sensor_id, bucket, n, total, vmin, vmax) SELECT sensor_id, {bucket}, count(*), "
                f"sum(value), min(value), max(value) FROM monitoring_reading WHERE ts >= %s AND ts < %s "
                f"AND value BETWEEN %s AND %s "
                f"GROUP BY sensor_id, {bucket} ON CONFLICT (sensor_id, bucket) DO UPDATE SET n = excluded.n, "
                "total = excluded.total, vmin = excluded.vmin, vmax = excluded.vmax", [lo, hi, -bound, bound])
            written += max(cur.rowcount, 0)
    return written


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


def pg_array(values: np.ndarray) -> str:
    """A PostgreSQL array literal (``{1,2,NULL}``) for a NumPy array, NaN as NULL: psycopg adapts a
    Python list element by element, which cost a quarter of a 10,000-reading batch."""
    if values.dtype.kind in "iub":
        return "{" + ",".join(map(str, values.astype(np.int64).tolist())) + "}"
    text = np.where(np.isnan(values), "NULL", values.astype(str))
    return "{" + ",".join(text.tolist()) + "}"


def device_map(devices: list[str]) -> list[tuple]:
    """(device_id, id, quantity, status, range_min, range_max) of the sensors with these device ids
    (one indexed query; on PostgreSQL one array parameter instead of an ORM ``IN`` of 10,000
    placeholders)."""
    from yingji.monitoring.models import Sensor

    if not is_postgres():
        return list(Sensor.objects.filter(device_id__in=devices).values_list(
            "device_id", "pk", "quantity", "status", "range_min", "range_max"))
    literal = "{" + ",".join('"' + d.replace("\\", "\\\\").replace('"', '\\"') + '"' for d in devices) + "}"
    with connection.cursor() as cur:
        # One JSON value parsed in C, not 10,000 row tuples built by the driver.
        cur.execute("SELECT json_agg(json_build_array(device_id, id, quantity, status, range_min, range_max)) "
                    "FROM monitoring_sensor WHERE device_id = ANY(%s::text[])", [literal])
        found = cur.fetchone()[0]
    if isinstance(found, str):  # Django's psycopg setup leaves json as text
        found = json.loads(found)
    return [tuple(r) for r in found or ()]


STATE_COLUMNS = ("id", "level1", "level2", "level3", "level4", "rising", "deadband", "min_duration_s",
                 "max_rate_per_min", "interval_s", "rule_level", "rule_pending_level", "rule_pending_since",
                 "last_value", "last_seen", "status")


def lock_sensor_state(ids: np.ndarray) -> dict:
    """Rule settings and state of sensors ``ids`` (sorted), locked for this transaction, as arrays."""
    return sensor_state(ids, lock=True)


def sensor_state(ids: np.ndarray, *, lock: bool = False, strict: bool = True) -> dict:
    """Rule settings and persisted state of sensors ``ids`` (sorted) as arrays (``lock``: FOR
    UPDATE). ``strict``: a missing sensor raises LookupError; otherwise the arrays hold the sensors
    that still exist, their ids in ``"id"``."""
    with connection.cursor() as cur:
        if is_postgres():
            # Locked in id order (no deadlock between workers); each column comes back as one
            # comma-joined text, NULL as NaN, so NumPy parses it instead of 160,000 Python values.
            def agg(c):
                expr = {"rising": "rising::int", "last_seen": "extract(epoch FROM last_seen)",
                        "status": "(status = 'offline')::int"}.get(c, c)
                return f"string_agg(coalesce(({expr})::float8, 'NaN')::text, ',' ORDER BY id)"

            cur.execute(f"WITH locked AS (SELECT {', '.join(STATE_COLUMNS)} FROM monitoring_sensor "
                        f"WHERE id = ANY(%s::bigint[]) ORDER BY id{' FOR UPDATE' if lock else ''}) "
                        f"SELECT {', '.join(agg(c) for c in STATE_COLUMNS)} FROM locked", [pg_array(ids)])
            row = cur.fetchone()
            cols = {c: (_parse_column(text) if text else np.empty(0)) for c, text in zip(STATE_COLUMNS, row, strict=True)}
        else:  # SQLite: the write transaction already serialises writers
            rows = []
            for k in range(0, len(ids), 30000):
                chunk = ids[k:k + 30000].tolist()
                cur.execute(f"SELECT {', '.join(STATE_COLUMNS)} FROM monitoring_sensor "
                            f"WHERE id IN ({','.join(['%s'] * len(chunk))}) ORDER BY id", chunk)
                rows += cur.fetchall()
            cols = dict(zip(STATE_COLUMNS, _sqlite_columns(rows), strict=True))
    if strict and not np.array_equal(cols["id"].astype(np.int64), ids):
        raise LookupError("传感器在写入期间被删除")
    return {"id": cols["id"].astype(np.int64),
        "thresholds": np.column_stack([cols[f"level{k}"] for k in range(1, 5)]), "rising": cols["rising"].astype(bool),
        "deadband": cols["deadband"], "min_duration_s": cols["min_duration_s"],
        "max_rate_per_min": cols["max_rate_per_min"], "interval_s": cols["interval_s"],
        "level": cols["rule_level"].astype(int), "pending_level": cols["rule_pending_level"].astype(int),
        "pending_since": cols["rule_pending_since"], "last_value": cols["last_value"], "last_ts": cols["last_seen"],
        "offline": cols["status"].astype(bool),
    }


def _sqlite_columns(rows: list[tuple]) -> list[np.ndarray]:
    """SQLite rows in ``STATE_COLUMNS`` order as float arrays shaped like the PostgreSQL path's."""
    if not rows:
        return [np.empty(0) for _ in STATE_COLUMNS]
    cols = list(zip(*rows, strict=True))
    out = [np.array([np.nan if x is None else x for x in c], dtype=float) for c in cols[:14]]
    seen = [x if x is None or isinstance(x, datetime.datetime) else datetime.datetime.fromisoformat(x) for x in cols[14]]
    out.append(np.array([np.nan if x is None else (x if x.tzinfo else x.replace(tzinfo=datetime.UTC)).timestamp()
                         for x in seen]))
    out.append(np.array([x == "offline" for x in cols[15]], dtype=float))
    return out


def save_sensor_state(ids: np.ndarray, state, *, online: bool = True) -> None:
    """Write back rule state and last reading of sensors ``ids`` (rules.State arrays), and mark them
    online — one statement, where Django's bulk_update would build a CASE per column per row.
    ``online=False`` (an owning worker's checkpoint) leaves the status alone: the offline job may
    have set it since, and the owner turns it back only when the sensor reports again."""
    known = ~np.isnan(state.last_ts)
    status = ", status = 'online'" if online else ""
    with connection.cursor() as cur:
        if is_postgres():
            # Only unindexed columns change value (status is indexed but stays "online"), so with the
            # table's spare page room (fillfactor, migration 0005) these are HOT updates that touch
            # none of the registry's indexes.
            cur.execute(
                "UPDATE monitoring_sensor s SET rule_level = u.l, rule_pending_level = u.pl, rule_pending_since = u.ps, "
                f"last_seen = to_timestamp(u.seen), last_value = u.v{status} FROM unnest(%s::bigint[], "
                "%s::int[], %s::int[], %s::float8[], %s::float8[], %s::float8[]) AS u(id, l, pl, ps, seen, v) "
                "WHERE s.id = u.id AND u.seen IS NOT NULL",
                [pg_array(a) for a in (ids, state.level, state.pending_level, state.pending_since, state.last_ts,
                                       state.last_value)])
        else:
            def opt(a):
                return [None if np.isnan(x) else float(x) for x in a]

            cols = [ids.tolist(), state.level.tolist(), state.pending_level.tolist(), opt(state.pending_since),
                    opt(state.last_ts), opt(state.last_value)]
            cur.executemany(
                "UPDATE monitoring_sensor SET rule_level = %s, rule_pending_level = %s, rule_pending_since = %s, "
                f"last_seen = %s, last_value = %s{status} WHERE id = %s",
                [(lv, pl, ps, _sqlite_time(t), v, i) for i, lv, pl, ps, t, v, k in zip(*cols, known, strict=True) if k])


def mark_online(ids: list[int]) -> None:
    """Sensors that report again after the offline job (or a fault) marked them."""
    from yingji.monitoring.models import Sensor

    Sensor.objects.filter(pk__in=ids).exclude(status="disabled").update(status="online")


def readings_after_checkpoint(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored readings of sensors ``ids`` newer than each sensor's persisted ``last_seen``: what an
    owning worker evaluated after its last checkpoint (its alarms are already committed with them),
    replayed to rebuild its in-memory state after a crash. One indexed range per sensor."""
    if not len(ids):
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    with connection.cursor() as cur:
        if is_postgres():
            cur.execute("SELECT count(*), string_agg(r.sensor_id::text, ','), "
                        "string_agg(extract(epoch FROM r.ts)::float8::text, ','), string_agg(r.value::text, ',') "
                        "FROM monitoring_sensor s JOIN monitoring_reading r ON r.sensor_id = s.id "
                        "AND r.ts > coalesce(s.last_seen, '-infinity') WHERE s.id = ANY(%s::bigint[])", [pg_array(ids)])
            count, *cols = cur.fetchone()
            if not count:
                return np.empty(0, np.int64), np.empty(0), np.empty(0)
            return _parse_column(cols[0], np.int64), _parse_column(cols[1]), _parse_column(cols[2])
        rows = []
        for k in range(0, len(ids), 30000):
            chunk = ids[k:k + 30000].tolist()
            cur.execute("SELECT r.sensor_id, r.ts, r.value FROM monitoring_sensor s JOIN monitoring_reading r "
                        "ON r.sensor_id = s.id AND (s.last_seen IS NULL OR r.ts > s.last_seen) "
                        f"WHERE s.id IN ({','.join(['%s'] * len(chunk))})", chunk)
            rows += cur.fetchall()
    if not rows:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    s, t, v = zip(*rows, strict=True)
    return (np.array(s, dtype=np.int64), np.array([_epoch_from_sqlite(x) for x in t], dtype=float),
            np.array(v, dtype=float))


def registry_mark() -> tuple:
    """A cheap fingerprint of the sensor registry (row count and the sum of the rows' update
    times): it changes when a sensor is added, deleted or saved — settings, 停用, or the offline
    job's 离线 — so an owning worker knows when to read its sensors again (~1 ms for 10,000 rows)."""
    expr = "extract(epoch FROM updated_at)" if is_postgres() else "julianday(updated_at)"
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*), sum({expr}) FROM monitoring_sensor")
        n, total = cur.fetchone()
    return int(n), float(total or 0)
