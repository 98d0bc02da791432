"""Warning pages: 叫应 board, CAP export/import, drafting from an alarm, the recipient's 叫应 page
and the public warning map (no login)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from yingji import config
from yingji.core import services
from yingji.core.access import restrict
from yingji.core.models import Region
from yingji.monitoring.models import Alarm
from yingji.warnings import cap, dissemination
from yingji.warnings.channels import CHANNEL_LABELS
from yingji.warnings.models import Recipient, Warning


def _warning(request, pk) -> Warning:
    return get_object_or_404(restrict(Warning.objects.select_related("region", "issuer"), request.user), pk=pk)


def cap_sender() -> str:
    return f"yingji@{config.env('YINGJI_PUBLIC_URL').split('//')[-1].split('/')[0].split(':')[0]}"


@login_required
def board(request, pk):
    """叫应看板: who has and has not answered, refreshed live."""
    warning = _warning(request, pk)
    recipients = (warning.recipients.select_related("person__region", "person__organization", "escalated_to")
                  .prefetch_related("deliveries").order_by("acked_at", "person__region__path", "person__name"))
    rows = [{"r": r, "channels": [(CHANNEL_LABELS.get(d.channel, d.channel), d.state, d.error) for d in r.deliveries.all()]}
            for r in recipients]
    template = "warnings/_board_rows.html" if request.headers.get("HX-Request") else "warnings/board.html"
    return render(request, template, {"w": warning, "rows": rows, "s": dissemination.stats(warning)})


@login_required
def cap_export(request, pk):
    warning = _warning(request, pk)
    xml = cap.to_cap(warning, sender=cap_sender())
    response = HttpResponse(xml, content_type="application/cap+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{warning.code}.cap.xml"'
    return response


@login_required
def cap_import(request):
    """Upload a CAP 1.2 message; a valid one becomes a draft warning for review."""
    if not request.user.has_perm("warnings.add_warning"):
        raise PermissionDenied("您没有编制预警的权限")
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise cap.CapError("请选择 CAP 文件（.xml）")
            fields = cap.from_cap(upload.read())
            known = list(Region.objects.filter(code__in=fields["regions"]).values_list("code", flat=True))
            home = request.user.scope_region or Region.objects.filter(level="county").order_by("path").first()
            warning = Warning(event_type="other", level=fields["level"], title=fields["title"][:120] or "外部预警",
                              content=fields["content"] or fields["area_desc"], measures=fields["measures"],
                              effective=fields["effective"], expires=fields["expires"], region=home,
                              target_regions=",".join(known), area=fields["area"], source="cap",
                              forecast=f"外部 CAP 消息 {fields['cap_sender']} {fields['cap_identifier']}（{fields['event']}）")
            warning.cap_sender = fields["cap_sender"]
            services.save_instance(request.user, warning)
            messages.success(request, f"已导入为拟稿预警 {warning.code}，请核对后提交审核")
            return redirect("registry_detail", "warnings", warning.pk)
        except (cap.CapError, ValueError) as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "；".join(f"{k}：{'、'.join(v)}" for k, v in exc.message_dict.items())
    return render(request, "warnings/cap_import.html", {"error": error})


@login_required
def from_alarm(request, pk):
    """发布预警 from an alarm: the generic new-warning form, prefilled from the alarm for review."""
    from urllib.parse import urlencode

    from django.urls import reverse

    alarm = get_object_or_404(restrict(Alarm.objects.select_related("sensor__point", "region"), request.user), pk=pk)
    sensor = alarm.sensor
    township = alarm.region
    while township.parent_id and township.level == "village":
        township = township.parent
    now = timezone.localtime()
    initial = {
        "event_type": ALARM_EVENT.get(sensor.quantity, "other"), "source": "alarm", "alarm": alarm.pk,
        "level": {1: "blue", 2: "yellow", 3: "orange", 4: "red"}.get(alarm.level, "yellow"),
        "title": f"{sensor.point.name}{alarm.get_kind_display()}（{alarm.level}级）",
        "content": f"{timezone.localtime(alarm.opened_at):%m月%d日%H:%M}，{sensor.point.name}{sensor.name}监测值 "
                   f"{alarm.last_value}{sensor.unit}（峰值 {alarm.peak_value}{sensor.unit}），已达{alarm.level}级报警。",
        "measures": "请相关单位立即核查现场，必要时组织人员撤离，做好应急处置准备。",
        "effective": f"{now:%Y-%m-%dT%H:%M}", "expires": f"{now + datetime.timedelta(hours=12):%Y-%m-%dT%H:%M}",
        "region": township.code, "target_regions": township.code}
    return redirect(f"{reverse('registry_create', args=['warnings'])}?{urlencode(initial)}")


ALARM_EVENT = {"water_level": "flood", "rainfall": "rainstorm", "displacement": "geohazard",
               "combustible_gas": "hazmat", "toxic_gas": "hazmat"}


def acknowledge(request, token):
    """The recipient's 叫应 page (link in SMS/e-mail; no login: the token is the credential)."""
    recipient = get_object_or_404(Recipient.objects.select_related("warning__region", "person"), token=token)
    done = recipient.acked_at is not None
    if request.method == "POST" and not done:
        dissemination.acknowledge(recipient, "link")
        recipient.refresh_from_db()
        done = True
    return render(request, "warnings/ack.html", {"r": recipient, "w": recipient.warning, "done": done})


def _active():
    return Warning.objects.filter(state="published", expires__gt=timezone.now()).select_related("region", "issuer")


def public_warnings(request):
    return render(request, "warnings/public.html", {"warnings": _active().order_by("-published_at")})


def public_warnings_geojson(request):
    """Active warnings as GeoJSON: their drawn area, else their target regions' outlines."""
    features = []
    for w in _active():
        geom = w.shape()
        shapes = [geom.__geo_interface__] if geom is not None else [
            r.geometry for r in Region.objects.filter(code__in=w.region_codes() or [w.region.code]) if r.geometry]
        for g in shapes:
            features.append({"type": "Feature", "geometry": g, "properties": {
                "code": w.code, "title": w.title, "level": w.level, "level_label": w.get_level_display(),
                "effective": w.effective.isoformat(), "expires": w.expires.isoformat()}})
    return JsonResponse({"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False})
