"""Response pages: 接报登记 (fast intake), the incident's 指挥台 (grade, clocks, plan matching and
activation, tasks, reports, timeline) and its 态势图; the API for the same."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.access import restrict
from yingji.core.models import Region
from yingji.core.public_forms import Refused, locate, locate_address
from yingji.core.registry import get_registry
from yingji.incidents import event_types, matching, services, situation
from yingji.incidents.models import Incident, Plan
from yingji.incidents.workflow import is_commander

PLACE_FIELDS = ["event_type", "title", "occurred_at", "source", "address", "region", "organization"]
FIGURE_FIELDS = ["deaths", "missing", "injured", "trapped", "direct_loss", "reporter", "reporter_phone"]
INTAKE_FIELDS = ["event_type", "title", "occurred_at", "address", "region", "organization", "source", "reporter",
                 "reporter_phone", "deaths", "missing", "injured", "trapped", "direct_loss", "description", "lon", "lat"]



def intake_form(user, data=None, initial=None):
    """The registry's own form (scoped choices, autocomplete, located errors), cut to what a call gives."""
    form = get_registry("incidents").form_class(user)(data=data, initial=initial)
    for name in list(form.fields):
        if name not in INTAKE_FIELDS:
            del form.fields[name]
    form.order_fields(INTAKE_FIELDS)
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
    """接报登记: built for speed — type, place on the map, casualties, what happened, save."""
    if not request.user.has_perm("incidents.add_incident"):
        raise PermissionDenied("您没有接报登记的权限")
    for name, what in (("alarm", "报警"), ("warning", "预警")):  # ?alarm=abc was a server error
        if request.GET.get(name) and not request.GET[name].isdigit():
            return HttpResponseBadRequest(f"{name} 应为{what}编号（整数）", content_type="text/plain; charset=utf-8")
    if request.method == "POST":
        form = intake_form(request.user, data=request.POST)
        if form.is_valid():
            incident = form.save(commit=False)
            incident.alarm_id = request.POST.get("alarm") or None
            incident.warning_id = request.POST.get("warning") or None
            try:
                if not incident.region_id and incident.lon is not None:
                    incident.region = locate(incident.lon, incident.lat)
                if not incident.region_id:  # no point: the township or village the address names
                    incident.region = locate_address(incident.address, Region.objects.for_user(request.user))
                if incident.region_id is None:
                    raise Refused("地址中没有识别出乡镇或村社区名称：请在地图上点选事发地点，或填写所在区划")
                if not incident.title:
                    incident.title = f"{incident.address}{event_types.get(incident.event_type).name}"[:120]
                services.intake(request.user, incident)
            except Refused as exc:
                form.add_error("region", str(exc))
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, f"已接报登记 {incident.number}：{incident.grade_label}")
                return redirect("incident_desk", incident.pk)
    else:
        form = intake_form(request.user, initial=_prefill(request))
    return render(request, "incidents/intake.html", dict(
        form=form, place_fields=[form[n] for n in PLACE_FIELDS], figure_fields=[form[n] for n in FIGURE_FIELDS],
        alarm=request.POST.get("alarm") or request.GET.get("alarm", ""),
        warning=request.POST.get("warning") or request.GET.get("warning", "")))


@login_required
def from_alarm(request, pk):
    return redirect(f"{reverse('incident_intake')}?alarm={pk}")


@login_required
def from_warning(request, pk):
    return redirect(f"{reverse('incident_intake')}?warning={pk}")


def _incident(request, pk):
    return get_object_or_404(restrict(Incident.objects.select_related("region", "organization"), request.user), pk=pk)


@login_required
def desk(request, pk):
    """The incident's 指挥台."""
    incident = _incident(request, pk)
    clocks = services.clocks(incident)
    matches = services.plan_matches(request.user, incident) if incident.state in ("received", "responding") else []
    active_plans = set(incident.responses.filter(state="active").values_list("plan_id", flat=True))
    return render(request, "incidents/desk.html", dict(
        incident=incident, type_path=event_types.path(incident.event_type), clocks=clocks, matches=matches,
        active_plans=active_plans, can_command=is_commander(request.user),
        levels=list(matching.LEVEL_LABELS.items()),
        responses=incident.responses.select_related("plan").all(),
        tasks=incident.tasks.select_related("department").all(),
        dispatches=incident.dispatches.select_related("team").order_by("dispatched_at"),
        reports=incident.reports.all(),
        timeline=incident.timeline.select_related("actor").all(),
        now=timezone.now()))


@login_required
@require_POST
def activate(request, pk):
    incident = _incident(request, pk)
    plan = get_object_or_404(Plan.objects.for_user(request.user), pk=request.POST.get("plan"))
    level = request.POST.get("level", "")
    try:
        response = services.activate(request.user, incident, plan, level, request.POST.get("reason", "").strip())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已启动《{plan.name}》{response.get_level_display()}，"
                                  f"生成任务 {response.tasks.count()} 项")
    return redirect(reverse("incident_desk", args=[pk]) + "#response")


@login_required
@require_POST
def new_report(request, pk):
    incident = _incident(request, pk)
    report = services.draft_report(request.user, incident, request.POST.get("kind") or None)
    messages.info(request, f"已按事件最新情况起草{report.get_kind_display()}，请核对补全后报送")
    return redirect("registry_edit", "reports", report.pk)


@login_required
@require_POST
def add_message(request, pk):
    incident = _incident(request, pk)
    try:
        services.add_message(request.user, incident, request.POST.get("kind", "message"), request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(reverse("incident_desk", args=[pk]) + "#timeline")


@login_required
@require_POST
def dispatch_team(request, pk):
    from yingji.resources.models import Team

    incident = _incident(request, pk)
    team = get_object_or_404(Team.objects.for_user(request.user), pk=request.POST.get("team"))
    try:
        minutes = float(request.POST["minutes"]) if request.POST.get("minutes") else None
        sent = services.dispatch_team(request.user, incident, team, minutes)
    except (ValidationError, ValueError) as exc:
        return JsonResponse({"error": "；".join(getattr(exc, "messages", [str(exc)]))}, status=409)
    return JsonResponse({"ok": True, "id": sent.pk, "text": f"调派{team.name}"})


@login_required
def situation_map(request, pk):
    incident = _incident(request, pk)
    can_edit = request.user.has_perm("incidents.change_incident") and incident.state in ("received", "responding")
    return render(request, "incidents/situation.html", dict(incident=incident, can_dispatch=is_commander(request.user),
                                                            can_edit=can_edit))


@login_required
def situation_api(request, pk):
    """The 态势图 data for an incident (GeoJSON layers and travel times), refreshed by the page."""
    incident = _incident(request, pk)
    try:
        radius = min(max(float(request.GET.get("radius_km") or situation.DEFAULT_RADIUS_KM), 0.5), 50.0)
        if radius != radius:  # NaN passes min/max untouched
            raise ValueError
    except ValueError:
        return JsonResponse({"radius_km": "radius_km 应为数字"}, status=400)
    return JsonResponse(situation.assemble(request.user, incident, radius_km=radius))


@login_required
def incidents_now(request):
    """Open incidents with their next clock, for the home page and the duty desk."""
    open_ = restrict(Incident.objects.filter(state__in=("received", "responding")), request.user)
    out = []
    for incident in open_.order_by("-received_at")[:20]:
        nxt = incident.deadlines.filter(done_at__isnull=True).order_by("due_at").first()
        out.append({"number": incident.number, "title": incident.title, "grade": incident.grade_label,
                    "state": incident.get_state_display(), "url": reverse("incident_desk", args=[incident.pk]),
                    "next_deadline": nxt.label if nxt else None,
                    "due_at": nxt.due_at.isoformat() if nxt else None})
    return JsonResponse({"incidents": out, "now": timezone.now().isoformat()})
