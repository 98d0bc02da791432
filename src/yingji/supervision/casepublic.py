"""行政执法公示: the public notice of penalty decisions (行政处罚法 第四十八条), a page and a CSV export.

Only what may be published: the decision's number, the party (a unit by its name and credit code; a
person by surname only, 张某), the cause, the provision broken and the basis, the penalty, the
deciding organ and the date. Never a person's ID number, address or the full facts of a person's
case (they may name other people)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from yingji.core.framework.money import wan_text
from yingji.supervision.casechoices import CaseState, DocKind, PartyKind
from yingji.supervision.casemodels import EnforcementCase

PUBLISHED = (CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED)
COLUMNS = ("决定书文号", "当事人", "统一社会信用代码", "案由", "违法事实", "处罚依据", "处罚内容", "决定机关", "决定日期")


def masked(name: str) -> str:
    """A person as the notice names them: the surname and 某 (张三 → 张某; 欧阳娜娜 → 欧阳某 for the
    common two-character surnames)."""
    name = (name or "").strip()
    if not name:
        return "某"
    surname = name[:2] if name[:2] in DOUBLE_SURNAMES else name[:1]
    return f"{surname}某"


DOUBLE_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒",
                   "夏侯", "轩辕", "端木", "西门", "南宫", "独孤", "澹台"}


def rows(cases=None) -> list[dict]:
    cases = cases if cases is not None else EnforcementCase.objects.all()
    out = []
    for case in (cases.filter(state__in=PUBLISHED).select_related("region").prefetch_related("documents")
                 .order_by("-decided_on", "-id")):
        decision = next((d for d in case.documents.all() if d.kind == DocKind.DECISION), None)
        person = case.party_kind == PartyKind.PERSON
        penalty = "；".join(x for x in (case.other_penalty, f"罚款{wan_text(case.fine_cny)}万元"
                                         if case.fine_cny else "") if x)
        out.append({
            "决定书文号": decision.number if decision else "", "当事人": masked(case.party_name) if person else case.party_name,
            "统一社会信用代码": "" if person else case.party_code, "案由": case.cause,
            "违法事实": "" if person else case.facts, "处罚依据": (case.discretion or {}).get("citation", ""),
            "处罚内容": penalty, "决定机关": (decision.content.get("issuer") if decision else ""),
            "决定日期": f"{case.decided_on:%Y-%m-%d}" if case.decided_on else "",
        })
    return out


def csv_bytes(notice_rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in notice_rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # Excel opens a UTF-8 CSV with its BOM


def _cell(value: str) -> str:
    """No cell a spreadsheet would run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def export_name() -> str:
    return f"行政处罚决定公示-{timezone.localdate():%Y%m%d}.csv"
