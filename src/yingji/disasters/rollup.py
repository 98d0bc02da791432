"""Roll-up of 灾情 figures (pure: no Django): village rows into a township, township rows into the
county report. Every indicator sums — cumulative and realtime figures alike, and the counts of
集中安置点 — since the statistical unit is the township and no person, room or site is in two of them.
A figure no row gives stays absent (unknown), not 0.

The disaster type follows the 制度 (一、(二) 2): where several types occur in one process the main one
counts, and the county reports the sub-type while the city and the province report its main type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from yingji.disasters.catalogue import Rules, reported_type

COUNTY = ""


def sum_figures(rows: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """The sum of each figure over ``rows``; absent (None) figures take no part, ints stay ints and
    Decimals stay exact."""
    out: dict[str, object] = {}
    for row in rows:
        for code, value in row.items():
            if value is None:
                continue
            out[code] = out[code] + value if code in out else value
    return out


def township_figures(villages: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """A township's figures from its villages' rows."""
    return sum_figures(villages.values())


def county_report(townships: Mapping[str, Mapping[str, object]]) -> dict[str, dict[str, object]]:
    """The county report: each township's figures as given, and the county total under ``""``."""
    report = {name: dict(figures) for name, figures in townships.items()}
    report[COUNTY] = sum_figures(townships.values())
    return report


def county_from_villages(villages: Mapping[str, Mapping[str, Mapping[str, object]]]) -> dict[str, dict[str, object]]:
    """``{township: {village: figures}}`` rolled up into the county report."""
    return county_report({township: township_figures(rows) for township, rows in villages.items()})


def main_type_of(occurrences: Mapping[str, object], primary: str | None = None) -> str:
    """The type that counts for a process where several occur: the one declared main where the county
    declares one, else the one with the most 受灾人口 (``occurrences``: type code → its 受灾人口; the
    first listed wins a tie)."""
    if primary:
        if primary not in occurrences and occurrences:
            raise ValueError(f"主要灾种 {primary} 不在本次灾害过程的灾种中")
        return primary
    if not occurrences:
        raise ValueError("本次灾害过程没有灾种")
    return max(occurrences, key=lambda code: (occurrences[code] or 0, -list(occurrences).index(code)))


def type_for_level(rules: Rules, occurrences: Mapping[str, object], level: str,
                   primary: str | None = None) -> tuple[str, str]:
    """(code, name) of the type ``level`` reports for the process: the main sub-type at the county,
    its main type above."""
    return reported_type(rules, main_type_of(occurrences, primary), level)
