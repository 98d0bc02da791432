"""Reporting clocks (pure): when each report upward is due, and where a clock stands at a moment.

Accidents (生产安全事故报告和调查处理条例 第九条–第十一条): the unit reports to the county level within
1 hour of learning of it; each level above reports to the next within 2 hours — up to the level the
grade requires (一般 → 设区的市, 较大 → 省, 重大/特别重大 → 国务院). Natural disasters (自然灾害情况统计
调查制度, STANDARDS.md §4): the county's 初报 within 2 hours of learning of the disaster, each level
above within 2 hours; 续报 at the interval the plan sets (default 7 days, drought 10 days) until the
situation is stable. Clocks run from the intake time (when the bureau learned of it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from yingji.incidents.grading import REPORT_UP_TO

LEVELS = ("county", "city", "province", "state")
LEVEL_LABELS = {"county": "县级", "city": "设区的市级", "province": "省级", "state": "国务院"}
REMIND_BEFORE = datetime.timedelta(minutes=15)  # reminder this long before a report is due


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


def disaster_deadlines(learned_at: datetime.datetime, *, up_to: str = "province", followups: int = 3,
                       followup_interval: datetime.timedelta = datetime.timedelta(days=7)) -> list[Deadline]:
    """灾情初报 at each level (2 h each) and the first ``followups`` 续报 after the county's 初报."""
    _aware(learned_at)
    out, due = [], learned_at
    for level in LEVELS[:LEVELS.index(up_to) + 1]:
        due += datetime.timedelta(hours=2)
        out.append(Deadline(level, f"{LEVEL_LABELS[level]}灾情初报", due))
    first = out[0].due
    out += [Deadline(f"followup-{k}", f"第 {k} 次续报", first + followup_interval * k) for k in range(1, followups + 1)]
    return out


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
