"""The public list (no login): listings in their management period, published — and only what identifies
the unit and the decision (rules.publication(): name, credit code, the case and its basis, the deciding
organ, the decision's number and date, the period's end). Never the principal's name, the facts of the
accidents or cases behind it, nor a listing not yet published, removed, ended or revoked."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from yingji.credit.choices import PUBLIC
from yingji.credit.models import Listing

COLUMNS = ("单位名称", "统一社会信用代码", "列入情形", "列入依据", "决定机关", "决定书文号", "列入日期", "管理期限至")


def rows() -> list[dict]:
    out = []
    for r in Listing.objects.filter(state__in=PUBLIC).select_related("organization").order_by("-decided_on", "-id"):
        out.append({"单位名称": r.organization.name, "统一社会信用代码": r.organization.credit_code or "",
                    "列入情形": r.rule_title, "列入依据": r.article, "决定机关": r.issuer,
                    "决定书文号": r.decision_number, "列入日期": f"{r.decided_on:%Y-%m-%d}",
                    "管理期限至": f"{r.ends_on:%Y-%m-%d}"})
    return out


def _cell(value: str) -> str:
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def csv_bytes(table: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in table)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_name() -> str:
    return f"安全生产严重失信主体名单-{timezone.localdate():%Y%m%d}.csv"
