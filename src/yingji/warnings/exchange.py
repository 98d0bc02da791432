"""预警信息互通: the platform's warnings as CAP 1.2 messages, and CAP messages from elsewhere.

Out: every release of a warning is a message of its own — 审核并发布 an Alert (an Update when it
replaces an earlier version), 解除 a Cancel — each with a new identifier and ``sent``, its
``<references>`` naming every earlier message of the warning (``sender,identifier,sent``) and, for a
re-issued outside warning, the message it came from. A re-issued warning keeps its source's language
and areas (polygons, circles, geocodes as the source named them).

In: a message from a file or a subscribed feed is kept whole (CapMessage.alert) once per sender +
identifier + sent; an Update marks the messages it references 已被更新, a Cancel (or Error) 已解除.
Actual and Exercise alerts wait for review (待复核) and can be re-issued as a local draft; Test, System
and Draft messages are kept and shown but never re-issued or sent to anyone.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji import config
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.warnings import cap
from yingji.warnings.models import CapMessage, Warning, colour_rules

GB2260 = "GB/T 2260"  # county level and above: 6 digits
STATS_CODE = "统计用区划代码"  # townships (9 digits) and villages (12) are not in GB/T 2260; written as 12 digits
_CN_CODE_NAMES = {"gb/t 2260", "gb/t2260", "gb2260", "统计用区划代码", "行政区划代码", "adcode"}
ACTIONABLE = ("Actual", "Exercise")
MAX_TITLE = Warning._meta.get_field("title").max_length


def sender() -> str:
    """This platform's CAP sender: yingji@<host of YINGJI_PUBLIC_URL>."""
    return f"yingji@{config.public_url().split('//')[-1].split('/')[0].rsplit(':', 1)[0].strip('[]')}"


def geocode_of(code: str) -> tuple[str, str]:
    return (GB2260, code) if len(code) == 6 else (STATS_CODE, code.ljust(12, "0"))


def region_codes_of(geocodes) -> list[str]:
    """Region codes a message's Chinese geocodes name (a 12-digit 统计用区划代码 is matched at the level it
    stops at: 430181110000 is the township 430181110); foreign geocodes (FIPS6, UGC, EMMA_ID …) stay in
    the message but match nothing here, even when their digits look alike."""
    candidates = []
    for name, value in geocodes:
        v = value.strip()
        if name.strip().lower() in _CN_CODE_NAMES and v.isdigit():
            candidates.append([c for c in (v, v[:9] if v[9:] == "000" else "", v[:6] if v[6:] == "000000" else "")
                               if c])
    known = set(Region.objects.filter(code__in=[c for cs in candidates for c in cs]).values_list("code", flat=True))
    found = [next((c for c in cs if c in known), None) for cs in candidates]
    return list(dict.fromkeys(c for c in found if c))


# --- out ----------------------------------------------------------------------------------------------

def _chain(warning) -> list:
    """The warning and the versions it replaced, oldest first."""
    chain, w = [], warning
    while w is not None:
        chain.insert(0, w)
        w = w.supersedes
    return chain


def _source_info(message: CapMessage) -> cap.Info | None:
    alert = message.message()
    infos = [i for i in alert.infos if i.lang.lower().startswith("zh")] or alert.infos
    return infos[0] if infos else None


def alert_for(w: Warning, *, msg_type: str, identifier: str, sent: str, references: str | None,
              status: str | None = None) -> cap.Alert:
    from yingji.warnings.geometry import cap_polygons, circle_of
    from yingji.warnings.models import EVENT_TYPES

    now = timezone.now()
    source = _source_info(w.source_message) if w.source_message_id else None
    areas = [cap.Area(**{**a.__dict__}) for a in source.areas] if source else []
    codes = w.region_codes()
    named = {v for a in areas for _, v in a.geocodes}
    local = [c for c in codes if c not in named and geocode_of(c)[1] not in named]  # named by the source already
    if local or not areas:
        names = dict(Region.objects.filter(code__in=local or [w.region.code]).values_list("code", "name"))
        area = cap.Area(areaDesc="、".join(names.get(c, c) for c in (local or [w.region.code])))
        if w.area.strip() and not source:
            c = circle_of(w.area)
            if c:
                area.circles.append(f"{c[1]:.6f},{c[0]:.6f} {c[2]:g}")
            else:
                area.polygons += cap_polygons(w.shape())
        area.geocodes = [geocode_of(c) for c in (local or [w.region.code])]
        areas.append(area)
    level_label = w.get_level_display()
    info = cap.Info(
        language=(source.language if source and source.language else "zh-CN"),
        categories=[dict((c, cat) for c, _, cat in EVENT_TYPES).get(w.event_type, "Other")],
        event=f"{w.get_event_type_display()}预警", responseTypes=["Prepare"] if w.measures else [],
        urgency="Immediate" if w.effective <= now else "Expected",
        severity={"red": "Extreme", "orange": "Severe", "yellow": "Moderate", "blue": "Minor"}[w.level],
        certainty="Observed" if w.source == "alarm" else "Likely",
        effective=cap.cap_time(w.effective),
        expires=cap.cap_time(w.expires), senderName=w.issuer.name if w.issuer_id else w.region.name,
        headline=w.title, description=w.content, instruction=w.measures or None,
        parameters=[("预警级别", f"{level_label}预警")], areas=areas)
    if msg_type == "Cancel":
        info.urgency, info.responseTypes = "Past", ["AllClear"]
    return cap.Alert(identifier=identifier, sender=sender(), sent=sent,
                     status=status or w.cap_status, msgType=msg_type, scope="Public",
                     source=w.region.name, references=references, infos=[info])


def record_outgoing(w: Warning, msg_type: str) -> CapMessage:
    """The message this step of the warning sends: new identifier, new sent, references to all
    earlier ones (and to the outside message it re-issues)."""
    now = timezone.now()
    earlier = list(CapMessage.objects.filter(outgoing=True, warning__in=_chain(w)).order_by("sent", "pk"))
    refs = [f"{m.sender},{m.identifier},{m.sent_text}" for m in earlier]
    if w.source_message_id:
        refs.insert(0, f"{w.source_message.sender},{w.source_message.identifier},{w.source_message.sent_text}")
    base = f"yingji.{w.region.code}.{w.code}"
    identifier = base if msg_type != "Cancel" else f"{base}.cancel"
    n = 1
    while CapMessage.objects.filter(outgoing=True, sender=sender(), identifier=identifier).exists():
        n += 1  # identifiers are unique per sender, whatever happened before
        identifier = f"{base}.{msg_type.lower()}{n}"
    sent_dt = now.replace(microsecond=0)
    if earlier and sent_dt <= earlier[-1].sent:  # a later message is sent later, to the second
        sent_dt = earlier[-1].sent + datetime.timedelta(seconds=1)
    alert = alert_for(w, msg_type=msg_type, identifier=identifier, sent=cap.cap_time(sent_dt),
                      references=" ".join(dict.fromkeys(refs)) or None)
    return _store(alert, cap.render(alert), region=w.region, outgoing=True, warning=w, level=w.level,
                  level_basis="本平台预警级别")


def document(w: Warning) -> bytes:
    """The warning's CAP message: the last one sent; before release, a Draft preview of what approval
    would send (status Draft: nobody acts on it)."""
    last = CapMessage.objects.filter(outgoing=True, warning=w).order_by("-sent", "-pk").first()
    if last is not None:
        return last.xml.encode()
    msg_type = "Update" if w.supersedes_id else "Alert"
    alert = alert_for(w, msg_type=msg_type, identifier=f"yingji.{w.region.code}.{w.code}.draft",
                      sent=cap.cap_time(timezone.now()), references=None, status="Draft")
    return cap.render(alert)


# --- in -------------------------------------------------------------------------------------------

def _summary(alert: cap.Alert, region) -> dict:
    info = alert.infos[0] if alert.infos else None
    chosen = next((i for i in alert.infos if i.lang.lower().startswith("zh")), info)
    level, basis = "", ""
    if chosen is not None:
        try:
            level, basis = cap.level_of(chosen, alert.sender, colour_rules(region))
        except cap.CapError as exc:
            basis = str(exc)
        if chosen.severity == "Unknown" and basis.startswith("按默认"):
            basis += "（未知严重程度按最低级蓝色处理，复核时请确认）"
    expires = [cap.parse_time(i.expires) for i in alert.infos if i.expires]
    return {"event": (chosen.event if chosen else "")[:300], "headline": (chosen.headline or "") if chosen else "",
            "severity": chosen.severity if chosen else "", "level": level, "level_basis": basis[:300],
            "area_desc": "；".join(a.areaDesc for a in (chosen.areas if chosen else [])),
            "expires": max(expires) if expires else None}


def _store(alert: cap.Alert, xml: bytes, *, region, outgoing=False, feed=None, warning=None, **extra) -> CapMessage:
    summary = _summary(alert, region)
    summary.update(extra)
    actionable = alert.msgType in ("Alert", "Update") and alert.status in ACTIONABLE
    return CapMessage.objects.create(
        outgoing=outgoing, region=region, sender=alert.sender, identifier=alert.identifier, sent_text=alert.sent,
        sent=cap.parse_time(alert.sent), status=alert.status, msg_type=alert.msgType, scope=alert.scope,
        references=alert.references or "", alert=alert.to_dict(), xml=xml.decode("utf-8"),
        state="active" if actionable else "info", review="pending" if actionable and not outgoing else "",
        feed=feed, warning=warning, **summary)


def receive(xml: bytes, *, region, feed=None) -> tuple[CapMessage, bool]:
    """Keep an outside message once (sender + identifier + sent) and apply its references. Returns
    (message, created). CapError when it is not valid CAP 1.2."""
    alert = cap.parse(xml)
    seen = CapMessage.objects.filter(outgoing=False, region=region, sender=alert.sender,
                                     identifier=alert.identifier, sent_text=alert.sent).first()
    if seen is not None:
        return seen, False
    message = _store(alert, xml, region=region, feed=feed)
    _apply_references(message, alert)
    return message, True


def _apply_references(message: CapMessage, alert: cap.Alert) -> None:
    if alert.msgType not in ("Update", "Cancel", "Error"):
        return
    new_state = "updated" if alert.msgType == "Update" else "cancelled"
    for s, ident, sent in alert.referenced():
        for old in CapMessage.objects.filter(outgoing=False, region=message.region, sender=s, identifier=ident,
                                             sent_text=sent).exclude(pk=message.pk):
            if old.state == "cancelled":
                continue
            old.state, old.superseded_by = new_state, message
            if old.review == "pending":
                old.review = ""
            old.save(update_fields=["state", "superseded_by", "review", "updated_at"])
            if old.warning_id:
                _tell_reviewers(old, message)


def _tell_reviewers(old: CapMessage, new: CapMessage) -> None:
    from yingji.core.framework import notify
    from yingji.core.framework.choices import NotificationLevel

    what = "已更新" if new.msg_type == "Update" else "已解除"
    notify.notify(notify.users_responsible_for(old, ("staff", "duty", "leader")),
                  f"外部预警{what}：{old.headline or old.event}"[:120],
                  body=f"本地预警 {old.warning.code} 转发自该消息，请复核是否同步{'更新' if what == '已更新' else '解除'}。",
                  url=f"/registry/cap-messages/{new.pk}/", level=NotificationLevel.WARNING,
                  key=f"cap-{old.pk}-{new.pk}")


def import_file(user, xml: bytes) -> CapMessage:
    """导入 CAP 预警 from a file: the message becomes an external warning of the user's region."""
    region = user.scope_region or Region.objects.filter(level="county").order_by("path").first()
    try:
        message, created = receive(xml, region=region)
    except cap.CapError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if not created:
        raise ValidationError({"file": f"该消息已导入过（{message.sender}，{message.identifier}，{message.sent_text}）"})
    return message


# --- re-issue (转发) ---------------------------------------------------------------------------------

def reissue_refusal(message: CapMessage) -> str | None:
    if message.outgoing:
        return "本平台发出的消息无需转发"
    if message.status not in ACTIONABLE:
        return f"{message.get_status_display()}消息（status {message.status}）不转发、不发送"
    if message.msg_type not in ("Alert", "Update"):
        return f"{message.get_msg_type_display()}消息不是预警，不能转发"
    if message.state != "active":
        return f"该外部预警{message.get_state_display()}，请转发最新的消息"
    if message.review == "reissued":
        return "该外部预警已转发"
    return None


def title_for(headline: str) -> tuple[str, str]:
    """(title, notice): a headline longer than the title allows is shortened visibly, never silently."""
    headline = " ".join(headline.split())
    if len(headline) <= MAX_TITLE:
        return headline, ""
    return headline[:MAX_TITLE - 1] + "…", (f"原标题 {len(headline)} 字，超过 {MAX_TITLE} 字，已截短为前 {MAX_TITLE - 1} 字"
                                            "加“…”；完整标题保留在预警内容开头和原消息中，请核对")


def reissue(user, message: CapMessage, *, level: str = "", event_type: str = "other") -> Warning:
    """转发: a 拟稿 local warning from a reviewed outside message, for the usual review and release.
    Its content, times and areas come from the message (a Chinese info block if it has one); an Update
    of a message already re-issued becomes an update of that local warning."""
    from yingji.core.framework import services
    from yingji.warnings.geometry import from_cap_polygon

    if reason := reissue_refusal(message):
        raise Conflict(reason)
    info = _source_info(message)
    if info is None:
        raise Conflict("该消息没有 <info>，无法生成预警")
    title, notice = title_for(info.headline or info.event or "外部预警")
    content = "\n\n".join(x for x in ((info.headline or "") if notice else "", info.description or "",
                                       f"（转发自 {info.senderName or message.sender}，{message.identifier}）") if x)
    area = ""
    for a in info.areas:
        try:
            circles = [c for c in a.circles if cap.circle_parts(c)[2] > 0]  # radius 0 names a point: kept in CAP
            if circles:
                lon, lat, km = cap.circle_parts(circles[0])
                area = json.dumps({"circle": [lon, lat, km]})
            elif a.polygons:
                area = json.dumps(from_cap_polygon(a.polygons[0]).__geo_interface__)
        except ValueError:  # a shape the sender wrote oddly stays in the message; the regions still target
            continue
        if area:
            break
    codes = region_codes_of([g for a in info.areas for g in a.geocodes])
    now = timezone.now()
    effective = cap.parse_time(info.effective or info.onset) or cap.parse_time(message.sent_text)
    expires = cap.parse_time(info.expires) or effective + datetime.timedelta(hours=24)
    if expires <= now:
        raise Conflict("该外部预警已过失效时间，不再转发")
    previous = (CapMessage.objects.filter(superseded_by=message, warning__state="published")
                .select_related("warning").first())
    w = Warning(event_type=event_type, level=level or message.level or "blue", title=title,
                content=content[:20000], measures=info.instruction or "", effective=max(effective, now.replace(microsecond=0)),
                expires=expires, region=message.region, target_regions=",".join(codes), area=area, source="cap",
                forecast=f"外部 CAP 消息：{message.sender}，{message.identifier}，{message.sent_text}（{info.event}）",
                supersedes=previous.warning if previous else None, cap_status=message.status)
    w.cap_sender, w.source_message = message.sender, message
    w = services.save_instance(user, w)
    message.review, message.warning = "reissued", w
    message.save(update_fields=["review", "warning", "updated_at"])
    w.reissue_notice = notice
    return w


def dismiss(user, message: CapMessage, *, comment: str) -> CapMessage:
    if message.review != "pending":
        raise Conflict("只有待复核的外部预警可以标记为不转发")
    message.review, message.review_note = "dismissed", comment.strip()
    message.save(update_fields=["review", "review_note", "updated_at"])
    return message

