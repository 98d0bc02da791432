"""The duplicate-grouping thresholds as data (data/grouping-rules.json), with their source: the
platform's defaults, not confirmed from any primary text (decision 0029). Pure: no Django."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from yingji.declarations.grouping import Thresholds

DATA = Path(__file__).with_name("data") / "grouping-rules.json"


@cache
def document() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def thresholds() -> Thresholds:
    r = document()["rules"]
    return Thresholds(window_hours=float(r["window_hours"]["value"]), distance_m=float(r["distance_m"]["value"]),
                      same_township=bool(r["same_township"]["value"]),
                      min_similarity=float(r["min_similarity"]["value"]))


def source() -> str:
    return document()["source"]
