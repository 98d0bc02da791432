"""Response pages: 接报登记 (fast intake), the incident's 指挥台 (grade, clocks, plan matching and
activation, tasks, reports, timeline) and its 态势图; the API for the same."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from yingji.core.framework import operations
from yingji.core.framework.access import can, restrict
from yingji.core.framework.readviews import ReadAPIView, ReadView, read_page
from yingji.core.framework.registry import get_registry
from yingji.core.framework.rest import query_number
from yingji.incidents import event_types, matching, services, situation
from yingji.incidents.models import Incident
from yingji.incidents.workflow import is_commander

PLACE_FIELDS = ["event_type", "title", "occurred_at", "source", "address", "region", "organization"]
FIGURE_FIELDS = ["deaths", "missing", "injured", "trapped", "direct_loss_wan", "reporter", "reporter_phone"]
INTAKE_FIELDS = ["event_type", "title", "occurred_at", "address", "region", "organization", "source", "reporter",
                 "reporter_phone", "deaths", "missing", "injured", "trapped", "direct_loss_cny", "description", "lon", "lat"]



def intake_form(user, data=None, initial=None):
    """The registry's own form (scoped choices, autocomplete, located errors), cut to what a call gives."""
    form = get_registry("incidents").form_class(user)(data=data, initial=initial)
    for name in list(form.fields):
        if name not in INTAKE_FIELDS:
            del form.fields[name]
    form.order_fields(INTAKE_FIELDS)
    # The loss is typed in 万元 (decision 0012), so the intake's input says so by its name, in the API too;
    # the registry's own API field direct_loss_cny is yuan. operations.intake puts it back.
    form.fields = {("direct_loss_wan" if name == "direct_loss_cny" else name): f for name, f in form.fields.items()}
    form.fields["title"].required = False
    form.fields["title"].help_text = "可不填：按地点和事件类型自动生成"
    form.fields["region"].required = False
    form.fields["region"].help_text = "在地图上点选事发地点，或地址中写明乡镇、村社区，即自动确定"
    for name in ("lon", "lat"):
        form.fields[name].widget.input_type = "hidden"
    form.fields["description"].widget.attrs["rows"] = 3
    form.fields["occurred_at"].widget.input_type = "datetime-local"
    form.fields["occurred_at"].widget.format = "%Y-%m-%dT%H:%M"
    form.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    return form


def _prefill(request) -> dict:
    """Intake from an alarm or a warning: its place, type and description filled in for review."""
    now = timezone.localtime()
    initial = {"occurred_at": now.strftime("%Y-%m-%dT%H:%M"), "source": "phone"}
    if request.GET.get("alarm"):
        from yingji.monitoring.models import Alarm

        alarm = get_object_or_404(restrict(Alarm.objects.select_related("sensor__point", "region"), request.user),
                                  pk=request.GET["alarm"])
        point = alarm.sensor.point
        initial.update(source="alarm", alarm=alarm.pk, lon=point.lon, lat=point.lat, region=alarm.region.code,
                       address=point.name, event_type=ALARM_EVENT.get(alarm.sensor.quantity, "20000"),
                       occurred_at=timezone.localtime(alarm.opened_at).strftime("%Y-%m-%dT%H:%M"),
                       description=f"{point.name}{alarm.sensor.name}{alarm.get_kind_display()}，"
                                   f"监测值 {alarm.last_value}{alarm.sensor.unit}（{alarm.level}级报警）。")
    elif request.GET.get("warning"):
        from yingji.warnings.models import Warning

        warning = get_object_or_404(restrict(Warning.objects.select_related("region"), request.user),
                                    pk=request.GET["warning"])
        initial.update(source="warning", warning=warning.pk, region=warning.region.code,
                       address=warning.region.name, event_type=WARNING_EVENT.get(warning.event_type, "10000"),
                       description=f"{warning.title}：{warning.content}")
    return initial


ALARM_EVENT = {"water_level": "11100", "rainfall": "12200", "displacement": "14200", "combustible_gas": "21400",
               "toxic_gas": "21400"}
WARNING_EVENT = {"rainstorm": "12200", "typhoon": "12100", "heat": "12800", "cold_wave": "12400", "gale": "12500",
                 "hail": "12A00", "thunder": "12900", "fog": "12C00", "icing": "12700", "snowstorm": "12300",
                 "drought": "11400", "flood": "11100", "flash_flood": "11300", "geohazard": "14000",
                 "forest_fire": "17100", "hazmat": "21400", "gas_leak": "23200"}


@login_required
def intake(request):
    """接报登记: built for speed — type, place on the map, casualties, what happened, save. The page of
    the declared operation ``incidents/intake`` (its checks, inputs and service), with its own layout."""
    op = operations.get("incidents", "intake")
    reason = op.refused(request.user)
    if reason:
        raise PermissionDenied(reason)
    for name, what in (("alarm", "报警"), ("warning", "预警")):  # ?alarm=abc was a server error
        if request.GET.get(name) and not request.GET[name].isdigit():
            return HttpResponseBadRequest(f"{name} 应为{what}编号（整数）", content_type="text/plain; charset=utf-8")
    status = 200
    if request.method == "POST":
        try:
            incident = operations.perform(op, request.user, None, request.POST)
        except operations.InvalidInput as exc:
            form, status = exc.form, 400
        else:
            messages.success(request, op.message(incident))
            return redirect("incident_desk", incident.pk)
    else:
        form = op.form(user=request.user, initial=_prefill(request))
    return render(request, "incidents/intake.html", dict(
        form=form, place_fields=[form[n] for n in PLACE_FIELDS], figure_fields=[form[n] for n in FIGURE_FIELDS],
        alarm=request.POST.get("alarm") or request.GET.get("alarm", ""),
        warning=request.POST.get("warning") or request.GET.get("warning", "")), status=status)


# Not an operation: a prefill link (redirect); the save is the intake operation.
@login_required
def from_alarm(request, pk):
    return redirect(f"{reverse('incident_intake')}?alarm={pk}")


# Not an operation: a prefill link (redirect); the save is the intake operation.
@login_required
def from_warning(request, pk):
    return redirect(f"{reverse('incident_intake')}?warning={pk}")


def _incident(request, pk):
    """The incident as the user may see it: 404 outside the user's scope (the read view's declaration
    has refused a role that sees no incidents, 403, as the registry page answers)."""
    return get_object_or_404(restrict(Incident.objects.select_related("region", "organization"), request.user), pk=pk)


# Not an operation: the 指挥台 page reads; its buttons are the incident's operations.
@read_page("incidents")
def desk(request, pk):
    """The incident's 指挥台."""
    incident = _incident(request, pk)
    clocks = services.clocks(incident)
    matches = services.plan_matches(request.user, incident) if incident.state in ("received", "responding") else []
    active_plans = set(incident.responses.filter(state="active").values_list("plan_id", flat=True))
    return render(request, "incidents/desk.html", dict(
        incident=incident, type_path=event_types.path(incident.event_type), clocks=clocks, matches=matches,
        active_plans=active_plans, can_command=is_commander(request.user),
        ops={op.name for op in operations.available(request.user, incident)},
        levels=list(matching.LEVEL_LABELS.items()),
        responses=incident.responses.select_related("plan").all(),
        tasks=incident.tasks.select_related("department").all(),
        dispatches=incident.dispatches.select_related("team").order_by("dispatched_at"),
        reports=incident.reports.all(),
        timeline=incident.timeline.select_related("actor").all(),
        now=timezone.now()))


# Not an operation: the 态势图 page reads (SituationView feeds it).
@read_page("incidents")
def situation_map(request, pk):
    incident = _incident(request, pk)
    can_edit = can(request.user, "change", Incident) and incident.state in ("received", "responding")
    return render(request, "incidents/situation.html", dict(incident=incident, can_dispatch=is_commander(request.user),
                                                            can_edit=can_edit))


class SituationView(ReadAPIView):
    """The 态势图 data for an incident (GeoJSON layers and travel times), refreshed by the page.
    An API view (token or session, JSON errors, in the schema), not an operation: it changes nothing."""

    read_view = ReadView("incidents")

    @extend_schema(parameters=[OpenApiParameter("radius_km", float, required=False,
                                                description="周边资源半径（公里，0.5–50）")],
                   responses=OpenApiTypes.OBJECT, tags=["突发事件"], summary="事件态势图数据（图层与行程时间）")
    def get(self, request, pk):
        incident = _incident(request, pk)
        radius = query_number(request, "radius_km", situation.DEFAULT_RADIUS_KM, low=0.5, high=50.0)
        return Response(situation.assemble(request.user, incident, radius_km=radius))


class OpenIncidentsView(ReadAPIView):
    """Open incidents with their next clock, for the home page and the duty desk. Not an operation: it reads."""

    read_view = ReadView("incidents")

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["突发事件"], summary="处置中的事件及其下一个报送时限")
    def get(self, request):
        open_ = restrict(Incident.objects.filter(state__in=("received", "responding")), request.user)
        out = []
        for incident in open_.order_by("-received_at").prefetch_related("deadlines")[:20]:
            pending = sorted((d for d in incident.deadlines.all() if d.done_at is None), key=lambda d: d.due_at)
            nxt = pending[0] if pending else None
            out.append({"number": incident.number, "title": incident.title, "grade": incident.grade_label,
                        "state": incident.get_state_display(), "url": reverse("incident_desk", args=[incident.pk]),
                        "next_deadline": nxt.label if nxt else None,
                        "due_at": nxt.due_at.isoformat() if nxt else None})
        return Response({"incidents": out, "now": timezone.now().isoformat()})
