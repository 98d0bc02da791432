"""Warning pages: 叫应 board, CAP export/import, drafting from an alarm, the recipient's 叫应 page
and the public warning map (no login).

CAP import is the declared operation ``warnings/import-cap`` (warnings/operations.py; also POST
/api/warnings/import-cap/); CAP export is the registry's declared document ``cap`` (also GET
/api/warnings/<id>/documents/cap/). What stays here reads, or is public: each view says why it is not
an operation."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from yingji.core.framework.access import restrict
from yingji.core.framework.operation_views import operation_page
from yingji.core.framework.readviews import read_page
from yingji.core.framework.views import DocumentView
from yingji.core.models import Region
from yingji.monitoring.models import Alarm
from yingji.warnings import dissemination
from yingji.warnings.channels import CHANNEL_LABELS
from yingji.warnings.models import Recipient, Warning


def _warning(request, pk) -> Warning:
    """The warning as the user may see it: 404 outside the user's scope (the read view's declaration has
    refused a role that sees no warnings, 403, as the registry's page answers)."""
    return get_object_or_404(restrict(Warning.objects.select_related("region", "issuer"), request.user), pk=pk)


@read_page("warnings")
def board(request, pk):
    """叫应看板: who has and has not answered, refreshed live. Not an operation: it reads."""
    warning = _warning(request, pk)
    recipients = (warning.recipients.select_related("person__region", "person__organization", "escalated_to")
                  .prefetch_related("deliveries").order_by("acked_at", "person__region__path", "person__name"))
    rows = [{"r": r, "channels": [(CHANNEL_LABELS.get(d.channel, d.channel), d.state, d.error) for d in r.deliveries.all()]}
            for r in recipients]
    template = "warnings/_board_rows.html" if request.headers.get("HX-Request") else "warnings/board.html"
    return render(request, template, {"w": warning, "rows": rows, "s": dissemination.stats(warning)})


def cap_export(request, pk):
    """CAP 1.2 报文 at its own address (other platforms fetch /warnings/<id>/cap.xml): the registry's
    declared document ``cap`` under the record page's rules, as GET /api/warnings/<id>/documents/cap/."""
    return DocumentView.as_view()(request, registry="warnings", pk=pk, name="cap", extension="xml")


def cap_message_xml(request, pk):
    """A kept CAP message (sent or received) as XML under the record page's rules: the cap-messages
    registry's declared document ``cap``."""
    return DocumentView.as_view()(request, registry="cap-messages", pk=pk, name="cap", extension="xml")


@read_page("cap-messages")
def cap_message_warning(request, pk):
    """From a CAP message to the local warning it reported or became (reads, so not an operation)."""
    from django.http import Http404
    from django.urls import reverse

    from yingji.warnings.models import CapMessage

    m = get_object_or_404(restrict(CapMessage.objects.all(), request.user), pk=pk)
    if m.warning_id is None:
        raise Http404("该消息还没有对应的本地预警")
    return redirect(reverse("registry_detail", args=["warnings", m.warning_id]))


# 导入 CAP 预警: the page of the declared operation ``warnings/import-cap`` at its own address.
cap_import = operation_page("warnings", "import-cap")


@read_page("alarms")  # as the alarm's own page answers a role that sees no alarms
def from_alarm(request, pk):
    """发布预警 from an alarm: the generic new-warning form, prefilled from the alarm for review. Not an
    operation: it writes nothing, it only redirects — the save is the registry's create form (its checks)."""
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
        "region": township.code, "target_regions": township.code, "cap_status": "Actual"}
    return redirect(f"{reverse('registry_create', args=['warnings'])}?{urlencode(initial)}")


ALARM_EVENT = {"water_level": "flood", "rainfall": "rainstorm", "displacement": "geohazard",
               "combustible_gas": "hazmat", "toxic_gas": "hazmat"}


def acknowledge(request, token):
    """The recipient's 叫应 page (link in SMS/e-mail; no login: the token is the credential). Not an
    operation: operations act for a signed-in role; this one acts for whoever holds the link."""
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
    """Public page (no login): it reads the active warnings, so not an operation."""
    return render(request, "warnings/public.html", {"warnings": _active().order_by("-published_at")})


def public_warnings_geojson(request):
    """Active warnings as GeoJSON: their drawn area, else their target regions' outlines. A public map
    layer (no login), so not an operation."""
    features = []
    warnings = list(_active())
    drawn = {w.pk: w.shape() for w in warnings}
    codes = {w.pk: w.region_codes() or [w.region.code] for w in warnings if drawn[w.pk] is None}
    outlines = dict(Region.objects.filter(code__in={c for cs in codes.values() for c in cs})
                    .exclude(geometry=None).values_list("code", "geometry"))  # one query for every warning
    for w in warnings:
        geom = drawn[w.pk]
        shapes = [geom.__geo_interface__] if geom is not None else [
            outlines[c] for c in sorted(set(codes[w.pk])) if c in outlines]  # by code, as before
        for g in shapes:
            features.append({"type": "Feature", "geometry": g, "properties": {
                "code": w.code, "title": w.title, "level": w.level, "level_label": w.get_level_display(),
                "effective": w.effective.isoformat(), "expires": w.expires.isoformat()}})
    return JsonResponse({"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False})


@login_required
def external(request):
    """外部预警: the external warnings waiting for review (the cap-messages list, filtered). Reads."""
    from django.urls import reverse

    return redirect(f"{reverse('registry_list', args=['cap-messages'])}?outgoing=False&review=pending")


def public_cap_feed(request):
    """The CAP index feed (Atom, RFC 4287) of this platform's messages in force; ``?region=<code>`` for
    one issuing region's. Public like the warning map (aggregators and other levels read it without
    an account), so not an operation."""
    from django.http import HttpResponse
    from django.urls import reverse

    from yingji.warnings import feeds

    region = request.GET.get("region", "").strip()
    name = Region.objects.filter(code=region).values_list("name", flat=True).first() if region else ""
    body = feeds.atom(feeds.feed_messages(region), self_url=request.build_absolute_uri(),
                      message_url=lambda m: request.build_absolute_uri(reverse("public_cap_message", args=[m.pk])),
                      title=f"{name or '本平台'}预警信息（CAP 1.2）")
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


def public_cap_message(request, pk):
    """One of this platform's CAP messages by URL (as the feed links it): public, as sent. Drafts and
    messages not of public scope are not served."""
    from django.http import HttpResponse

    from yingji.warnings.models import CapMessage

    m = get_object_or_404(CapMessage.objects.exclude(status="Draft"), pk=pk, outgoing=True, scope="Public")
    return HttpResponse(m.xml.encode(), content_type="application/cap+xml; charset=utf-8")
