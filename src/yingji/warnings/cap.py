"""OASIS CAP 1.2, the whole message (pure: no Django).

``parse`` reads an ``<alert>`` into :class:`Alert` — every element the schema allows, in its order,
repeated ones as lists, each text exactly as written (an empty ``<note/>`` is "" and an absent one
None) — and ``render`` writes it back, so ``parse(render(a)) == a`` for every valid message and
``render(parse(x))`` says everything ``x`` said. Messages are checked against the official schema
both ways (``validate``). Times: ``cap_time`` writes CAP's form (an explicit offset, no fractional
seconds, no ``Z``); ``parse_time`` reads what real senders write.

Colour: ``level_of`` takes a warning's colour from the message's own level where it carries one (a
parameter such as MeteoAlarm's ``awareness_level`` or 预警级别, or an event code naming a colour),
else from the caller's severity rules (per sender, data: warnings.models.CapColourRule).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

NS = "urn:oasis:names:tc:emergency:cap:1.2"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
CHINA = datetime.timezone(datetime.timedelta(hours=8))
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
LEVELS = ("red", "orange", "yellow", "blue")
# Chinese words for CAP's enumerations, for pages (the message keeps the codes).
LABELS = {
    "status": {"Actual": "正式", "Exercise": "演练", "System": "系统", "Test": "测试", "Draft": "草稿"},
    "msgType": {"Alert": "首发", "Update": "更新", "Cancel": "解除", "Ack": "确认", "Error": "错误更正"},
    "scope": {"Public": "公开", "Restricted": "限定", "Private": "私密"},
    "category": {"Geo": "地质", "Met": "气象", "Safety": "安全", "Security": "治安", "Rescue": "救援", "Fire": "火灾",
                 "Health": "卫生", "Env": "环境", "Transport": "交通", "Infra": "基础设施", "CBRNE": "化生放核爆",
                 "Other": "其他"},
    "responseType": {"Shelter": "就地避险", "Evacuate": "撤离", "Prepare": "准备", "Execute": "执行", "Avoid": "回避",
                     "Monitor": "关注", "Assess": "评估", "AllClear": "解除", "None": "无需行动"},
    "urgency": {"Immediate": "立即", "Expected": "预计", "Future": "将来", "Past": "已过", "Unknown": "未知"},
    "severity": {"Extreme": "特别严重", "Severe": "严重", "Moderate": "较重", "Minor": "一般", "Unknown": "未知"},
    "certainty": {"Observed": "已发生", "Likely": "很可能", "Possible": "可能", "Unlikely": "不太可能", "Unknown": "未知"},
}
LANGUAGES = {"zh": "中文", "en": "英文", "fr": "法文", "es": "西班牙文", "is": "冰岛文", "de": "德文", "ja": "日文"}


def label(kind: str, code: str) -> str:
    return LABELS[kind].get(code, code)


def language_label(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0].lower(), code)
# Words that name a colour in a message's own level (MeteoAlarm "3; orange; Severe", 预警级别 "橙色").
_COLOUR_WORDS = {"red": "red", "红": "red", "orange": "orange", "amber": "orange", "橙": "orange",
                 "yellow": "yellow", "黄": "yellow", "blue": "blue", "蓝": "blue"}
_LEVEL_NAMES = ("awareness_level", "level", "级别", "颜色", "colour", "color")


class CapError(ValueError):
    pass


@dataclass
class Resource:
    resourceDesc: str
    mimeType: str
    size: str | None = None
    uri: str | None = None
    derefUri: str | None = None
    digest: str | None = None


@dataclass
class Area:
    areaDesc: str
    polygons: list[str] = field(default_factory=list)
    circles: list[str] = field(default_factory=list)
    geocodes: list[tuple[str, str]] = field(default_factory=list)
    altitude: str | None = None
    ceiling: str | None = None


@dataclass
class Info:
    event: str
    urgency: str
    severity: str
    certainty: str
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    responseTypes: list[str] = field(default_factory=list)
    audience: str | None = None
    eventCodes: list[tuple[str, str]] = field(default_factory=list)
    effective: str | None = None
    onset: str | None = None
    expires: str | None = None
    senderName: str | None = None
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None
    parameters: list[tuple[str, str]] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.language or "en-US"  # the schema's default when <language> is absent


@dataclass
class Alert:
    identifier: str
    sender: str
    sent: str
    status: str
    msgType: str
    scope: str
    source: str | None = None
    restriction: str | None = None
    addresses: str | None = None
    codes: list[str] = field(default_factory=list)
    note: str | None = None
    references: str | None = None
    incidents: str | None = None
    infos: list[Info] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # ds:Signature elements, kept as written

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a message across systems: sender, identifier, sent."""
        return self.sender, self.identifier, self.sent

    def reference(self) -> str:
        return ",".join(self.key)

    def referenced(self) -> list[tuple[str, str, str]]:
        """The earlier messages ``<references>`` names: (sender, identifier, sent) each."""
        return [tuple(part.split(",", 2)) for part in (self.references or "").split() if part.count(",") >= 2]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Alert:
        infos = []
        for i in data.get("infos", []):
            i = dict(i)
            i["eventCodes"] = [tuple(p) for p in i.get("eventCodes", [])]
            i["parameters"] = [tuple(p) for p in i.get("parameters", [])]
            i["resources"] = [Resource(**r) for r in i.get("resources", [])]
            i["areas"] = [Area(**{**a, "geocodes": [tuple(g) for g in a.get("geocodes", [])]}) for a in i.get("areas", [])]
            infos.append(Info(**i))
        return cls(**{**data, "infos": infos})


# --- schema -----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2.xsd")))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                           remove_pis=True, huge_tree=False)


def validate(xml: bytes) -> etree._Element:
    """Parse and check against CAP-v1.2.xsd; CapError names the line and the rule broken."""
    try:
        root = etree.fromstring(xml, _parser())
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


# --- times ------------------------------------------------------------------------------------------

def cap_time(at: datetime.datetime, tz: datetime.tzinfo = CHINA) -> str:
    """CAP's form: "2026-11-22T08:00:00+08:00" — an explicit offset, no "Z", no fractions."""
    if at.tzinfo is None:
        raise ValueError("CAP 时间必须带时区")
    return at.astimezone(tz).replace(microsecond=0).isoformat()


_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def parse_time(text: str | None) -> datetime.datetime | None:
    """A CAP time as an aware datetime; "-00:00" (CAP's UTC) and the "Z" some senders write are UTC."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if not _TIME.match(t):
        raise CapError(f"时间 {t!r} 不是 CAP 的时间格式（如 2026-11-22T08:00:00+08:00）")
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))


# --- parse ------------------------------------------------------------------------------------------

def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text(el) -> str:
    return el.text or ""


class _Kids:
    """An element's children by tag, read once (lxml's find() parses its path on every call)."""

    def __init__(self, el):
        self.by_tag: dict[str, list] = {}
        for child in el:
            if isinstance(child.tag, str):
                self.by_tag.setdefault(child.tag, []).append(child)

    def els(self, tag):
        return self.by_tag.get(_q(tag), [])

    def one(self, tag) -> str | None:
        found = self.els(tag)
        return _text(found[0]) if found else None

    def all(self, tag) -> list[str]:
        return [_text(el) for el in self.els(tag)]

    def pairs(self, tag) -> list[tuple[str, str]]:
        return [(k.one("valueName") or "", k.one("value") or "") for k in map(_Kids, self.els(tag))]


def _area(el) -> Area:
    k = _Kids(el)
    return Area(areaDesc=k.one("areaDesc") or "", polygons=k.all("polygon"), circles=k.all("circle"),
                geocodes=k.pairs("geocode"), altitude=k.one("altitude"), ceiling=k.one("ceiling"))


def _resource(el) -> Resource:
    k = _Kids(el)
    return Resource(resourceDesc=k.one("resourceDesc") or "", mimeType=k.one("mimeType") or "", size=k.one("size"),
                    uri=k.one("uri"), derefUri=k.one("derefUri"), digest=k.one("digest"))


def _info(el) -> Info:
    k = _Kids(el)
    return Info(
        language=k.one("language"), categories=k.all("category"), event=k.one("event") or "",
        responseTypes=k.all("responseType"), urgency=k.one("urgency") or "", severity=k.one("severity") or "",
        certainty=k.one("certainty") or "", audience=k.one("audience"), eventCodes=k.pairs("eventCode"),
        effective=k.one("effective"), onset=k.one("onset"), expires=k.one("expires"),
        senderName=k.one("senderName"), headline=k.one("headline"), description=k.one("description"),
        instruction=k.one("instruction"), web=k.one("web"), contact=k.one("contact"),
        parameters=k.pairs("parameter"), resources=[_resource(r) for r in k.els("resource")],
        areas=[_area(a) for a in k.els("area")])


def from_element(root) -> Alert:
    k = _Kids(root)
    return Alert(
        identifier=k.one("identifier") or "", sender=k.one("sender") or "", sent=k.one("sent") or "",
        status=k.one("status") or "", msgType=k.one("msgType") or "", source=k.one("source"),
        scope=k.one("scope") or "", restriction=k.one("restriction"), addresses=k.one("addresses"),
        codes=k.all("code"), note=k.one("note"), references=k.one("references"), incidents=k.one("incidents"),
        infos=[_info(i) for i in k.els("info")],
        signatures=[etree.tostring(x, encoding="unicode", with_tail=False)
                    for x in k.by_tag.get(f"{{{DSIG}}}Signature", [])])


def parse(xml: bytes) -> Alert:
    """The whole message, after the schema check (CapError if it fails), with its times readable."""
    alert = from_element(validate(xml))
    for text in [alert.sent] + [t for i in alert.infos for t in (i.effective, i.onset, i.expires)]:
        parse_time(text)  # the schema's dateTime allows forms ISO 8601 readers refuse; say so here
    return alert


# --- render -----------------------------------------------------------------------------------------

def _sub(parent, tag, text):
    if text is not None:
        etree.SubElement(parent, _q(tag)).text = text


def _subs(parent, tag, texts):
    for t in texts:
        _sub(parent, tag, t)


def _subpairs(parent, tag, pairs):
    for name, value in pairs:
        el = etree.SubElement(parent, _q(tag))
        _sub(el, "valueName", name)
        _sub(el, "value", value)


def to_element(a: Alert):
    root = etree.Element(_q("alert"), nsmap={None: NS})
    for tag in ("identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses"):
        _sub(root, tag, getattr(a, tag))
    _subs(root, "code", a.codes)
    for tag in ("note", "references", "incidents"):
        _sub(root, tag, getattr(a, tag))
    for i in a.infos:
        el = etree.SubElement(root, _q("info"))
        _sub(el, "language", i.language)
        _subs(el, "category", i.categories)
        _sub(el, "event", i.event)
        _subs(el, "responseType", i.responseTypes)
        for tag in ("urgency", "severity", "certainty", "audience"):
            _sub(el, tag, getattr(i, tag))
        _subpairs(el, "eventCode", i.eventCodes)
        for tag in ("effective", "onset", "expires", "senderName", "headline", "description", "instruction", "web",
                    "contact"):
            _sub(el, tag, getattr(i, tag))
        _subpairs(el, "parameter", i.parameters)
        for r in i.resources:
            rel = etree.SubElement(el, _q("resource"))
            for tag in ("resourceDesc", "mimeType", "size", "uri", "derefUri", "digest"):
                _sub(rel, tag, getattr(r, tag))
        for ar in i.areas:
            ael = etree.SubElement(el, _q("area"))
            _sub(ael, "areaDesc", ar.areaDesc)
            _subs(ael, "polygon", ar.polygons)
            _subs(ael, "circle", ar.circles)
            _subpairs(ael, "geocode", ar.geocodes)
            _sub(ael, "altitude", ar.altitude)
            _sub(ael, "ceiling", ar.ceiling)
    for s in a.signatures:
        root.append(etree.fromstring(s, _parser()))
    return root


def render(a: Alert) -> bytes:
    """The message as CAP 1.2 XML, checked against the schema (CapError if it would not pass)."""
    xml = etree.tostring(to_element(a), xml_declaration=True, encoding="UTF-8", pretty_print=False)
    validate(xml)  # never hand out a message the schema refuses
    return xml


# --- geometry in CAP's notation (lat,lon pairs; a circle is "lat,lon radius_km") -------------------

def circle_parts(text: str) -> tuple[float, float, float]:
    """(lon, lat, radius_km) of a CAP circle; a radius of 0 (a point, as the specification's own
    example) is allowed."""
    centre, radius = text.split()
    lat, lon = (float(x) for x in centre.split(","))
    return lon, lat, float(radius)


def polygon_ring(text: str) -> list[tuple[float, float]]:
    """(lon, lat) points of a CAP polygon."""
    return [(float(lon), float(lat)) for lat, lon in (p.split(",") for p in text.split())]


# --- colour -----------------------------------------------------------------------------------------

def own_level(info: Info) -> tuple[str, str] | None:
    """(level, where) when the message says its own colour: a level parameter, else an event code."""
    for kind, pairs in (("parameter", info.parameters), ("eventCode", info.eventCodes)):
        for name, value in pairs:
            if kind == "parameter" and not any(n in name.lower() for n in _LEVEL_NAMES):
                continue
            words = re.findall(r"[a-z]+|[\u4e00-\u9fff]", value.lower())
            for w in words:
                if w in _COLOUR_WORDS:
                    return _COLOUR_WORDS[w], f"{'参数' if kind == 'parameter' else '事件代码'} {name}={value}"
    return None


def level_of(info: Info, sender: str, rules: dict[tuple[str, str], str]) -> tuple[str, str]:
    """(level, why): the message's own level, else ``rules[(sender, severity)]``, else
    ``rules[("", severity)]`` (the default for every sender). CapError when nothing maps."""
    own = own_level(info)
    if own:
        return own[0], f"消息自带级别（{own[1]}）"
    for who in (sender, ""):
        level = rules.get((who, info.severity))
        if level:
            return level, f"按{'发送方 ' + sender if who else '默认'}规则：严重程度{label('severity', info.severity)}"
    raise CapError(f"严重程度 {info.severity!r} 没有对应的预警颜色规则（请在“CAP 颜色规则”中设置）")
