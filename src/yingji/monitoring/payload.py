"""Telemetry payloads: the documented JSON shape, parsed and checked (pure, no Django).

MQTT topic: ``yingji/v1/readings/<device_id>`` for one device (the payload may then leave out
``device``), or ``yingji/v1/gateways/<gateway_id>/readings`` for a gateway's batch. HTTP: the same
JSON posted to ``/api/ingest/readings/``.

A payload is one reading, a list of readings, or ``{"readings": [...]}``; a reading is
``{"device": "LY-COM-00001", "ts": "2026-11-22T10:00:00+08:00", "value": 12.5, "unit": "%LEL"}``.
``ts`` is ISO 8601 (without an offset it is taken as China time, UTC+8) or Unix seconds (or
milliseconds when larger than 10¹¹); ``unit`` is optional but, when given, must be the sensor's.

Nothing a device sends makes ``parse`` raise: text with NUL or unpaired surrogates (which
PostgreSQL cannot store), integers too large for a float, non-finite or absurd values, timestamps
outside the accepted window and JSON nested too deeply all become located rejects. The bounds are
``Limits`` (from YINGJI_READING_* settings, see ingest.limits_from_config); per-sensor measuring
ranges are checked by the ingest service, which knows the sensors.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass, field

import numpy as np
import orjson

_MISSING = object()

REASONS = {
    "bad_json": "JSON 格式错误",
    "bad_shape": "数据结构不符合约定",
    "unknown_device": "设备未登记",
    "out_of_scope": "设备不在本账号管辖范围内",
    "disabled": "传感器已停用",
    "wrong_unit": "计量单位与传感器不符",
    "not_number": "数值无效（非数字、NaN 或无穷大）",
    "bad_time": "时间无效",
    "future_time": "时间超前于服务器时钟",
    "past_time": "时间早于可接收的期限",
    "out_of_range": "数值超出量程或合理范围",
    "bad_text": "文本含 NUL 或无效字符",
    "store_failed": "入库失败（已隔离）",
}
CHINA = datetime.timezone(datetime.timedelta(hours=8))
MAX_FUTURE_S = 300  # default of Limits.max_ahead_s


@dataclass(frozen=True)
class Limits:
    """What a reading may be, whatever its sensor: the jurisdiction sets these (YINGJI_READING_*)."""

    max_abs: float = 1e9  # |value| above this is refused (keeps sums and aggregates finite)
    max_age_s: float = 30 * 86400  # older readings are refused (backfill window)
    max_ahead_s: float = MAX_FUTURE_S  # device clocks may run a little fast; beyond this refused


@dataclass
class Reject:
    reason: str
    detail: str
    index: int | None = None  # position of the reading in its payload
    device: str = ""


@dataclass
class Parsed:
    device: list[str] = field(default_factory=list)
    ts: list[float] = field(default_factory=list)  # Unix seconds
    value: list[float] = field(default_factory=list)
    unit: list[str | None] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        for name in ("device", "ts", "value", "unit", "index", "rejects"):
            getattr(self, name).extend(getattr(other, name))

    def __len__(self):
        return len(self.device)


def device_from_topic(topic: str) -> str | None:
    """``yingji/v1/readings/<device>`` names its device; a gateway topic does not."""
    parts = topic.split("/")
    return parts[3] if len(parts) == 4 and parts[:3] == ["yingji", "v1", "readings"] and parts[3] else None


def parse_time(raw) -> float:
    if isinstance(raw, bool):
        raise ValueError("时间不能是布尔值")
    if isinstance(raw, int | float):
        try:
            raw = float(raw)
        except OverflowError:
            raise ValueError("时间数值位数过多") from None
        if not math.isfinite(raw):
            raise ValueError("时间不是有限数")
        return raw / 1000.0 if raw > 1e11 else raw
    if isinstance(raw, str):
        try:
            at = datetime.datetime.fromisoformat(raw.strip())
            return (at if at.tzinfo else at.replace(tzinfo=CHINA)).timestamp()
        except (ValueError, OverflowError):
            raise ValueError(f"无法识别的时间 {shown(raw)}，应为 ISO 8601 或 Unix 秒") from None
    raise ValueError("缺少时间 ts")


def shown(raw, limit: int = 40) -> str:
    """A value as it may appear in a message: short, and with NUL/surrogates escaped."""
    return ascii(raw)[:limit] if isinstance(raw, str) else repr(raw)[:limit]


def clean_text(text: str) -> bool:
    """True when PostgreSQL can store ``text``: no NUL character and valid Unicode (no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_text_field(item: dict) -> str | None:
    """Path of the first key or string value in ``item`` (nested lists/objects included) that is not
    clean text; iterative, so a deeply nested extra field cannot exhaust the stack."""
    stack: list[tuple[str, object]] = [("", item)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if not clean_text(node):
                return path or "（值）"
        elif isinstance(node, dict):
            for k, v in node.items():
                name = f"{path}.{k}" if path else str(k)
                if isinstance(k, str) and not clean_text(k):
                    return f"{path}.（字段名）" if path else "（字段名）"
                stack.append((name, v))
        elif isinstance(node, list):
            stack.extend((f"{path}[{j}]", v) for j, v in enumerate(node))
    return None


def when_text(ts: float) -> str:
    try:
        return datetime.datetime.fromtimestamp(ts, CHINA).strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return f"{ts:g} 秒（Unix）"


def parse(payload: bytes | str, *, now: float, topic_device: str | None = None, limits: Limits = Limits(),
          owns=None) -> Parsed:
    """Readings and located rejects from one payload; never raises on bad input. ``owns(device)``:
    keep only the readings (and rejects) of the devices it accepts, ``owns(None)`` deciding for what
    names no device — a payload that is not JSON, an item without a text ``device``
    (monitoring.ownership.Partition.owns); None keeps everything."""
    out = Parsed()
    try:  # orjson for well-formed JSON; what it refuses gets json's own answer (NaN, huge integers …)
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError:
        doc = _MISSING
    try:
        if doc is _MISSING:
            doc = json.loads(payload)
    except RecursionError:
        if owns is None or owns(None):
            out.rejects.append(Reject("bad_json", "JSON 嵌套层数过深"))
        return out
    except (ValueError, TypeError) as exc:  # UnicodeDecodeError and "too many digits" are ValueErrors
        if owns is None or owns(None):
            out.rejects.append(Reject("bad_json", f"JSON 解析失败：{exc}"[:200]))
        return out
    if isinstance(doc, dict) and "readings" in doc:
        doc = doc["readings"]
    items = doc if isinstance(doc, list) else [doc]
    # Text PostgreSQL cannot store can only come from a NUL or surrogate escape or, in bytes, an
    # encoded surrogate: without one, the per-reading walk over every string is skipped.
    text_check = _may_hold_bad_text(payload) or (topic_device is not None and not clean_text(topic_device))
    if not text_check and _fast(out, items, now, limits, owns):
        return out
    for i, item in enumerate(items):
        if owns is not None:
            device = item.get("device", topic_device) if isinstance(item, dict) else None
            if not owns(device if isinstance(device, str) else None):
                continue
        try:
            _reading(out, i, item, now, topic_device, limits, text_check)
        except Exception as exc:  # noqa: BLE001 — the last guard: a payload never stops the ingest
            out.rejects.append(Reject("bad_shape", f"第 {i + 1} 条无法解析（{type(exc).__name__}）", i))
    return out


_BAD_TEXT_BYTES = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_BAD_TEXT_STR = re.compile(r"\\u0000|\\u[dD][89a-fA-F]|[\x00\ud800-\udfff]")


def _fast(out: Parsed, items: list, now: float, limits: Limits, owns) -> bool:
    """The common payload — objects each with a text ``device`` and numeric ``ts`` and ``value``, all
    acceptable — checked as arrays. False (nothing added) when any item is otherwise: the caller
    then walks the items one by one and locates every refusal. Same results, a fraction of the time."""
    try:
        device = [item["device"] for item in items]
        if owns is not None:  # another worker's readings: dropped before any other work
            index = keep(device) if (keep := getattr(owns, "keep", None)) else [
                i for i, d in enumerate(device) if owns(d if type(d) is str else None)]
            items, device = [items[i] for i in index], [device[i] for i in index]
        value = [item["value"] for item in items]
        ts = [item["ts"] for item in items]
    except (KeyError, TypeError):  # not an object, or a field missing (the device may be in the topic)
        return False
    if not items:
        return True
    if {type(d) for d in device} != {str} or not {type(x) for x in value} <= _NUMBERS or not {
            type(x) for x in ts} <= _NUMBERS:
        return False
    try:
        v = np.array(value, dtype=float)
        t = np.array(ts, dtype=float)
    except OverflowError:
        return False
    t = np.where(t > 1e11, t / 1000.0, t)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(v) & np.isfinite(t) & (np.abs(v) <= limits.max_abs) & (t <= now + limits.max_ahead_s) & (
            t >= now - limits.max_age_s)
    device = [d.strip() for d in device]
    if not ok.all() or not all(device):
        return False
    out.device.extend(device)
    out.ts.extend(t.tolist())
    out.value.extend(v.tolist())
    unit = [item.get("unit") for item in items]
    out.unit.extend(unit if unit.count(None) == len(unit) else [u if isinstance(u, str) else None for u in unit])
    out.index.extend(range(len(items)) if owns is None else index)
    return True


_NUMBERS = {int, float}


def _may_hold_bad_text(payload: bytes | str) -> bool:
    """Whether the payload may decode to text PostgreSQL cannot store: a NUL or surrogate escape, or
    (bytes) an encoded surrogate, which json decodes with surrogatepass."""
    if isinstance(payload, bytes | bytearray):
        if b"\\u" not in payload and b"\xed" not in payload:  # a plain scan, far cheaper than the pattern
            return False
        return _BAD_TEXT_BYTES.search(payload) is not None
    return _BAD_TEXT_STR.search(payload) is not None


def _reading(out: Parsed, i: int, item, now: float, topic_device: str | None, limits: Limits,
             text_check: bool = True) -> None:
    if not isinstance(item, dict):
        out.rejects.append(Reject("bad_shape", f"第 {i + 1} 条不是 JSON 对象", i))
        return
    if text_check and topic_device is not None and not clean_text(topic_device):
        out.rejects.append(Reject("bad_text", f"第 {i + 1} 条：主题中的设备编号含 NUL 或无效字符", i))
        return
    field = bad_text_field(item) if text_check else None
    if field is not None:
        device = item.get("device", topic_device)
        device = device.strip() if isinstance(device, str) and clean_text(device) else ""
        out.rejects.append(Reject("bad_text", f"第 {i + 1} 条字段 {field} 含 NUL 或无效的 Unicode 字符", i, device))
        return
    device = item.get("device", topic_device)
    if not isinstance(device, str) or not device.strip():
        out.rejects.append(Reject("bad_shape", f"第 {i + 1} 条缺少设备编号 device", i))
        return
    device = device.strip()
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.rejects.append(Reject("not_number", f"第 {i + 1} 条数值 value={shown(value)} 无效", i, device))
        return
    try:
        number = float(value)
    except OverflowError:
        out.rejects.append(Reject("out_of_range", f"第 {i + 1} 条数值 value 是 {len(str(abs(value)))} 位整数，"
                                                  f"超出可存储的范围", i, device))
        return
    if not math.isfinite(number):
        out.rejects.append(Reject("not_number", f"第 {i + 1} 条数值 value={value!r} 无效", i, device))
        return
    if abs(number) > limits.max_abs:
        out.rejects.append(Reject("out_of_range", f"第 {i + 1} 条数值 value={number:g} 超出合理范围 "
                                                  f"±{limits.max_abs:g}", i, device))
        return
    try:
        ts = parse_time(item.get("ts"))
    except ValueError as exc:
        out.rejects.append(Reject("bad_time", f"第 {i + 1} 条：{exc}", i, device))
        return
    if ts > now + limits.max_ahead_s:
        out.rejects.append(Reject("future_time", f"第 {i + 1} 条时间 ts={when_text(ts)} 超前服务器 "
                                                 f"{ts - now:.0f} 秒（允许 {limits.max_ahead_s:g} 秒）", i, device))
        return
    if ts < now - limits.max_age_s:
        out.rejects.append(Reject("past_time", f"第 {i + 1} 条时间 ts={when_text(ts)} 早于可接收期限（最多补传 "
                                               f"{limits.max_age_s / 86400:g} 天内的数据）", i, device))
        return
    unit = item.get("unit")
    out.device.append(device)
    out.ts.append(ts)
    out.value.append(number)
    out.unit.append(unit if isinstance(unit, str) else None)
    out.index.append(i)
