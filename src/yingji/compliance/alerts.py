"""The alert rules of 安责险 and of 三项岗位人员 certificates and training, over plain data: which alerts an
enterprise, a certificate or a person's training year gives on a given day. Pure: no Django.

Dates are inclusive: a policy covers its last day (``ends_on``), a certificate is valid on its expiry
day; the day after, it has lapsed or expired."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

# Alert kinds (choices.AlertKind holds their Chinese labels).
UNINSURED = "uninsured"
LAPSED = "lapsed"
LAPSING = "lapsing"
LIMIT_LOW = "limit_low"
HEADCOUNT_LOW = "headcount_low"
CERT_EXPIRED = "cert_expired"
CERT_EXPIRING_SECOND = "cert_expiring_30"
CERT_EXPIRING_FIRST = "cert_expiring_60"
REVIEW_OVERDUE = "review_overdue"
REVIEW_DUE_SECOND = "review_due_30"
REVIEW_DUE_FIRST = "review_due_60"
TRAINING_SHORT = "training_short"


@dataclass(frozen=True)
class PolicyFacts:
    key: object  # the policy's id
    number: str
    starts_on: datetime.date
    ends_on: datetime.date
    headcount: int
    limit_cny: Decimal


@dataclass(frozen=True)
class Alert:
    kind: str
    subject: str  # what it is about: "org:<id>", "policy:<id>", "cert:<id>", "training:<worker>:<year>"
    detail: str  # the facts, in words
    due: datetime.date | None = None  # the day it must be put right by (expiry), if any


def covering(policies: list[PolicyFacts], day: datetime.date) -> list[PolicyFacts]:
    return [p for p in policies if p.starts_on <= day <= p.ends_on]


def insurance(org_key, *, mandatory: bool, sector: str, policies: list[PolicyFacts], employees: int | None,
              min_limit: Decimal, warning_days: int, today: datetime.date) -> list[Alert]:
    """An enterprise's 安责险 alerts on ``today``: a mandatory one without any policy (未投保) or whose last
    policy has ended (脱保); a policy in force ending within ``warning_days`` with no policy taking over
    the day after (即将到期); a policy in force whose per-person limit is under ``min_limit`` or whose
    insured headcount is under the enterprise's 从业人数 (equal is enough)."""
    subject = f"org:{org_key}"
    current = covering(policies, today)
    out: list[Alert] = []
    if not current:
        if mandatory:
            ended = [p for p in policies if p.ends_on < today]
            if ended:
                last = max(ended, key=lambda p: p.ends_on)
                out.append(Alert(LAPSED, subject, f"{sector}行业应当投保；保单 {last.number} 已于 "
                                                  f"{last.ends_on:%Y-%m-%d} 到期，未续保"))
            else:
                out.append(Alert(UNINSURED, subject, f"{sector}行业应当投保安全生产责任保险，未登记有效保单"))
        return out
    for p in current:
        left = (p.ends_on - today).days
        renewed = any(q.key != p.key and q.starts_on <= p.ends_on + datetime.timedelta(days=1) and q.ends_on > p.ends_on
                      for q in policies)
        if left <= warning_days and not renewed:
            out.append(Alert(LAPSING, f"policy:{p.key}", f"保单 {p.number} 将于 {p.ends_on:%Y-%m-%d} 到期"
                                                         f"（剩 {left} 日），未登记续保", due=p.ends_on))
        if p.limit_cny < min_limit:
            out.append(Alert(LIMIT_LOW, f"policy:{p.key}", f"保单 {p.number} 每人死亡伤残责任限额 {p.limit_cny:.0f} 元，"
                                                           f"低于 {min_limit:.0f} 元"))
        if employees is not None and p.headcount < employees:
            out.append(Alert(HEADCOUNT_LOW, f"policy:{p.key}", f"保单 {p.number} 投保 {p.headcount} 人，"
                                                               f"少于从业人数 {employees} 人（应覆盖全体从业人员）"))
    return out


def _ahead(kinds, subject, what, day, today, first, second) -> Alert | None:
    expired, soon, early = kinds
    left = (day - today).days
    if left < 0:
        return Alert(expired, subject, f"{what}已于 {day:%Y-%m-%d} 届满（已过 {-left} 日）", due=day)
    if left <= second:
        return Alert(soon, subject, f"{what}将于 {day:%Y-%m-%d} 届满（剩 {left} 日）", due=day)
    if left <= first:
        return Alert(early, subject, f"{what}将于 {day:%Y-%m-%d} 届满（剩 {left} 日）", due=day)
    return None


def certificate(cert_key, *, label: str, expires_on: datetime.date, review_due: datetime.date | None,
                today: datetime.date, first_days: int, second_days: int) -> list[Alert]:
    """A certificate's alerts: expired (the day after its expiry), expiring within ``second_days`` (30) or
    within ``first_days`` (60); the same for its review (复审) when one is due before expiry. The expiry
    day itself is still valid (0 days left: the second reminder)."""
    subject = f"cert:{cert_key}"
    out = []
    hit = _ahead((CERT_EXPIRED, CERT_EXPIRING_SECOND, CERT_EXPIRING_FIRST), subject, f"{label}有效期",
                 expires_on, today, first_days, second_days)
    if hit:
        out.append(hit)
    if hit is None or hit.kind != CERT_EXPIRED:
        if review_due is not None and review_due < expires_on:
            review = _ahead((REVIEW_OVERDUE, REVIEW_DUE_SECOND, REVIEW_DUE_FIRST), subject, f"{label}复审期限",
                            review_due, today, first_days, second_days)
            if review:
                out.append(review)
    return out


def status(expires_on: datetime.date, review_due: datetime.date | None, today: datetime.date,
           first_days: int) -> str:
    """valid, expiring (within ``first_days`` of expiry or review) or expired (or review overdue)."""
    if today > expires_on or (review_due is not None and review_due < expires_on and today > review_due):
        return "expired"
    soonest = min(d for d in (expires_on, review_due) if d is not None)
    return "expiring" if (soonest - today).days <= first_days else "valid"


def required_hours(*, initial: bool, high_risk: bool, rules: dict) -> int:
    """Hours a 主要负责人 or 安全生产管理人员 must train in a year (《生产经营单位安全培训规定》第九条)."""
    key = f"{'initial' if initial else 'refresher'}_hours_{'high_risk' if high_risk else 'other'}"
    return int(rules[key].value)


def training(worker_key, *, name: str, year: int, hours: Decimal, required: int, today: datetime.date) -> Alert | None:
    """A year's training short of its required hours, once the year is over (a year still running is
    progress, not a failing)."""
    if year >= today.year or hours >= required:
        return None
    return Alert(TRAINING_SHORT, f"training:{worker_key}:{year}",
                 f"{name} {year} 年安全培训 {hours:g} 学时，少于应训 {required} 学时")


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The last valid day of something valid ``years`` from ``day``: the day before the anniversary (the
    anniversary of 29 February in a common year is 1 March, so the last day is 28 February)."""
    try:
        same = day.replace(year=day.year + years)
    except ValueError:
        same = datetime.date(day.year + years, 3, 1)
    return same - datetime.timedelta(days=1)
