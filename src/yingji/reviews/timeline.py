"""The timeline and response figures of an event (pure: no Django), from the facts the platform
recorded: when it was received, each upward report sent, each response started, each team sent and
arrived, each household's basic needs met, the 灾情 reports. A figure whose facts were not recorded is
None (shown as 未记录), never guessed."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

NOT_RECORDED = "未记录"


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str
    text: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | int | None
    unit: str
    basis: str

    @property
    def text(self) -> str:
        if self.value is None:
            return NOT_RECORDED
        return f"{self.value:g} {self.unit}".strip()


@dataclass
class Facts:
    received_at: datetime.datetime | None = None  # 接报 (incident) or 获悉 (disaster event)
    occurred_at: datetime.datetime | None = None
    reports_sent: Sequence[datetime.datetime] = ()  # upward reports (初报/续报/终报, 灾情 reports sent)
    responses: Sequence[tuple[datetime.datetime, str]] = ()  # (started, label)
    dispatches: Sequence[tuple[datetime.datetime, datetime.datetime | None, str]] = ()  # (sent, arrived, team)
    relief_start: datetime.datetime | None = None
    relief_met: Sequence[datetime.datetime | None] = ()  # per household: every basic need met (None: not yet)
    materials_sent: int | None = None  # 调拨单 / 征用 lines; None: the platform keeps none for this event
    closed_at: datetime.datetime | None = None
    entries: Sequence[Entry] = field(default_factory=tuple)  # other steps, as recorded


def _hours(a, b) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds() / 3600, 1)


def _minutes(a, b) -> int | None:
    return None if a is None or b is None else round((b - a).total_seconds() / 60)


def assemble(f: Facts) -> tuple[list[Entry], list[Figure]]:
    """(the timeline in time order, the response figures)."""
    entries = list(f.entries)
    if f.occurred_at:
        entries.append(Entry(f.occurred_at, "发生", "事件发生"))
    if f.received_at:
        entries.append(Entry(f.received_at, "接报", "接报（获悉）"))
    for at in f.reports_sent:
        entries.append(Entry(at, "报送", "向上级报送信息"))
    for at, label in f.responses:
        entries.append(Entry(at, "响应", f"启动{label}"))
    for sent, arrived, team in f.dispatches:
        entries.append(Entry(sent, "派出", f"派出{team}"))
        if arrived:
            entries.append(Entry(arrived, "到达", f"{team}到达现场"))
    if f.closed_at:
        entries.append(Entry(f.closed_at, "结束", "处置结束"))
    entries.sort(key=lambda e: e.at)

    first_report = min(f.reports_sent, default=None)
    first_response = min((at for at, _ in f.responses), default=None)
    first_sent = min((s for s, _, _ in f.dispatches), default=None)
    arrivals = [a for _, a, _ in f.dispatches if a is not None]
    first_arrival = min(arrivals, default=None)
    travel = [_minutes(s, a) for s, a, _ in f.dispatches if a is not None]
    met = [m for m in f.relief_met]
    relief_hours = (_hours(f.relief_start, max(met)) if met and all(m is not None for m in met) else None)
    figures = [
        Figure("to_report", "接报至首次上报", _minutes(f.received_at, first_report), "分钟", "接报时间 → 第一份报告报送时间"),
        Figure("to_respond", "接报至启动响应", _minutes(f.received_at, first_response), "分钟", "接报时间 → 第一次启动应急响应"),
        Figure("to_dispatch", "接报至首支队伍派出", _minutes(f.received_at, first_sent), "分钟", "接报时间 → 第一支队伍派出"),
        Figure("to_arrive", "接报至首支队伍到达", _minutes(f.received_at, first_arrival), "分钟",
               "接报时间 → 第一支队伍到达现场"),
        Figure("travel_max", "队伍在途最长", max(travel) if travel else None, "分钟", "各队伍派出 → 到达，取最长"),
        Figure("relief_hours", "受灾群众基本生活得到救助", relief_hours, "小时",
               "救助时限起算 → 最后一户食物、饮水、衣被、住所、医疗均落实（仍有未落实的户为未记录）"),
        Figure("teams", "派出救援队伍", len(f.dispatches) if f.dispatches else None, "支次", "队伍调派记录"),
        Figure("materials", "物资调拨与征用", f.materials_sent, "单", "调拨单与征用单"),
        Figure("duration", "接报至处置结束", _hours(f.received_at, f.closed_at), "小时", "接报时间 → 处置结束"),
    ]
    return entries, figures
