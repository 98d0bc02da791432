"""Rule tables shipped as data (data/*.csv, sources in data/SOURCES.md), loaded for a jurisdiction."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

DATA = Path(__file__).parent / "data"
SHANXI_2025 = DATA / "frequency_rules_shanxi_2025.csv"


def rule_rows(path: Path = SHANXI_2025) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{**row, "frequency_per_year": int(row["frequency_per_year"]), "cap_per_year": int(row["cap_per_year"]),
                 "effective_from": datetime.date.fromisoformat(row["effective_from"]),
                 "confirmed": row["confirmed"].strip().lower() == "true"} for row in csv.DictReader(f)]


def load_rules(region, path: Path = SHANXI_2025) -> int:
    """The table's rules as the frequency rules of ``region`` (skipping rows it already has)."""
    from yingji.supervision.models import FrequencyRule

    n = 0
    for row in rule_rows(path):
        _, created = FrequencyRule.objects.get_or_create(
            region=region, enterprise_class=row["enterprise_class"], risk_level=row["risk_level"],
            standardization=row["standardization"], credit_class="", effective_from=row["effective_from"],
            defaults={k: row[k] for k in ("frequency_per_year", "cap_per_year", "source_document", "source_article",
                                          "confirmed")})
        n += created
    return n
