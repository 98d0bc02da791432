"""The requisition rules as data (pure: no Django): the legal basis with its sources and whether each
was checked against the text, and the national reference rates of compensation per kind
(data/requisition-rules.json; examples, to be replaced by each jurisdiction's own)."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from yingji.requisition.compcalc import Rates


def _read() -> dict:
    return json.loads(resources.files("yingji.requisition").joinpath("data", "requisition-rules.json").read_text("utf-8"))


def legal_basis() -> list[dict]:
    """The laws and articles a requisition rests on: law, version, effective, article, summary, confirmed, note."""
    return _read()["legal"]


def citation(key: str) -> str:
    """One basis as a notice cites it: 《…》第…条（…，未核实）."""
    b = next(x for x in legal_basis() if x["key"] == key)
    return f"{b['law']}{b['article']}" + ("" if b["confirmed"] else "（条号未核实）")


def national_rates() -> dict[str, Rates]:
    raw = _read()
    return {kind: Rates(Decimal(r["daily_rate_cny"]), Decimal(r["depreciation_pct_year"]), Decimal(r["operator_daily_cny"]),
                        source=raw["source"], confirmed=False)
            for kind, r in raw["rules"].items()}
