"""Plan evaluation's services: the series (from the apps' declared sources and the entered base
statistics), the plan's indicator results, evaluation reports and their public comments, and the
composite indices per township."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from yingji.core.framework import contributions
from yingji.core.framework.statemachine import TransitionError
from yingji.core.models import Region
from yingji.evaluation import composite, indicators
from yingji.evaluation.choices import EvaluationState
from yingji.evaluation.models import BaseStatistic, CompositeIndex, DevelopmentPlan, Evaluation, PlanIndicator

DATA = Path(__file__).with_name("data")
ENTERED = "录入"


@dataclass(frozen=True)
class SeriesInfo:
    key: str
    label: str
    unit: str
    counts: str  # what it is: the records counted, or "录入" with the statistic's note
    from_records: bool
    current_only: bool = False
    provider: str = ""


@lru_cache(maxsize=1)
def _entered_catalogue() -> dict[str, SeriesInfo]:
    data = json.loads((DATA / "base-statistics.json").read_text(encoding="utf-8"))
    return {s["code"]: SeriesInfo(s["code"], s["label"], s["unit"], s.get("note", "") or "按年录入，注明来源", False)
            for s in data["statistics"]}


def series_catalogue() -> dict[str, SeriesInfo]:
    """Every series an indicator may name: the apps' (counted from records) and the entered statistics.
    A record series may also be entered for a year (a year before the platform was used)."""
    out = dict(_entered_catalogue())
    for key, s in contributions.series_sources().items():
        out[key] = SeriesInfo(key, s.label, s.unit, s.counts, True, s.current_only, s.provider)
    return out


def series_values(region: Region, keys, years) -> tuple[dict, dict]:
    """({key: {year: value}}, {key: {year: origin}}) for ``region``: an entered statistic wins for its
    year (origin: its source); the other years come from the app's records (origin "平台记录")."""
    catalogue = series_catalogue()
    keys, years = sorted(set(keys)), sorted(set(years))
    values: dict[str, dict[int, float]] = {k: {} for k in keys}
    origins: dict[str, dict[int, str]] = {k: {} for k in keys}
    for code, year, value, source in (BaseStatistic.objects.filter(region=region, code__in=keys, year__in=years)
                                      .values_list("code", "year", "value", "source")):
        values[code][year] = float(value)
        origins[code][year] = f"{ENTERED}：{source}"
    this_year = timezone.localdate().year
    for key in keys:
        info = catalogue.get(key)
        if info is None or not info.from_records:
            continue
        wanted = [y for y in years if y not in values[key] and (not info.current_only or y == this_year)]
        if not wanted:
            continue
        got = contributions.resolve(info.provider)(region, wanted) or {}
        for y in wanted:
            if got.get(y) is not None:
                values[key][y] = float(got[y])
                origins[key][y] = "平台记录"
    return values, origins


# ---- plans -------------------------------------------------------------------------------------------

def engine_indicator(ind: PlanIndicator) -> indicators.Indicator:
    return indicators.Indicator(
        str(ind.pk), indicators.Formula(tuple(ind.numerator), tuple(ind.denominator or ()), float(ind.factor),
                                        ind.aggregate),
        indicators.Target(ind.target_kind, float(ind.target_value)), ind.plan.base_year,
        float(ind.base_value) if ind.base_value is not None else None, ind.unit)


@dataclass
class IndicatorResult:
    indicator: PlanIndicator
    years: list[int]
    rows: list[indicators.Assessment]  # one per year of ``years``
    base: float | None
    goal: float | None
    series: dict  # key -> {year: value}
    origins: dict  # key -> {year: origin}

    @property
    def latest(self) -> indicators.Assessment | None:
        known = [r for r in self.rows if r.value is not None]
        return known[-1] if known else None


def plan_years(plan: DevelopmentPlan, until: int | None = None) -> list[int]:
    last = min(plan.period_end, until if until is not None else timezone.localdate().year)
    return list(range(plan.base_year, last + 1))


def plan_results(plan: DevelopmentPlan, until: int | None = None, only=None) -> list[IndicatorResult]:
    """Every indicator of ``plan`` (or those in ``only``) for each year from the base year to ``until``."""
    inds = list(only if only is not None else plan.indicators.select_related("plan").order_by("seq"))
    years = plan_years(plan, until)
    keys = {k for i in inds for k in (*i.numerator, *(i.denominator or ()))}
    values, origins = series_values(plan.region, keys, years)
    margin = float(plan.margin_pct) / 100
    out = []
    for ind in inds:
        e = engine_indicator(ind)
        base = e.base_value if e.base_value is not None else indicators.compute(e.formula, values, plan.base_year).value
        rows = []
        for y in years:
            terms = indicators.compute(e.formula, values, y, plan.period_start)
            rows.append(indicators.assess(e.target, base, plan.base_year, plan.period_end, y, terms.value, margin,
                                          terms))
        own = {k: values[k] for k in e.formula.keys()}
        out.append(IndicatorResult(ind, years, rows, base, e.target.goal(base), own,
                                   {k: origins[k] for k in e.formula.keys()}))
    return out


def number(x, digits: int = 4) -> str:
    """A figure as the tables show it: at most ``digits`` decimals, no trailing zeros."""
    if x is None:
        return "—"
    text = f"{x:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def formula_text(ind: PlanIndicator) -> str:
    cat = series_catalogue()

    def names(keys):
        return " + ".join(cat[k].label if k in cat else k for k in keys)

    num = names(ind.numerator)
    text = f"（{num}）÷（{names(ind.denominator)}）" if ind.denominator else f"（{num}）"
    if ind.factor != 1:
        text += f" × {number(float(ind.factor))}"
    if ind.aggregate == "period":
        text += "，按规划期起始年至评估年度累计计算"
    return text


def target_text(ind: PlanIndicator) -> str:
    return indicators.Target(ind.target_kind, float(ind.target_value)).text(ind.unit)


def summary(ind: PlanIndicator) -> list:
    """The indicator's computation on its record page: formula, base and target, each year's terms."""
    r = plan_results(ind.plan, only=[ind])[0]
    cat = series_catalogue()
    out = [("计算方法", [f"{ind.name}（{ind.unit}）= {formula_text(ind)}",
                       f"基期（{ind.plan.base_year}年）：{number(r.base)}{ind.unit}"
                       f"{'（规划文本）' if ind.base_value is not None else '（按序列计算）'}；"
                       f"目标：{target_text(ind)}，即 {ind.plan.period_end}年 {number(r.goal)}{ind.unit}；"
                       f"{ind.get_binding_display()}；责任单位：{ind.owner or '—'}",
                       f"目标依据：{ind.target_source or '—'}{'' if ind.confirmed else '（未核实）'}"])]
    lines = []
    for row in r.rows:
        t = row.terms
        if t is None or t.value is None:
            lines.append(f"{row.year}年：无数据（缺 {'、'.join(_missing(t, cat)) or '—'}）")
            continue
        span = f"{t.years[0]}–{t.years[-1]}年累计" if len(t.years) > 1 else f"{row.year}年"
        calc = f"{number(t.numerator)}" + (f" ÷ {number(t.denominator)}" if t.denominator is not None else "")
        if ind.factor != 1:
            calc += f" × {number(float(ind.factor))}"
        lines.append(f"{span}：{calc} = {number(t.value)}{ind.unit}；直线进度 {number(row.path)}；"
                     f"{row.light_label}")
    out.append(("逐年计算", lines))
    src = []
    for key in (*ind.numerator, *(ind.denominator or ())):
        info = cat.get(key)
        by_year = "；".join(f"{y}年 {number(r.series[key].get(y))}（{r.origins[key].get(y, '无')}）" for y in r.years)
        src.append(f"{info.label if info else key}（{info.unit if info else ''}）：{by_year}。"
                   f"口径：{info.counts if info else '—'}")
    out.append(("序列和来源", src))
    return out


def _missing(terms, cat) -> list[str]:
    if terms is None:
        return []
    out = []
    for m in terms.missing:
        key, _, year = m.partition(":")
        out.append(f"{cat[key].label if key in cat else key}{year}年")
    return out


# ---- evaluation reports --------------------------------------------------------------------------

def snapshot(evaluation: Evaluation) -> dict:
    """The results the report is written from, kept with it (the figures may change later)."""
    plan = evaluation.plan
    rows = []
    for r in plan_results(plan, until=evaluation.year):
        ind = r.indicator
        rows.append({"id": ind.pk, "seq": ind.seq, "name": ind.name, "unit": ind.unit, "formula": formula_text(ind),
                     "binding": ind.get_binding_display(), "owner": ind.owner, "target": target_text(ind),
                     "confirmed": ind.confirmed, "base": r.base, "goal": r.goal, "years": r.years,
                     "values": [x.value for x in r.rows], "path": [x.path for x in r.rows],
                     "lights": [x.light for x in r.rows],
                     "progress": [x.progress_pct for x in r.rows], "met": [x.met for x in r.rows]})
    today = timezone.localdate()
    projects = [{"name": p.name, "programme": p.programme, "owner": p.owner, "state": p.get_state_display(),
                 "progress": p.progress_pct, "years": f"{p.start_year}–{p.end_year}"} for p in plan.projects.all()]
    tasks = [{"title": t.title, "owner": t.owner, "due": t.due_on.isoformat(), "state": t.get_state_display(),
              "overdue": t.state != "done" and t.due_on < today} for t in plan.tasks.all()]
    return {"indicators": rows, "projects": projects, "tasks": tasks, "computed": timezone.now().isoformat()}


@transaction.atomic
def generate(user, evaluation: Evaluation) -> Evaluation:
    """(Re)compute the report's results; only while it is a draft."""
    if evaluation.state != EvaluationState.DRAFT:
        raise TransitionError("评估报告已公开征求意见或已定稿，不能重新计算")
    evaluation.results = snapshot(evaluation)
    evaluation.generated_at = timezone.now()
    evaluation.save(update_fields=["results", "generated_at", "updated_at"])
    return evaluation


def ready_for_comment(evaluation: Evaluation) -> str | None:
    if not evaluation.results:
        return "请先计算评估结果"
    if not (evaluation.comment_from and evaluation.comment_until):
        return "请先填写征求意见的起止日期"
    if evaluation.comment_until < timezone.localdate():
        return "征求意见截止日期已过，请修改"
    return None


def ready_to_finalise(evaluation: Evaluation) -> str | None:
    if not evaluation.results:
        return "请先计算评估结果"
    if evaluation.state == EvaluationState.COMMENT and evaluation.comment_until >= timezone.localdate():
        return f"征求意见期至 {evaluation.comment_until:%Y-%m-%d}，期满后才能定稿"
    return None


def open_for_comment(now=None):
    """The evaluations taking public comments today."""
    today = timezone.localdate(now)
    return (Evaluation.objects.filter(state=EvaluationState.COMMENT, comment_from__lte=today,
                                      comment_until__gte=today).select_related("plan"))


def published():
    """The evaluations the public page lists: in comment (open or not yet ended) and final."""
    return Evaluation.objects.filter(state__in=(EvaluationState.COMMENT, EvaluationState.FINAL)).select_related("plan")


# ---- composite indices ---------------------------------------------------------------------------

def index_components(index: CompositeIndex) -> list[composite.Component]:
    return [composite.Component(c["key"], c["label"], float(c["weight"]), bool(c.get("higher_is_better", True)),
                                c.get("lo"), c.get("hi")) for c in index.components]


def index_inputs(index: CompositeIndex, years) -> tuple[list[Region], dict]:
    """The townships and {year: {township code: {component key: value}}}."""
    towns = list(Region.objects.filter(parent=index.region, level="township").order_by("code"))
    keys = {k for c in index.components for k in (*c.get("numerator", []), *c.get("denominator", []))}
    out: dict[int, dict[str, dict]] = {y: {} for y in years}
    for town in towns:
        values, _ = series_values(town, keys, years)
        for y in years:
            row = {}
            for c in index.components:
                f = indicators.Formula(tuple(c.get("numerator", [])), tuple(c.get("denominator", [])),
                                       float(c.get("factor", 1)))
                row[c["key"]] = indicators.compute(f, values, y).value
            out[y][town.code] = row
    return towns, out


def index_scores(index: CompositeIndex, years) -> tuple[list[Region], dict[int, list[composite.Score]], dict]:
    towns, inputs = index_inputs(index, years)
    comps = index_components(index)
    return towns, {y: composite.score(comps, inputs[y]) for y in years}, inputs


def index_years(index: CompositeIndex) -> list[int]:
    this = timezone.localdate().year
    return list(range(this - 4, this + 1))


def today() -> datetime.date:
    return timezone.localdate()


def region_attribute(user, refs, index: str = "", year: str = "") -> dict:
    """The region layer's ``evaluation-index`` attribute: each township's index (0–100) of one composite
    index and year, for the townships the user may see (an unknown index or year gives nothing)."""
    from rest_framework.exceptions import ValidationError

    if not index.isdigit():
        return {}
    idx = CompositeIndex.objects.for_user(user).filter(pk=int(index)).first()
    if idx is None:
        return {}
    years = index_years(idx)
    if year and (not year.isdigit() or int(year) not in years):
        raise ValidationError({"year": [f"年度应为 {years[0]}–{years[-1]}"]})
    y = int(year) if year else years[-1]
    towns, scores, _ = index_scores(idx, [y])
    by_code = {s.unit: s.index for s in scores[y]}
    ids = dict(Region.objects.filter(code__in=list(by_code)).values_list("code", "pk"))
    wanted = {r.pk for r in refs}
    return {ids[c]: round(v, 1) for c, v in by_code.items() if v is not None and ids.get(c) in wanted}


def register_map_attribute() -> None:
    from yingji.core.directory.api import register_region_attribute

    register_region_attribute("evaluation-index", "综合指数（安全发展指数等）", region_attribute, query=("index", "year"))
