"""Plan evaluation's pages that are not registry pages: the plan's indicator monitoring (lights and
trends), a composite index's township ranking with its map and trend, and the public pages of the
evaluations put out for comment (no login; the comment form is every public form's gate plus limits)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from yingji.core.framework.net import client_ip
from yingji.core.framework.readviews import read_page
from yingji.evaluation import public, services
from yingji.evaluation.indicators import LIGHT_LABELS
from yingji.evaluation.models import CompositeIndex, DevelopmentPlan, Evaluation

LIGHT_COLOURS = {"green": "#52c41a", "yellow": "#f7ba1e", "red": "#d9001b", "grey": "#999999"}


def sparkline(values, path, width=160, height=40) -> str:
    """Values (blue) against the path (orange, dashed) as a small inline SVG (no script: the CSP holds)."""
    known = [v for v in [*values, *path] if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)

    def pts(series):
        return " ".join(f"{4 + (width - 8) * i / n:.1f},{height - 4 - (height - 8) * (v - lo) / span:.1f}"
                        for i, v in enumerate(series) if v is not None)

    return mark_safe(
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="趋势">'
        f'<polyline fill="none" stroke="#ff7d00" stroke-dasharray="4 3" stroke-width="1.5" points="{pts(path)}"/>'
        f'<polyline fill="none" stroke="#1677ff" stroke-width="2" points="{pts(values)}"/></svg>')


# Not an operation: a monitoring page, it reads.
@read_page("development-plans")
def plan_page(request, pk):
    plan = get_object_or_404(DevelopmentPlan.objects.for_user(request.user), pk=pk)
    results = services.plan_results(plan)
    rows = []
    for r in results:
        latest = r.latest
        rows.append({"r": r, "ind": r.indicator, "latest": latest, "target": services.target_text(r.indicator),
                     "colour": LIGHT_COLOURS[latest.light if latest else "grey"],
                     "light": LIGHT_LABELS[latest.light] if latest else LIGHT_LABELS["grey"],
                     "cells": [(a.year, services.number(a.value), LIGHT_COLOURS[a.light], a.light_label) for a in r.rows],
                     "spark": sparkline([a.value for a in r.rows], [a.path for a in r.rows])})
    years = results[0].years if results else services.plan_years(plan)
    today = services.today()
    return render(request, "evaluation/plan.html", {
        "plan": plan, "rows": rows, "years": years, "projects": plan.projects.all(),
        "tasks": [(t, t.state != "done" and t.due_on < today) for t in plan.tasks.all()],
        "evaluations": plan.evaluations.all(), "light_colours": LIGHT_COLOURS})


# Not an operation: a ranking page, it reads.
@read_page("composite-indices")
def index_page(request, pk):
    index = get_object_or_404(CompositeIndex.objects.for_user(request.user), pk=pk)
    years = services.index_years(index)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() and int(request.GET["year"]) in years \
        else years[-1]
    towns, scores, inputs = services.index_scores(index, years)
    names = {t.code: t.name for t in towns}
    comps = index.components
    ranking = [{"s": s, "name": names[s.unit], "index": services.number(s.index, 1),
                "cells": [(services.number(inputs[year][s.unit].get(c["key"])), services.number(s.parts.get(c["key"]), 1))
                          for c in comps]} for s in scores[year]]
    trend = []
    for t in towns:
        by_year = {y: next((s for s in scores[y] if s.unit == t.code), None) for y in years}
        trend.append({"name": t.name, "cells": [(services.number(by_year[y].index, 1) if by_year[y] else "—",
                                                 by_year[y].rank if by_year[y] else None) for y in years]})
    return render(request, "evaluation/index.html", {
        "index": index, "year": year, "years": years, "ranking": ranking, "trend": trend, "components": comps,
        "map_options": {"level": "township", "attribute": "evaluation-index",
                        "regionQuery": f"index={index.pk}&year={year}"}})


# ---- public pages (no login) ----------------------------------------------------------------------
def public_list(request):
    """Not an operation: the public list of evaluation reports out for comment or final (no login)."""
    return render(request, "evaluation/public_list.html", {"evaluations": services.published().order_by("-year")})


def public_detail(request, pk):
    """Not an operation: one evaluation's public page with its results and, while the period runs, the
    comment form (no login: token, honeypot and rate limits are its checks, as every public form's)."""
    evaluation = get_object_or_404(services.published(), pk=pk)
    open_now = services.open_for_comment().filter(pk=pk).exists()
    data = {}
    if request.method == "POST":
        data = request.POST
        try:
            public.submit(ip=client_ip(request), token=data.get("token", ""), honeypot=data.get("website", ""),
                          evaluation_id=pk, name=data.get("name", ""), contact=data.get("contact", ""),
                          text=data.get("text", ""))
        except public.Refused as exc:
            return render(request, "evaluation/public_detail.html",
                          {**_public_context(evaluation, open_now, data), "error": str(exc)}, status=exc.status)
        return redirect(reverse("evaluation_public_detail", args=[pk]) + "?done=1")
    context = _public_context(evaluation, open_now, data)
    context["done"] = request.GET.get("done") == "1"
    return render(request, "evaluation/public_detail.html", context)


def _public_context(evaluation: Evaluation, open_now: bool, data) -> dict:
    rows = []
    for r in (evaluation.results or {}).get("indicators", []):
        rows.append({"name": r["name"], "unit": r["unit"], "target": r["target"], "base": services.number(r["base"]),
                     "value": services.number(r["values"][-1]) if r["values"] else "—",
                     "light": LIGHT_LABELS[r["lights"][-1]] if r["lights"] else "—",
                     "colour": LIGHT_COLOURS[r["lights"][-1]] if r["lights"] else LIGHT_COLOURS["grey"]})
    return {"e": evaluation, "rows": rows, "open_now": open_now, "token": public.form_token(), "data": data,
            "summary": evaluation.summary}
