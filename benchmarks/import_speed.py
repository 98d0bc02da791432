"""Registry import speed: rows per second through `services.import_file`, on SQLite or PostgreSQL.

Loads the real Liuyang divisions (361 regions, 326 villages) and a county-scope `staff` user, then
imports generated files through the same service the page, the API and `yingji import` call:

- organizations, new (credit code with its GB 32100 check digit, industry code against GB/T 4754,
  phone validators, region by its code: a relation resolved by natural key, scope checked);
- the same file again with every row's 从业人数 changed (updates: existing rows found by natural
  key, field-by-field history);
- people, new (two relations: organization by credit code, region by code; region must agree with
  the organization's; the name+mobile unique constraint).

Each import is one timed call (read the .xlsx, validate every row, write, history) and the figure
is rows ÷ seconds. History entries are counted to show every row got one. The file is .xlsx
(what users upload); reading it is part of the time.

    python benchmarks/import_speed.py --rows 5000 50000                # SQLite in a temporary data dir
    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_import_bench \\
        python benchmarks/import_speed.py --rows 5000 50000
    python benchmarks/import_speed.py --rows 500 --profile             # where the time goes
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
if not os.environ.get("YINGJI_DATABASE_URL"):
    os.environ.setdefault("YINGJI_DATA_DIR", tempfile.mkdtemp(prefix="yingji-import-bench-"))

ORG_HEADER = ["统一社会信用代码", "单位名称", "单位类型", "行业代码（GB/T 4754）", "企业规模", "所属区划", "地址",
              "经度", "纬度", "法定代表人", "安全负责人", "安全负责人电话", "单位电话", "从业人数"]
PERSON_HEADER = ["姓名", "手机", "办公电话", "电子邮箱", "职务", "通讯录角色", "所属单位", "所属区划"]
INDUSTRIES = ["C2672", "C2614", "C2619", "B1019", "C3011", "E4710", "G5430", "H6110", "F5265", "C1331"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂兰"]


def ensure_database():
    from dj_database_url import parse

    cfg = parse(os.environ.get("YINGJI_DATABASE_URL") or "sqlite:///x")
    if "postgresql" not in cfg["ENGINE"]:
        return
    import psycopg

    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres",
                         password=cfg["PASSWORD"] or None, autocommit=True) as conn:
        if conn.execute("select 1 from pg_database where datname=%s", [cfg["NAME"]]).fetchone():
            conn.execute(f'drop database "{cfg["NAME"]}"')  # a fresh database each run: the figures compare
        conn.execute(f'create database "{cfg["NAME"]}"')


def machine():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("show server_version")
            db = f"PostgreSQL {cur.fetchone()[0]}"
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version}"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} CPU · "
            f"{mem:.0f} GiB · Python {platform.python_version()} · {db}")


def load_regions():
    from django.core.management import call_command

    from yingji.core.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    path = os.path.join(os.path.dirname(__file__), "..", "src", "yingji", "core", "data", "liuyang_divisions.csv")
    by_code = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_code[row["code"]] = Region.objects.create(code=row["code"], name=row["name"], level=row["level"],
                                                         parent=by_code.get(row["parent_code"]))
    from django.db import connection

    if connection.vendor == "postgresql":
        # The divisions were loaded a moment ago; a deployment's autovacuum analyses such a table
        # within a minute, so the figures are not those of a planner that has never seen it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return [r for r in by_code.values() if r.level == "village"]


def staff_user():
    from django.contrib.auth.models import Group

    from yingji.core.framework.roles import sync_roles
    from yingji.core.models import Region, User

    sync_roles()
    user = User.objects.create_user("staff", password="bench-only-pw", scope_region=Region.objects.get(code="430181"))
    user.groups.add(Group.objects.get(name="staff"))
    return user


def credit(n: int, prefix: str = "91430181") -> str:
    from yingji.core.directory.codes import credit_code_check_char

    body = f"{prefix}{n:09d}"
    return body + credit_code_check_char(body)


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def org_rows(n, villages, rng, base, employees_delta=0):
    rows = [ORG_HEADER]
    for i in range(n):
        v = villages[i % len(villages)]
        rows.append([credit(base + i), f"浏阳市测试企业{base + i:06d}有限公司", "企业", INDUSTRIES[i % len(INDUSTRIES)],
                     ["大型", "中型", "小型", "微型"][i % 4], v.code, f"湖南省浏阳市{v.name}{i % 90 + 1}号",
                     round(113.5 + (i % 1000) / 2000, 5), round(28.0 + (i % 700) / 2000, 5), "王" + GIVEN[i % len(GIVEN)],
                     "李" + GIVEN[(i * 7) % len(GIVEN)], f"138{(base + i) % 10**8:08d}", f"0731-8{i % 10**6:06d}",
                     10 + i % 2000 + employees_delta])
    return rows


def person_rows(org_file, base):
    rows = [PERSON_HEADER]
    for i, org in enumerate(org_file[1:]):
        rows.append([SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)], f"139{base + i:08d}",
                     "0731-83000000", f"p{i}@example.cn", "安全负责人", "企业安全员", org[0], org[5]])
    return rows


def timed_import(user, slug, rows, profile=False):
    from auditlog.models import LogEntry

    from yingji.core.framework import services
    from yingji.core.framework.registry import get_registry

    content = xlsx(rows)
    before = LogEntry.objects.count()
    t0, c0 = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        result = prof.runcall(services.import_file, user, get_registry(slug), "导入.xlsx", content)
    else:
        result = services.import_file(user, get_registry(slug), "导入.xlsx", content)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert result.ok, result.errors[:5]
    history = LogEntry.objects.count() - before
    n = len(rows) - 1
    if profile:
        pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(35)
    return n, seconds, cpu, history


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each import")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    villages = load_regions()
    user = staff_user()
    rng = random.Random(2026)
    print(f"machine: {machine()}")
    print("data: 361 regions (326 villages); user 'staff' (county scope); .xlsx files; one timed call each")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine)")
    print(f"{'import':34s} {'rows':>7s} {'seconds':>8s} {'rows/s':>8s} {'CPU s':>7s} {'rows/CPU s':>10s} {'history':>8s}")
    base = 0
    for n in args.rows:
        orgs = org_rows(n, villages, rng, base)
        scenarios = [("organizations, new", "organizations", orgs),
                     ("organizations, every row changed", "organizations", org_rows(n, villages, rng, base, 1)),
                     ("people (2 relations), new", "persons", person_rows(orgs, base))]
        for name, slug, rows in scenarios:
            count, seconds, cpu, history = timed_import(user, slug, rows, args.profile)
            print(f"{name:34s} {count:7d} {seconds:8.2f} {count / seconds:8.0f} {cpu:7.2f} {count / cpu:10.0f} "
                  f"{history:8d}", flush=True)
        base += n


if __name__ == "__main__":
    sys.exit(main())
