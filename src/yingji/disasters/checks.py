"""Plausibility rules of a 灾情 report (pure: no Django), each finding located by indicator code,
Chinese label and township, and saying why.

Two kinds of finding:
- ``error``: the figures contradict each other (成灾 > 受灾, a 其中 above its total, 紧急转移安置 ≠ 集中 +
  分散, 实时 > 累计, the named list disagreeing with the counts …). The report cannot be sent.
- ``explain``: a cumulative figure fell, or rose beyond the configured ratio, since the previous report.
  It may be right (missing people found alive; a late township), so the report may be sent once a
  written explanation is given for it.

Figures are plain dicts ``{indicator code: number}``; a report is ``{township: figures}``, the county
total under ``""``. An absent figure is unknown and takes part in no rule, except as a part of a sum
(an absent 其中 counts 0)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from numbers import Number

from yingji.disasters.catalogue import Rules

TEXT_PARTS = {
    "background": "灾害发生背景", "course": "灾害过程", "features": "灾情特点", "trend": "趋势预测",
    "relief": "已采取的救灾措施", "needs": "灾区需求", "next_steps": "下一步工作安排",
}  # required parts of the 文字说明 (issue 18; 制度 修订稿 2019, 一、(六) 1)
OPTIONAL_TEXT_PARTS = {"scene": "现场情景描述", "difficulties": "面临困难"}  # named by the 制度 too, not required
# The 制度 has two texts: the 灾情 description and the 救灾工作 description, each with its parts in order.
TEXT_SECTIONS = (
    ("灾情文字说明", ("background", "course", "features", "scene", "trend")),
    ("救灾工作文字说明", ("relief", "needs", "difficulties", "next_steps")),
)
COUNTY = ""


@dataclass(frozen=True)
class Finding:
    kind: str  # "error" | "explain"
    rule: str  # "unknown", "number", "whole", "fen", "negative", "at_most_parent", "at_most", "sum_equal",
    #            "sum_at_most", "realtime", "fell", "jumped", "named_list", "text", "photos"
    code: str  # indicator code ("" for report-level rules)
    label: str
    township: str  # "" for the county total or the report as a whole
    message: str  # Chinese, located: 「乡镇」「指标」：why

    @property
    def key(self) -> tuple[str, str]:
        """What an explanation is attached to: (township, indicator code)."""
        return (self.township, self.code)


def _where(township: str, label: str) -> str:
    return f"{township or '全县合计'}「{label}」"


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(rules: Rules, code: str, value) -> str:
    """A figure as people read it: money in 万元 (stored in yuan)."""
    if rules.indicators[code].stored_as == "yuan":
        return f"{_fmt(Decimal(value) / 10000)} 万元"
    return f"{_fmt(value)} {rules.indicators[code].unit}"


def parse_figures(raw: dict[str, object], rules: Rules, township: str = COUNTY, *,
                  money_in: str = "yuan") -> tuple[dict[str, object], list[Finding]]:
    """Figures as typed or stored (JSON numbers, text) in their stored types: whole numbers for counts,
    exact Decimals otherwise; money read in yuan (stored) or 万元 (typed, ``money_in="wan"``) and kept in
    yuan, never rounded (0012: finer than a fen is refused). Blank means unknown (absent). Returns the
    figures and the errors, each located; a figure in error is left out."""
    out, errors = {}, []
    for code, value in raw.items():
        ind = rules.indicators.get(code)
        if ind is None:
            errors.append(Finding("error", "unknown", code, code, township, f"{township or '全县合计'}：未知指标 {code}"))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        label = rules.name(code)
        try:
            if isinstance(value, bool):
                raise ArithmeticError
            number = Decimal(str(value).strip().replace(",", ""))
            if not number.is_finite():
                raise ArithmeticError
        except (ArithmeticError, ValueError):
            errors.append(Finding("error", "number", code, label, township, f"{_where(township, label)}：「{value}」不是数字"))
            continue
        if ind.stored_as == "yuan" and money_in == "wan":
            number *= 10000
        if ind.stored_as == "count":
            if number != number.to_integral_value():
                errors.append(Finding("error", "whole", code, label, township, f"{_where(township, label)}：应为整数（{value}）"))
                continue
            number = int(number)
        elif ind.stored_as == "yuan" and number != number.quantize(Decimal("0.01")):
            errors.append(Finding("error", "fen", code, label, township,
                                  f"{_where(township, label)}：{value} 精确到分以下（{_fmt(number)} 元），请核实"))
            continue
        out[code] = number
    return out, errors


def figures_json(figures: dict[str, object]) -> dict[str, object]:
    """Figures for a JSON field or the API: whole numbers as numbers, Decimals as exact text."""
    return {code: format(v.normalize(), "f") if isinstance(v, Decimal) else v for code, v in figures.items()}


def check_figures(figures: dict[str, Number], rules: Rules, township: str = COUNTY) -> list[Finding]:
    """The rules within one set of figures (a village, a township or the county total)."""
    out = []
    for code in figures:
        if code not in rules.indicators:
            out.append(Finding("error", "unknown", code, code, township, f"{township or '全县合计'}：未知指标 {code}"))
    for ind in rules.indicators.values():
        value = figures.get(ind.code)
        if value is None:
            continue
        label = rules.name(ind.code)
        where = _where(township, label)
        if value < 0:
            out.append(Finding("error", "negative", ind.code, label, township, f"{where}：不能为负数（{_fmt(value)}）"))
            continue
        if ind.stored_as == "count" and value != int(value):
            out.append(Finding("error", "whole", ind.code, label, township, f"{where}：应为整数（{_fmt(value)}）"))
        if ind.parent and figures.get(ind.parent) is not None and value > figures[ind.parent]:
            parent = rules.indicators[ind.parent]
            out.append(Finding("error", "at_most_parent", ind.code, label, township,
                               f"{where}：{_shown(rules, ind.code, value)}，超过其总数「{rules.name(parent.code)}」"
                               f"{_shown(rules, parent.code, figures[parent.code])}"))
        if ind.at_most and figures.get(ind.at_most) is not None and value > figures[ind.at_most]:
            bound = rules.indicators[ind.at_most]
            out.append(Finding("error", "at_most", ind.code, label, township,
                               f"{where}：{_shown(rules, ind.code, value)}，不应大于「{rules.name(bound.code)}」"
                               f"{_shown(rules, bound.code, figures[bound.code])}"))
        if ind.timing == "realtime" and ind.pair and figures.get(ind.pair) is not None and value > figures[ind.pair]:
            total = rules.indicators[ind.pair]
            out.append(Finding("error", "realtime", ind.code, label, township,
                               f"{where}：实时数 {_shown(rules, ind.code, value)} 不应大于累计数「{rules.name(total.code)}」"
                               f"{_shown(rules, total.code, figures[total.code])}"))
        if ind.children_sum:
            parts = [c for c in rules.children(ind.code) if figures.get(c.code) is not None]
            if not parts:
                continue
            total = sum(figures[c.code] for c in parts)
            names = " + ".join(c.label.removeprefix("其中：") for c in parts)
            if ind.children_sum == "equal" and total != value:
                out.append(Finding("error", "sum_equal", ind.code, label, township, f"{where}：{_shown(rules, ind.code, value)}，"
                                   f"应等于 {names} = {_shown(rules, ind.code, total)}"))
            if ind.children_sum == "at_most" and total > value:
                out.append(Finding("error", "sum_at_most", ind.code, label, township,
                                   f"{where}：{_shown(rules, ind.code, value)}，小于各分项之和 {_shown(rules, ind.code, total)}"))
    return out


def check_report(report: dict[str, dict[str, Number]], rules: Rules) -> list[Finding]:
    """``check_figures`` for every township of a report and its county total."""
    return [f for township, figures in report.items() for f in check_figures(figures, rules, township)]


def check_change(code: str, old, new, rules: Rules, township: str = COUNTY) -> Finding | None:
    """The finding a cumulative figure's move from ``old`` to ``new`` calls for, if any: it fell, or it
    rose to more than ``jump_ratio`` times a non-zero previous figure by at least ``jump_min_increase``
    (a figure appearing for the first time is no jump)."""
    ind = rules.indicators[code]
    if not ind.cumulative or old is None or new is None:
        return None
    label = rules.name(code)
    where = _where(township, label)
    if new < old:
        return Finding("explain", "fell", code, label, township,
                       f"{where}：累计数由 {_shown(rules, code, old)} 降为 {_shown(rules, code, new)}，需书面说明原因")
    settings = rules.plausibility
    old_d, new_d = Decimal(str(old)), Decimal(str(new))
    if (old_d > 0 and new_d > old_d * Decimal(str(settings.jump_ratio))
            and new_d - old_d >= _in_stored_unit(ind, settings.jump_min_increase)):
        return Finding("explain", "jumped", code, label, township,
                       f"{where}：累计数由 {_shown(rules, code, old)} 增至 {_shown(rules, code, new)}，"
                       f"超过上次的 {_fmt(settings.jump_ratio)} 倍，需书面说明原因")
    return None


def _in_stored_unit(ind, amount) -> Decimal:
    """The minimum increase is set in the unit people read (万元 for money): in the stored unit."""
    amount = Decimal(str(amount))
    return amount * 10000 if ind.stored_as == "yuan" else amount


def check_changes(previous: dict[str, dict], current: dict[str, dict], rules: Rules) -> list[Finding]:
    """Every cumulative figure of ``current`` against the same township's in ``previous``."""
    out = []
    for township, figures in current.items():
        before = previous.get(township, {})
        for code, new in figures.items():
            if code in rules.indicators:
                finding = check_change(code, before.get(code), new, rules, township)
                if finding:
                    out.append(finding)
    return out


def check_named_list(figures: dict[str, Number], deaths_listed: int, missing_listed: int, rules: Rules,
                     township: str = COUNTY) -> list[Finding]:
    """Deaths and missing in the figures equal the rows of 因灾死亡失踪人口一览表 (counts passed in)."""
    out = []
    for code, listed in (("deaths", deaths_listed), ("missing", missing_listed)):
        reported = figures.get(code) or 0
        if reported != listed:
            label = rules.indicators[code].label
            out.append(Finding("error", "named_list", code, label, township,
                               f"{_where(township, label)}：报 {_fmt(reported)} 人，因灾死亡失踪人口一览表中有 {listed} 人"))
    return out


def check_text(parts: dict[str, str], *, response_active: bool, photos: int, rules: Rules) -> list[Finding]:
    """The report's 文字说明 has every part, and ≥ the configured photos when a response is active."""
    out = [Finding("error", "text", part, label, COUNTY, f"文字说明缺少「{label}」")
           for part, label in TEXT_PARTS.items() if not (parts.get(part) or "").strip()]
    need = rules.plausibility.min_photos_when_response
    if response_active and photos < need:
        out.append(Finding("error", "photos", "", "照片", COUNTY,
                           f"已启动应急响应，须附反映灾害情况和救灾工作的照片不少于 {need} 张，现有 {photos} 张"))
    return out


def blocking(findings: list[Finding], explanations: dict[tuple[str, str], str] | None = None) -> list[Finding]:
    """What stops the report from being sent: every error, and every ``explain`` finding without a
    written explanation under its key (township, code)."""
    explanations = explanations or {}
    return [f for f in findings
            if f.kind == "error" or not (explanations.get(f.key) or "").strip()]
