from django.http import Http404
from django.shortcuts import get_object_or_404, render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from yingji.core.framework import operations
from yingji.core.framework.readviews import read_api, read_page
from yingji.supervision import public, services
from yingji.supervision.choices import Answer, CheckState
from yingji.supervision.models import Draw, Inspection, InspectionPlan, Inspector


def _visible(user, model, pk):
    """The record in the user's scope, else 404 (the read view's declaration has checked the role)."""
    return get_object_or_404(model.objects.for_user(user), pk=pk)


# Not an operation: a table of figures, it reads.
@read_page("inspection-plans")
def plan_progress(request, pk):
    plan = _visible(request.user, InspectionPlan, pk)
    return render(request, "supervision/progress.html", {"plan": plan, "p": services.progress(plan),
                                                         "months": range(1, 13)})


@extend_schema(summary="年度监督检查计划的进度：按检查事项和实施单位，逐月完成的检查数、计划数和完成率",
               tags=["年度监督检查计划"],
               responses=OpenApiTypes.OBJECT)
@read_api("inspection-plans")
def plan_progress_api(request, pk):
    return Response(services.progress(_visible(request.user, InspectionPlan, pk)))


def _draw_context(user, record):
    from yingji.core.models import Organization

    names = dict(Organization.objects.filter(credit_code__in=record.candidate_objects).values_list("credit_code", "name"))
    inspectors = {i.certificate_number: i.person.name for i in
                  Inspector.objects.filter(certificate_number__in=record.candidate_inspectors).select_related("person")}
    return {"draw": record, "names": names, "inspector_names": inspectors,
            "rows": [{"object": r["object"], "name": names.get(r["object"], ""),
                      "inspectors": [(n, inspectors.get(n, "")) for n in r["inspectors"]]} for r in record.result],
            "inspections": record.inspections.select_related("organization").order_by("id")}


# Not an operation: the draw's log and, on request, its re-run (verification writes nothing).
@read_page("draws")
def draw_detail(request, pk):
    record = _visible(request.user, Draw, pk)
    context = _draw_context(request.user, record)
    if request.GET.get("verify"):
        context["verification"] = services.verify(record)
    return render(request, "supervision/draw.html", context)


@extend_schema(summary="复核双随机抽取：按记录的随机种子、排序后的候选清单和回避情况重新抽取并与记录比较",
               tags=["双随机抽取记录"],
               responses=OpenApiTypes.OBJECT)
@read_api("draws")
def draw_verify_api(request, pk):
    record = _visible(request.user, Draw, pk)
    v = services.verify(record)
    return Response({"draw": record.pk, "ok": v.ok, "problems": list(v.problems), "seed": record.seed,
                     "algorithm": record.algorithm, "objects_hash": record.objects_hash,
                     "inspectors_hash": record.inspectors_hash})


# Not an operation: the on-site page (a phone layout); its buttons post to the declared operations.
@read_page("inspections")
def inspection_onsite(request, pk):
    inspection = _visible(request.user, Inspection, pk)
    ops = {name: operations.get(slug, name) for slug, name in
           [("inspections", "start"), ("inspections", "complete"), ("inspections", "add-finding"),
            ("inspections", "add-evidence"), ("inspection-items", "answer"), ("findings", "to-hazard")]}
    may = {name.replace("-", "_"): op is not None and op.refused(request.user, inspection) is None
           for name, op in ops.items()}
    # A finding may also become a case: the cases half declares that operation (it takes ?finding=<id>).
    open_case = operations.get("enforcement-cases", "open-case")
    may["open_case"] = open_case is not None and open_case.refused(request.user) is None
    items = list(inspection.items.all())
    _aid(request.user, inspection, items)
    return render(request, "supervision/onsite.html", {
        "inspection": inspection, "items": items, "may": may, "answers": [(k, v) for k, v in Answer.choices
                                                                         if k != Answer.UNANSWERED],
        "open_items": sum(1 for i in items if i.answer == Answer.UNANSWERED),
        "findings": inspection.findings.select_related("hazard", "item"),
        "evidence": inspection.evidence.select_related("attachment", "finding"),
        "inspectors": inspection.inspectors.select_related("person"),
        "on_site": inspection.state == CheckState.IN_PROGRESS})


def _aid(user, inspection, items) -> None:
    """Give each checklist point the panels other apps contribute for it (contributions.CheckAid: 持证上岗
    against the certificate registry), as ``item.aids`` (rendered HTML); this app imports none of them."""
    from django.template.loader import render_to_string

    from yingji.core.framework.contributions import check_aids, resolve

    for item in items:
        item.aids = []
    for aid in check_aids().values():
        hits = [i for i in items if any(word in i.text for word in aid.match)]
        context = resolve(aid.context)(user, inspection) if hits else None
        if context is None:
            continue
        html = render_to_string(aid.template, context)
        for item in hits:
            item.aids.append(html)


# ---- public (no login): 双随机一公开 ------------------------------------------------------------

# Not an operation: a public page, it reads published draws and results.
def public_draws(request):
    return render(request, "supervision/public_draws.html", {"draws": public.published(request.GET.get("year"))})


def public_draw(request, pk):
    row = public.one(pk)
    if row is None:
        raise Http404
    return render(request, "supervision/public_draw.html", {"d": row})
