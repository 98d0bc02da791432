"""Reporting clocks (pure): when each report upward is due, and where a clock stands at a moment.

Accidents (生产安全事故报告和调查处理条例 第九条–第十一条): the unit reports to the county level within
1 hour of learning of it; each level above reports to the next within 2 hours — up to the level the
grade requires (一般 → 设区的市, 较大 → 省, 重大/特别重大 → 国务院). Natural disasters (自然灾害情况统计
调查制度, STANDARDS.md §4): the county's 初报 within 2 hours of learning of the disaster, each level
above within 2 hours; then one 续报 clock at a time, due one interval after the last report sent (the
plan's own interval, else 7 days, drought 10 days), until the 终报 ends the chain. Clocks run from the
intake time (when the bureau learned of it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from yingji.incidents.grading import REPORT_UP_TO

LEVELS = ("county", "city", "province", "state")
LEVEL_LABELS = {"county": "县级", "city": "设区的市级", "province": "省级", "state": "国务院"}
REMIND_BEFORE = datetime.timedelta(minutes=15)  # reminder this long before a report is due
# 续报 interval of a natural disaster unless its plan sets one. UNCONFIRMED: no text we hold sets it
# (STANDARDS.md §4). The 灾情 clocks take it as data (disasters/data/rules.json, clocks.followup_days,
# decision 0018); incidents sit below disasters and keep this constant, which must agree with it.
FOLLOWUP_DAYS = 7
DROUGHT_FOLLOWUP_DAYS = 10  # drought develops slowly: 续报 every 10 days
DROUGHT = "114"  # GB/T 35561 干旱 (11400) and anything below it


@dataclass(frozen=True)
class Deadline:
    key: str  # "county", "city" … for reports upward; "followup-1" … for 续报
    label: str
    due: datetime.datetime


@dataclass(frozen=True)
class ClockState:
    deadline: Deadline
    status: str  # "done" | "pending" | "due_soon" (remind) | "overdue" (escalate)
    seconds_left: float  # negative when overdue

    @property
    def label(self) -> str:
        return {"done": "已报送", "pending": "未到期", "due_soon": "即将到期", "overdue": "已超时"}[self.status]


def accident_deadlines(learned_at: datetime.datetime, grade: str) -> list[Deadline]:
    """Reports upward for an accident of ``grade``: county within 1 h, each level above +2 h."""
    _aware(learned_at)
    top = LEVELS.index(REPORT_UP_TO[grade])
    out, due = [], learned_at + datetime.timedelta(hours=1)
    for level in LEVELS[:top + 1]:
        out.append(Deadline(level, f"报告{LEVEL_LABELS[level]}应急管理部门", due))
        due += datetime.timedelta(hours=2)
    return out


def disaster_deadlines(learned_at: datetime.datetime, *, up_to: str = "province") -> list[Deadline]:
    """灾情初报 at each level up to ``up_to``: the county within 2 h, each level above 2 h later."""
    _aware(learned_at)
    out, due = [], learned_at
    for level in LEVELS[:LEVELS.index(up_to) + 1]:
        due += datetime.timedelta(hours=2)
        out.append(Deadline(level, f"{LEVEL_LABELS[level]}灾情初报", due))
    return out


def followup_interval(event_type: str, plan_days: int | None = None) -> datetime.timedelta:
    """How often 续报 are due: the plan's own interval where it sets one, else 10 days for drought and
    7 days for other natural disasters."""
    if plan_days:
        return datetime.timedelta(days=plan_days)
    return datetime.timedelta(days=DROUGHT_FOLLOWUP_DAYS if event_type.startswith(DROUGHT) else FOLLOWUP_DAYS)


def next_followup(number: int, last_report_at: datetime.datetime, interval: datetime.timedelta) -> Deadline:
    """The ``number``-th 续报: due one interval after the last report sent (or, before any was sent,
    after the county's 初报 was due)."""
    _aware(last_report_at)
    if number < 1 or interval <= datetime.timedelta(0):
        raise ValueError("续报序号应从 1 起，间隔应大于 0")
    return Deadline(f"followup-{number}", f"第 {number} 次续报", last_report_at + interval)


def clock(deadline: Deadline, now: datetime.datetime, done_at: datetime.datetime | None = None,
          remind_before: datetime.timedelta = REMIND_BEFORE) -> ClockState:
    """Where one deadline stands at ``now``; reported on time or late, a done report is done."""
    _aware(now)
    left = (deadline.due - now).total_seconds()
    if done_at is not None:
        return ClockState(deadline, "done", (deadline.due - done_at).total_seconds())
    if left < 0:
        return ClockState(deadline, "overdue", left)
    if left <= remind_before.total_seconds():
        return ClockState(deadline, "due_soon", left)
    return ClockState(deadline, "pending", left)


def _aware(moment: datetime.datetime):
    if moment.tzinfo is None:
        raise ValueError("时间须带时区")
