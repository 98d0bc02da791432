"""County → city: the next level may run its own yingji. A county report goes out through the upper
instance's API (POST …/api/disaster-events/receive/ with the token its administrator issued, see
UpwardLink) and is received there as a copy of the event owned by the receiving level, its figures
per township kept as sent. Receiving is idempotent by the report's UUID: the same report sent twice
is one record there, updated to what was sent last."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from yingji.core.framework.access import effective_region
from yingji.core.framework.operations import Conflict
from yingji.disasters.choices import ReportKind, ReportLevel, ReportState
from yingji.disasters.models import TEXT_PARTS, DisasterEvent, DisasterReport, UpwardLink

TIMEOUT_S = 15
FORMAT = "yingji-disaster-report/1"


def payload(report: DisasterReport) -> dict:
    """The county report as the upper level receives it: the event's key, the report, its total and
    its figures per township (stored units: counts, hectares, yuan), and its 文字说明."""
    event = report.event
    return {
        "format": FORMAT, "uuid": str(report.uuid),
        "event": {"uuid": str(event.uuid), "name": event.name, "disaster_type": event.disaster_type,
                  "onset_date": event.onset_date.isoformat(), "county_code": event.county_code,
                  "county_name": event.county_name, "learned_at": event.learned_at.isoformat(),
                  "major": event.major},
        "kind": report.kind, "sequence": report.sequence, "unit_code": report.unit_code, "unit_name": report.unit_name,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "figures": report.figures, "townships": report.breakdown, "explanations": report.explanations,
        "text": report.text_parts(),
    }


def post(url: str, body: bytes, token: str) -> dict:
    """POST JSON with the token; the answer's JSON (HTTPError for a refusal)."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json", "Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (a configured https URL)
        return json.loads(response.read() or b"{}")


def link_for(report: DisasterReport) -> UpwardLink | None:
    paths = [report.event.region.path[:i + 1] for i, c in enumerate(report.event.region.path) if c == "/"]
    return (UpwardLink.objects.filter(active=True, region__path__in=paths).select_related("region")
            .order_by("-region__path").first())


def send_up(user, report: DisasterReport) -> DisasterReport:
    """POST the report to the upper platform; the answer (or why it failed) is kept on the report."""
    if report.level != ReportLevel.COUNTY or report.state not in (ReportState.SUBMITTED, ReportState.ACCEPTED):
        raise Conflict("只有已提交的县级报告可以报送上级平台")
    link = link_for(report)
    if link is None:
        raise Conflict("未配置启用的灾情上报通道（上级平台地址和令牌），请在“灾情上报通道”中登记")
    body = json.dumps({"report": payload(report)}, ensure_ascii=False).encode()
    try:
        answer = post(link.url, body, link.token)
        result = f"已报送{link.name}：{answer.get('message', '已接收')}"[:200]
        report.sent_up_at = timezone.now()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:120]
        result = f"报送{link.name}失败（HTTP {exc.code}）：{detail}"[:200]
    except (urllib.error.URLError, OSError, ValueError) as exc:
        result = f"报送{link.name}失败：{exc}"[:200]
    report.sent_up_result = result
    with set_actor(user):
        report.save(update_fields=["sent_up_at", "sent_up_result", "updated_at"])
    return report


def receive(user, data: dict) -> DisasterReport:
    """Take a county report from a lower platform into the receiving level's copy of its event."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError({"report": f"不是可识别的灾情报告（format 应为 {FORMAT}）"})
    region = effective_region(user)
    if region is None:
        raise ValidationError({"report": "接收账号须限定在本级区划（如市级），报告归本级所有"})
    try:
        ev, kind = data["event"], data["kind"]
        onset = parse_date(ev["onset_date"])
        learned = parse_datetime(ev["learned_at"])
        county_code, county_name = str(ev["county_code"])[:6], str(ev["county_name"])[:64]
        sequence = int(data["sequence"])
        submitted = parse_datetime(data["submitted_at"]) if data.get("submitted_at") else timezone.now()
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError({"report": f"报告缺少或格式错误：{exc}"}) from None
    if kind not in ReportKind.values or onset is None or learned is None or not county_code.startswith(region.code[:2]):
        raise ValidationError({"report": "报告的类别、日期或县级区划不正确（县级区划须在本级辖区内）"})
    event = DisasterEvent.objects.filter(onset_date=onset, county_code=county_code, disaster_type=ev["disaster_type"],
                                         region=region).first()
    with set_actor(user):
        if event is None:
            event = DisasterEvent(name=str(ev["name"])[:120], disaster_type=str(ev["disaster_type"])[:24],
                                  onset_date=onset, learned_at=submitted, region=region, county_code=county_code,
                                  county_name=county_name, received_from=county_name, major=bool(ev.get("major")))
            event.save()
        report = DisasterReport.objects.filter(source_uuid=data["uuid"]).first()
        if report is not None and report.event_id != event.pk:
            raise ValidationError({"report": "报告标识已用于另一事件"})
        if report is None:
            report = DisasterReport(source_uuid=data["uuid"], event=event, region=region)
        report.kind, report.sequence, report.level = kind, sequence, ReportLevel.COUNTY
        report.unit_code, report.unit_name = str(data.get("unit_code", county_code))[:12], county_name
        report.figures = data.get("figures") or {}
        report.breakdown = data.get("townships") or []
        report.explanations = data.get("explanations") or {}
        for part in TEXT_PARTS:
            setattr(report, part, str((data.get("text") or {}).get(part, ""))[:4000])
        report.state, report.submitted_at = ReportState.SUBMITTED, submitted
        report.save()
    from yingji.disasters import services

    key = {ReportKind.INITIAL: "initial:county", ReportKind.FINAL: "final:county"}.get(kind, f"followup-{sequence - 1}")
    services.mark_sent(event, [key], submitted)  # what the county sent, when: the city's clocks start from it
    return report
