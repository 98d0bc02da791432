"""Roll-up of 灾情 figures (pure: no Django): village rows into a township, township rows into the
county report. Every indicator sums — cumulative and realtime figures alike, and the counts of
集中安置点 — since the statistical unit is the township and no person, room or site is in two of them.
A figure no row gives stays absent (unknown), not 0.

The disaster type follows the 制度 (一、(二) 2): where several types occur in one process the main one
counts, and the county reports the sub-type while the city and the province report its main type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

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


# --- links to incidents -----------------------------------------------------------------------------

def from_incident(figures: Mapping[str, object]) -> dict[str, object]:
    """The 灾情 figures a natural-disaster incident already has (``Incident.figures()``: deaths, missing,
    injured — 重伤 there —, relocated, direct_loss in 万元) as the first figures of its 灾情事件. Zeros
    are figures (reported as none), so they are carried. The incident's 倒塌和严重损坏房屋 is one number
    for two indicators and is not carried: the county enters them apart."""
    out: dict[str, object] = {}
    for source, code in (("deaths", "deaths"), ("missing", "missing"), ("injured", "injured_serious"),
                         ("relocated", "relocated_total")):
        if figures.get(source) is not None:
            out[code] = figures[source]
    if figures.get("direct_loss") is not None:
        out["direct_loss"] = Decimal(str(figures["direct_loss"])) * 10000  # 万元 → yuan, exactly
    return out


def relief_figures(figures: Mapping[str, object]) -> dict[str, object]:
    """The county's 灾情 figures as the relief-level engine reads them (incidents.grading.RELIEF_CRITERIA:
    死亡和失踪; 紧急转移安置或需紧急生活救助 — the larger of the two; 倒塌和严重损坏房屋 in 间 and in 户; 因旱需政府
    救助)."""
    def get(code):
        return figures.get(code) or 0

    return {"deaths_missing": get("deaths") + get("missing"),
            "relocated": max(get("relocated_total"), get("emergency_aid_total")),
            "houses_rooms": get("houses_collapsed_rooms") + get("houses_severe_rooms"),
            "houses_households": get("houses_collapsed_households") + get("houses_severe_households"),
            "drought_people": get("drought_aid_needed")}
