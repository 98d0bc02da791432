from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.framework import operations
from yingji.supervision import public, services
from yingji.supervision.choices import Answer, CheckState
from yingji.supervision.models import Draw, Inspection, InspectionPlan, Inspector


def _visible(user, model, pk):
    if not user.has_perm(f"supervision.view_{model._meta.model_name}"):
        raise PermissionDenied
    return get_object_or_404(model.objects.for_user(user), pk=pk)


# Not an operation: a table of figures, it reads.
@login_required
def plan_progress(request, pk):
    plan = _visible(request.user, InspectionPlan, pk)
    return render(request, "supervision/progress.html", {"plan": plan, "p": services.progress(plan),
                                                         "months": range(1, 13)})


@extend_schema(summary="年度监督检查计划的进度：按检查事项和实施单位，逐月完成的检查数、计划数和完成率",
               tags=["年度监督检查计划"],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
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
@login_required
def draw_detail(request, pk):
    record = _visible(request.user, Draw, pk)
    context = _draw_context(request.user, record)
    if request.GET.get("verify"):
        context["verification"] = services.verify(record)
    return render(request, "supervision/draw.html", context)


@extend_schema(summary="复核双随机抽取：按记录的随机种子、排序后的候选清单和回避情况重新抽取并与记录比较",
               tags=["双随机抽取记录"],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def draw_verify_api(request, pk):
    record = _visible(request.user, Draw, pk)
    v = services.verify(record)
    return Response({"draw": record.pk, "ok": v.ok, "problems": list(v.problems), "seed": record.seed,
                     "algorithm": record.algorithm, "objects_hash": record.objects_hash,
                     "inspectors_hash": record.inspectors_hash})


# Not an operation: the on-site page (a phone layout); its buttons post to the declared operations.
@login_required
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
    return render(request, "supervision/onsite.html", {
        "inspection": inspection, "items": items, "may": may, "answers": [(k, v) for k, v in Answer.choices
                                                                         if k != Answer.UNANSWERED],
        "open_items": sum(1 for i in items if i.answer == Answer.UNANSWERED),
        "findings": inspection.findings.select_related("hazard", "item"),
        "evidence": inspection.evidence.select_related("attachment", "finding"),
        "inspectors": inspection.inspectors.select_related("person"),
        "on_site": inspection.state == CheckState.IN_PROGRESS})


# ---- public (no login): 双随机一公开 ------------------------------------------------------------

# Not an operation: a public page, it reads published draws and results.
def public_draws(request):
    return render(request, "supervision/public_draws.html", {"draws": public.published(request.GET.get("year"))})


def public_draw(request, pk):
    row = public.one(pk)
    if row is None:
        raise Http404
    return render(request, "supervision/public_draw.html", {"d": row})
