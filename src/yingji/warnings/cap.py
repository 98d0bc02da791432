"""OASIS CAP 1.2: warnings out as <alert> messages, CAP messages in as draft warnings.

Colour ↔ severity (docs/warnings.md): 红 Extreme, 橙 Severe, 黄 Moderate, 蓝 Minor. Urgency is
Immediate once effective, else Expected; certainty Likely (Observed for warnings from alarms).
msgType: Alert for a first release, Update for a version that supersedes another (with
<references>), Cancel for a lifted warning. Every message is checked against the official schema.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

NS = "urn:oasis:names:tc:emergency:cap:1.2"
SEVERITY = {"red": "Extreme", "orange": "Severe", "yellow": "Moderate", "blue": "Minor"}
LEVEL_OF = {v: k for k, v in SEVERITY.items()}
CHINA = datetime.timezone(datetime.timedelta(hours=8))


class CapError(ValueError):
    pass


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2.xsd")))


def validate(xml: bytes) -> etree._Element:
    """Parse and check against CAP-v1.2.xsd; CapError names the line and the rule broken."""
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as exc:
        raise CapError(f"不是有效的 XML：{exc}") from None
    if root.getroottree().docinfo.doctype:  # CAP needs no DTD; entities in one would not be resolved anyway
        raise CapError("CAP 消息不能包含文档类型声明（<!DOCTYPE …>）或实体")
    s = schema()
    try:
        valid = s.validate(root)
    except etree.Error as exc:  # e.g. an entity reference left unresolved: lxml cannot validate it
        raise CapError(f"无法按 CAP 1.2 规范校验：{exc}") from None
    if not valid:
        err = s.error_log.last_error
        raise CapError(f"不符合 CAP 1.2 规范（第 {err.line} 行）：{err.message}")
    return root


def cap_time(at: datetime.datetime) -> str:
    # CAP wants "2026-11-22T08:00:00+08:00" — an explicit offset, no "Z", no fractions.
    return at.astimezone(CHINA).replace(microsecond=0).isoformat()


def _sub(parent, tag, text=None):
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        el.text = str(text)
    return el


def to_cap(w, *, sender: str, msg_type: str | None = None, now: datetime.datetime | None = None) -> bytes:
    """The CAP 1.2 message for warning ``w`` (a warnings.models.Warning)."""
    from yingji.warnings.geometry import cap_polygons, circle_of
    from yingji.warnings.models import EVENT_TYPES

    now = now or datetime.datetime.now(tz=CHINA)
    if msg_type is None:
        msg_type = "Cancel" if w.state == "cancelled" else "Update" if w.supersedes_id else "Alert"
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", w.cap_identifier or f"yingji.{w.region.code}.{w.code}")
    _sub(alert, "sender", sender)
    _sub(alert, "sent", cap_time(w.published_at or now))
    _sub(alert, "status", "Actual" if w.state in ("published", "updated", "cancelled") else "Draft")
    _sub(alert, "msgType", msg_type)
    _sub(alert, "scope", "Public")
    if msg_type in ("Update", "Cancel"):
        previous = w if msg_type == "Cancel" else w.supersedes
        _sub(alert, "references", f"{sender},{previous.cap_identifier},{cap_time(previous.published_at or now)}")
    info = _sub(alert, "info")
    _sub(info, "language", "zh-CN")
    _sub(info, "category", dict((c, cat) for c, _, cat in EVENT_TYPES).get(w.event_type, "Other"))
    _sub(info, "event", f"{w.get_event_type_display()}预警")
    _sub(info, "urgency", "Immediate" if w.effective <= now else "Expected")
    _sub(info, "severity", SEVERITY[w.level])
    _sub(info, "certainty", "Observed" if w.source == "alarm" else "Likely")
    _sub(info, "effective", cap_time(w.effective))
    _sub(info, "expires", cap_time(w.expires))
    _sub(info, "senderName", w.issuer.name if w.issuer_id else w.region.name)
    _sub(info, "headline", w.title)
    _sub(info, "description", w.content)
    if w.measures:
        _sub(info, "instruction", w.measures)
    param = _sub(info, "parameter")
    _sub(param, "valueName", "预警级别")
    _sub(param, "value", f"{w.get_level_display()}")
    area = _sub(info, "area")
    from yingji.core.models import Region

    names = list(Region.objects.filter(code__in=w.region_codes()).values_list("code", "name"))
    _sub(area, "areaDesc", "、".join(n for _, n in names) or w.region.name)
    if w.area.strip():
        c = circle_of(w.area)
        if c:
            _sub(area, "circle", f"{c[1]:.6f},{c[0]:.6f} {c[2]:g}")
        else:
            for ring in cap_polygons(w.shape()):
                _sub(area, "polygon", ring)
    for code, _ in names or [(w.region.code, "")]:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "GB/T 2260")
        _sub(geocode, "value", code)
    xml = etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(xml)  # never hand out a message the schema refuses
    return xml


def from_cap(xml: bytes) -> dict:
    """Fields for a draft Warning from an outside CAP message (first <info>, first <area>)."""
    import json

    from yingji.warnings.geometry import from_cap_circle, from_cap_polygon

    root = validate(xml)
    ns = {"c": NS}

    def text(el, path, default=""):
        found = el.find(path, ns)
        return found.text.strip() if found is not None and found.text else default

    info = root.find("c:info", ns)
    if info is None:
        raise CapError("CAP 消息没有 <info>，无法生成预警")
    severity = text(info, "c:severity")
    if severity not in LEVEL_OF:
        raise CapError(f"严重程度 {severity!r} 无法对应预警颜色（应为 Extreme/Severe/Moderate/Minor）")
    sent = datetime.datetime.fromisoformat(text(root, "c:sent"))
    effective = datetime.datetime.fromisoformat(text(info, "c:effective") or text(root, "c:sent"))
    expires_text = text(info, "c:expires")
    expires = datetime.datetime.fromisoformat(expires_text) if expires_text else effective + datetime.timedelta(hours=24)
    area = info.find("c:area", ns)
    shape, regions = "", []
    if area is not None:
        circle = text(area, "c:circle")
        polygon = text(area, "c:polygon")
        if circle:
            lon, lat, km = from_cap_circle(circle)
            shape = json.dumps({"circle": [lon, lat, km]})
        elif polygon:
            shape = json.dumps(from_cap_polygon(polygon).__geo_interface__)
        regions = [text(g, "c:value") for g in area.findall("c:geocode", ns) if text(g, "c:value").isdigit()]
    return {
        "cap_identifier": text(root, "c:identifier"), "cap_sender": text(root, "c:sender"), "sent": sent,
        "msg_type": text(root, "c:msgType"), "level": LEVEL_OF[severity],
        "title": text(info, "c:headline") or text(info, "c:event"), "content": text(info, "c:description"),
        "measures": text(info, "c:instruction"), "event": text(info, "c:event"), "effective": effective,
        "expires": expires, "area": shape, "regions": regions,
        "area_desc": text(area, "c:areaDesc") if area is not None else "",
    }
