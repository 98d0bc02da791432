"""Clocks of one 灾情事件 (pure: no Django): every report due, when, and where it stands now.

The rules are data (catalogue.ClockRules, national defaults in data/rules.json, a jurisdiction's own
values by override). Deadlines, their states and the reminder window are those of
``yingji.incidents.deadlines`` (``Deadline``, ``ClockState``, ``clock``), so the platform's deadline
mechanism drives both the same way.

Keys of the deadlines (a report sent is recorded under the key it answers):
- ``township:<name>``: a township's figures to the county, 1 h after it learned of the disaster;
- ``initial:county`` 2 h after the county learned of it; ``initial:city`` and ``initial:province`` 2 h
  each after the level below sent (or, while it has not, after it was due);
- ``skip:province`` and ``skip:ministry`` (越级): straight up within 2 h when deaths + missing reach the
  threshold (10);
- ``followup-<n>``: one 续报 at a time, one interval after the last report sent (drought 10 days, else
  the configured interval — 7 days, unconfirmed); none once 灾情稳定 is declared (drought: once over);
- ``zero:<level>:<YYYY-MM-DD>``: during a major disaster, the daily 24小时零报告 at 09:00 (county),
  10:00 (city), 12:00 (province) Asia/Shanghai, with data to 24:00 the day before, from the day after
  the regime starts until the data day ends at or before 灾情稳定;
- ``final:<level>``: the 核报, within N working days (2/3/5) after 灾情稳定 (the county) or after the level
  below sent it; due at 24:00 of the last working day. Working days are Monday–Friday, less the
  holidays and plus the 调休 days the rules list as data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from yingji.disasters.catalogue import LEVEL_LABELS, ClockRules
from yingji.incidents.deadlines import ClockState, Deadline, clock

UP = ("county", "city", "province")


@dataclass(frozen=True)
class EventFacts:
    """What the clocks need to know of one 灾情事件. A platform above the county keeps its own levels
    (``levels=("city",)``) and passes when it received the county's 初报 under ``initial:county``."""
    learned_at: datetime.datetime  # when the county learned of it (drought: when it first affects people)
    drought: bool = False
    deaths_missing: int = 0
    skip_level_since: datetime.datetime | None = None  # when deaths + missing reached the threshold, if later
    township_learned_at: dict[str, datetime.datetime] = field(default_factory=dict)
    major_since: datetime.datetime | None = None  # the 24小时零报告 regime starts (major disaster)
    stable_at: datetime.datetime | None = None  # 灾情稳定 declared (drought: the drought is over)
    levels: tuple[str, ...] = UP  # the levels whose clocks this platform keeps


def _aware(moment: datetime.datetime | None):
    if moment is not None and moment.tzinfo is None:
        raise ValueError("时间须带时区")


def township_deadlines(facts: EventFacts, rules: ClockRules) -> list[Deadline]:
    hours = datetime.timedelta(hours=rules.township_to_county_hours)
    return [Deadline(f"township:{name}", f"{name}向县级报送灾情", learned + hours)
            for name, learned in sorted(facts.township_learned_at.items())]


def initial_deadlines(facts: EventFacts, sent: dict[str, datetime.datetime], rules: ClockRules) -> list[Deadline]:
    """初报 at each level, and the 越级 reports when deaths + missing reach the threshold."""
    out, due = [], facts.learned_at + datetime.timedelta(hours=rules.county_initial_hours)
    for level in UP:
        key = f"initial:{level}"
        if level in facts.levels:
            out.append(Deadline(key, f"{LEVEL_LABELS[level]}灾情初报", due))
        due = sent.get(key, due) + datetime.timedelta(hours=rules.next_level_hours)
    if "county" in facts.levels and facts.deaths_missing >= rules.skip_level_threshold:
        due = (facts.skip_level_since or facts.learned_at) + datetime.timedelta(hours=rules.skip_level_hours)
        out += [Deadline("skip:province", "越级报送省级应急管理部门", due),
                Deadline("skip:ministry", "越级报送应急管理部", due)]
    return out


def followup_interval(facts: EventFacts, rules: ClockRules) -> datetime.timedelta:
    return datetime.timedelta(days=rules.drought_followup_days if facts.drought else rules.followup_days)


def followup_deadlines(facts: EventFacts, sent: dict[str, datetime.datetime], rules: ClockRules) -> list[Deadline]:
    """The county's 续报: each due one interval after the report before it was sent (the 初报 for the
    first); those sent, and the next one — none before the 初报 is sent, and no new one once 灾情稳定 is
    declared."""
    if "county" not in facts.levels or "initial:county" not in sent:
        return []
    interval, last, out, number = followup_interval(facts, rules), sent["initial:county"], [], 1
    while f"followup-{number}" in sent:
        out.append(Deadline(f"followup-{number}", f"第 {number} 次续报", last + interval))
        last, number = sent[f"followup-{number}"], number + 1
    if facts.stable_at is None:
        out.append(Deadline(f"followup-{number}", f"第 {number} 次续报", last + interval))
    return out


def zero_report_deadlines(facts: EventFacts, rules: ClockRules, now: datetime.datetime) -> list[Deadline]:
    """The daily 24小时零报告 of each level, from the day after the regime starts; each is due only
    while its data day began before 灾情稳定 (a report whose data ends at or before it). An open event
    lists them up to the next one after ``now``."""
    if facts.major_since is None:
        return []
    zone = ZoneInfo(rules.zero_report_timezone)
    day = facts.major_since.astimezone(zone).date() + datetime.timedelta(days=1)
    horizon = now.astimezone(zone).date() + datetime.timedelta(days=1)
    out = []
    while day <= horizon:
        cutoff = datetime.datetime.combine(day, datetime.time(0), zone)  # data to 24:00 the day before
        if facts.stable_at is not None and cutoff > facts.stable_at:
            break
        data_day = day - datetime.timedelta(days=1)
        for level in facts.levels:
            hour, minute = (int(x) for x in rules.zero_report_times[level].split(":"))
            due = datetime.datetime.combine(day, datetime.time(hour, minute), zone)
            out.append(Deadline(f"zero:{level}:{day.isoformat()}",
                                f"{LEVEL_LABELS[level]}24小时零报告（截至 {data_day.month} 月 {data_day.day} 日 24 时）", due))
        day += datetime.timedelta(days=1)
    return out


def is_working_day(day: datetime.date, rules: ClockRules) -> bool:
    iso = day.isoformat()
    if iso in rules.extra_workdays:
        return True
    return day.weekday() < 5 and iso not in rules.holidays


def add_working_days(moment: datetime.datetime, days: int, rules: ClockRules) -> datetime.datetime:
    """24:00 (local) of the ``days``-th working day after the day of ``moment``; a moment at 00:00 is
    24:00 of the day before (so a due time chains on from the day it closes)."""
    zone = ZoneInfo(rules.zero_report_timezone)
    day, left = (moment.astimezone(zone) - datetime.timedelta(microseconds=1)).date(), days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, rules):
            left -= 1
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), zone)


def final_deadlines(facts: EventFacts, sent: dict[str, datetime.datetime], rules: ClockRules) -> list[Deadline]:
    """核报 of each level once 灾情稳定 is declared: the county N working days after it, each level above
    N working days after the level below sent (or was due)."""
    if facts.stable_at is None:
        return []
    out, start = [], facts.stable_at
    for level in UP:
        key = f"final:{level}"
        due = add_working_days(start, rules.final_report_working_days[level], rules)
        if level in facts.levels:
            out.append(Deadline(key, f"{LEVEL_LABELS[level]}灾情核报", due))
        start = sent.get(key, due)
    return out


def deadlines(facts: EventFacts, sent: dict[str, datetime.datetime], rules: ClockRules,
              now: datetime.datetime) -> list[Deadline]:
    """Every deadline of the event, in due order."""
    for moment in (facts.learned_at, facts.major_since, facts.stable_at, facts.skip_level_since, now,
                   *facts.township_learned_at.values(),
                   *sent.values()):
        _aware(moment)
    out = township_deadlines(facts, rules) + initial_deadlines(facts, sent, rules)
    out += followup_deadlines(facts, sent, rules) + zero_report_deadlines(facts, rules, now) + final_deadlines(facts, sent, rules)
    return sorted(out, key=lambda d: (d.due, d.key))


def states(facts: EventFacts, sent: dict[str, datetime.datetime], rules: ClockRules,
           now: datetime.datetime) -> list[ClockState]:
    """Where every clock of the event stands at ``now``: done (sent, on time or late), pending, due
    soon (within the reminder window) or overdue (escalated to the duty desk)."""
    return [clock(d, now, sent.get(d.key), rules.remind_before) for d in deadlines(facts, sent, rules, now)]

