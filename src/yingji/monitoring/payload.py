"""Telemetry payloads: the documented JSON shape, parsed and checked (pure, no Django).

MQTT topic: ``yingji/v1/readings/<device_id>`` for one device (the payload may then leave out
``device``), or ``yingji/v1/gateways/<gateway_id>/readings`` for a gateway's batch. HTTP: the same
JSON posted to ``/api/ingest/readings/``.

A payload is one reading, a list of readings, or ``{"readings": [...]}``; a reading is
``{"device": "LY-COM-00001", "ts": "2026-11-22T10:00:00+08:00", "value": 12.5, "unit": "%LEL"}``.
``ts`` is ISO 8601 (without an offset it is taken as China time, UTC+8) or Unix seconds (or
milliseconds when larger than 10¹¹); ``unit`` is optional but, when given, must be the sensor's.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field

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
}
CHINA = datetime.timezone(datetime.timedelta(hours=8))
MAX_FUTURE_S = 300  # device clocks may run a little fast; beyond this a timestamp is refused


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
        if not math.isfinite(raw):
            raise ValueError("时间不是有限数")
        return raw / 1000.0 if raw > 1e11 else float(raw)
    if isinstance(raw, str):
        try:
            at = datetime.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"无法识别的时间 {raw[:40]!r}，应为 ISO 8601 或 Unix 秒") from None
        return (at if at.tzinfo else at.replace(tzinfo=CHINA)).timestamp()
    raise ValueError("缺少时间 ts")


def parse(payload: bytes | str, *, now: float, topic_device: str | None = None) -> Parsed:
    """Readings and located rejects from one payload; never raises on bad input."""
    out = Parsed()
    try:
        doc = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        out.rejects.append(Reject("bad_json", f"JSON 解析失败：{exc}"))
        return out
    if isinstance(doc, dict) and "readings" in doc:
        doc = doc["readings"]
    items = doc if isinstance(doc, list) else [doc]
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            out.rejects.append(Reject("bad_shape", f"第 {i + 1} 条不是 JSON 对象", i))
            continue
        device = item.get("device", topic_device)
        if not isinstance(device, str) or not device.strip():
            out.rejects.append(Reject("bad_shape", f"第 {i + 1} 条缺少设备编号 device", i))
            continue
        device = device.strip()
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            out.rejects.append(Reject("not_number", f"第 {i + 1} 条数值 value={value!r} 无效", i, device))
            continue
        try:
            ts = parse_time(item.get("ts"))
        except ValueError as exc:
            out.rejects.append(Reject("bad_time", f"第 {i + 1} 条：{exc}", i, device))
            continue
        if ts > now + MAX_FUTURE_S:
            out.rejects.append(Reject("future_time", f"第 {i + 1} 条时间超前服务器 {int(ts - now)} 秒", i, device))
            continue
        unit = item.get("unit")
        out.device.append(device)
        out.ts.append(ts)
        out.value.append(float(value))
        out.unit.append(unit if isinstance(unit, str) else None)
        out.index.append(i)
    return out
