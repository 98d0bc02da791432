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
}  # 文字说明 of the 制度's 报送要求 (修订稿 2019, 一、(六) 1)
COUNTY = ""


@dataclass(frozen=True)
class Finding:
    kind: str  # "error" | "explain"
    rule: str  # "at_most_parent", "at_most", "sum_equal", "sum_at_most", "realtime", "negative", "whole",
    #            "fell", "jumped", "named_list", "text", "photos"
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
