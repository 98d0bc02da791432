"""Every change in 调查评估与复盘 goes through here: the guards of the declared workflows, the 回头看
dates from the interval rules, the drill criteria built from the plan, observations, scoring (the pure
engine scoring.py), the timeline assembled from what the platform recorded (timeline.py), and the
periodic jobs' work (overdue measures, 回头看 opened, overdue drills)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji.core.framework import notify, workflow
from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.operations import Conflict
from yingji.reviews import rules, scoring, timeline
from yingji.reviews.choices import AlertState, EvaluationState, MeasureState, RuleKey
from yingji.reviews.models import (
    Criterion,
    DrillAlert,
    DrillEvaluation,
    IntervalRule,
    Investigation,
    Lookback,
    Measure,
    Observation,
)

OPEN_MEASURES = (MeasureState.PENDING, MeasureState.OVERDUE, MeasureState.DONE, MeasureState.VERIFIED)


# ---- rules --------------------------------------------------------------------------------------

def interval(region, key: str) -> rules.Interval:
    """The interval ``key`` for ``region``: the nearest region's row, else the national default."""
    rows = IntervalRule.objects.filter(region__code__in=region.path.split("/"), key=key).select_related("region")
    rule = max(rows, key=lambda r: len(r.region.path), default=None)
    if rule is None:
        return rules.national(key)
    return rules.Interval(key, rule.months, rule.source, rule.confirmed, rule.note, str(rule.region))


# ---- guards ---------------------------------------------------------------------------------------

def four_items_done(inv: Investigation) -> str | None:
    missing = inv.missing_items()
    if missing:
        return f"“四不放过”尚未填写：{'、'.join(missing)}"
    if not inv.measures.exists():
        return "防范和整改措施尚未逐条登记为整改措施（至少一条）"
    return None


def lookback_ready(lb: Lookback) -> str | None:
    return None


def review_ready(review) -> str | None:
    if not review.conclusion.strip():
        return "定稿前请填写评估结论"
    return None


def has_criteria(ev: DrillEvaluation) -> str | None:
    return None if ev.criteria.exists() else "尚无评估标准：请先生成评估方案"


def has_observations(ev: DrillEvaluation) -> str | None:
    return None if ev.observations.exists() else "尚无观察记录，不能评分"


# ---- investigation ----------------------------------------------------------------------------------

def investigation_closed(inv: Investigation, day: datetime.date) -> None:
    """结案: the 回头看 window from the interval rules (opens, due) is kept on the investigation."""
    opens, due = interval(inv.region, RuleKey.LOOKBACK_OPEN), interval(inv.region, RuleKey.LOOKBACK_DUE)
    inv.closed_on = day
    inv.lookback_from, inv.lookback_due = rules.add_months(day, opens.months), rules.add_months(day, due.months)


def open_lookbacks(today: datetime.date | None = None) -> list[Lookback]:
    """The periodic job: each closed investigation whose 回头看 window has opened gets its 回头看 (once),
    which is a to-do for the investigators due at the window's end."""
    today = today or timezone.localdate()
    made = []
    for inv in Investigation.objects.filter(state="closed", lookback_from__lte=today).exclude(lookbacks__isnull=False):
        due = interval(inv.region, RuleKey.LOOKBACK_DUE)
        lb = Lookback(investigation=inv, opens_on=inv.lookback_from, due_on=inv.lookback_due,
                      basis=f"{due.source}{'' if due.confirmed else '（未核实）'}"[:300])
        lb.save()
        made.append(lb)
    return made


# ---- measures ---------------------------------------------------------------------------------------

def mark_overdue(today: datetime.date | None = None) -> int:
    """The periodic job: 待落实 measures past their deadline become 逾期未落实 (a to-do for the owner and the
    supervising office, who are told)."""
    today = today or timezone.localdate()
    n = 0
    for m in Measure.objects.filter(state=MeasureState.PENDING, deadline__lt=today).select_related("region"):
        workflow.apply(None, m, "mark_overdue", comment=f"完成期限 {m.deadline} 已过，系统自动标记逾期", system=True)
        notify.notify(notify.users_responsible_for(m, ("staff", "leader", "township", "enterprise")),
                      f"整改措施逾期：{m.content[:40]}", level=NotificationLevel.URGENT, key=f"measure-overdue-{m.pk}",
                      body=f"{m.owner} 的整改措施完成期限 {m.deadline} 已过。", url=f"/registry/measures/{m.pk}/")
        n += 1
    return n


# ---- drills -----------------------------------------------------------------------------------------

def build_criteria(user, ev: DrillEvaluation) -> list[Criterion]:
    """评估方案: the generic AQ/T 9009 items (data) and one criterion per task of the plan's task list
    (its 工作组, 责任单位, 时限) and per working group of its command structure; replaces the criteria
    while the evaluation is still being prepared."""
    if ev.state != EvaluationState.PLANNED:
        raise Conflict("演练评估已开始，评估标准不能重新生成")
    defaults = rules.scoring()
    ev.criteria.all().delete()
    rows, seen = [], set()
    for section, text, weight, limit in defaults["generic"]:
        rows.append(Criterion(section=section, text=text, weight=weight, limit_minutes=limit, source="AQ/T 9009 评估项目"))
    plan = ev.drill.plan
    for level in plan.levels.order_by("-level"):  # the lowest level's list first (IV before I)
        for action in level.actions.order_by("position"):
            key = (action.group, action.action)
            if key in seen:
                continue
            seen.add(key)
            rows.append(Criterion(section=action.group or "处置任务", text=f"{action.responsible}：{action.action}"[:200],
                                  weight=defaults["task_weight"], limit_minutes=action.within_minutes,
                                  source=f"预案任务清单（{level.get_level_display()}）"))
    for group in plan.groups():
        name = group.get("name", "")
        if name and not any(r.section == name for r in rows):
            rows.append(Criterion(section=name, text=f"{name}（牵头：{group.get('lead', '—')}）到位并履行职责",
                                  weight=defaults["task_weight"], source="预案指挥机构"))
    with set_actor(user):
        for i, c in enumerate(rows, 1):
            c.evaluation, c.position = ev, i
            c.save()
    return rows


def observe(user, ev: DrillEvaluation, *, criterion: Criterion, score: int, note: str = "") -> Observation:
    if ev.state != EvaluationState.OBSERVING:
        raise Conflict(f"当前状态为“{ev.get_state_display()}”，只有演练评估中可以记录观察")
    if criterion.evaluation_id != ev.pk:
        raise ValidationError({"criterion": "该评估标准不属于本次演练评估"})
    o = Observation(evaluation=ev, criterion=criterion, score=score, note=note.strip(), observer=user, at=timezone.now())
    o.full_clean()
    with set_actor(user):
        o.save()
    return o


def score(ev: DrillEvaluation) -> scoring.Result:
    defaults = rules.scoring()
    start = ev.started_at
    criteria = [scoring.Criterion(c.pk, str(c), c.weight, c.limit_minutes) for c in ev.criteria.all()]
    obs = [scoring.Observation(o.criterion_id, o.score, None if start is None else (o.at - start).total_seconds() / 60)
           for o in ev.observations.filter(criterion__evaluation=ev)]  # the service never records others
    return scoring.evaluate(criteria, obs, grades=defaults["grades"], late_factor=defaults["late_factor"])


def drill_alerts(today: datetime.date | None = None) -> tuple[list[DrillAlert], int]:
    """The periodic job: enterprise plans (综合/专项, kind 企业应急预案) and 现场处置方案 whose last drill (or,
    never drilled, their 印发日期) is longer ago than the interval get an open alert (a to-do for the
    enterprise and the bureau); an open alert whose plan has since been drilled is resolved."""
    from yingji.incidents.models import Plan

    today = today or timezone.localdate()
    keys = {"enterprise": RuleKey.DRILL_ENTERPRISE, "onsite": RuleKey.DRILL_ONSITE}
    made, resolved = [], 0
    for plan in Plan.objects.filter(kind__in=keys, abolished=False).select_related("region"):
        last = plan.drills.order_by("-date").values_list("date", flat=True).first()
        rule = interval(plan.region, keys[plan.kind])
        due = rules.add_months(last or plan.approved_on, rule.months)
        open_ = DrillAlert.objects.filter(plan=plan, state=AlertState.OPEN).first()
        if open_ is not None and (last or datetime.date.min) > (open_.last_drill_on or datetime.date.min):
            workflow.apply(None, open_, "resolve", comment=f"已于 {last} 组织演练", system=True)
            resolved += 1
            open_ = None
        if due < today and open_ is None and not DrillAlert.objects.filter(plan=plan, due_on=due).exists():
            alert = DrillAlert(plan=plan, last_drill_on=last, due_on=due,
                               basis=f"{rule.source}{'' if rule.confirmed else '（未核实）'}"[:300])
            alert.save()
            made.append(alert)
    return made, resolved


# ---- the timeline of a review ------------------------------------------------------------------------

def facts_for(review) -> timeline.Facts:
    """What the platform recorded about the review's incident and/or 灾情事件, as plain facts."""
    from yingji.core.framework.workflow import log_of

    incident, event = review.incident, review.event
    if incident is None and event is not None and event.incident_id:
        incident = event.incident
    f = timeline.Facts()
    reports, entries = [], []
    if incident is not None:
        f.occurred_at, f.received_at = incident.occurred_at, incident.received_at
        reports += [r.sent_at for r in incident.reports.filter(from_below=False, sent_at__isnull=False)]
        f.responses = [(r.started_at, f"{r.get_level_display()}应急响应（{r.plan.name}）")
                       for r in incident.responses.select_related("plan")]
        f.dispatches = [(d.dispatched_at, d.arrived_at, d.team.name) for d in incident.dispatches.select_related("team")]
        f.closed_at = log_of(incident).filter(transition="close").values_list("at", flat=True).first()
        entries += [timeline.Entry(t.at, t.get_kind_display(), t.text) for t in incident.timeline.filter(kind="decision")]
    if event is not None:
        from yingji.relief.models import Beneficiary
        from yingji.relief.services import NEEDS, clock_start

        if f.received_at is None:
            f.received_at = event.learned_at
        reports += [r.submitted_at for r in event.reports.filter(level="county", submitted_at__isnull=False)]
        entries += [timeline.Entry(r.submitted_at, "灾情报送", f"县级{r.get_kind_display()}（第{r.sequence}报）提交")
                    for r in event.reports.filter(level="county", submitted_at__isnull=False)]
        households = list(Beneficiary.objects.filter(event=event, category="emergency"))
        if households:
            f.relief_start = clock_start(event)[0]
            needs = [n for n, _ in NEEDS]
            f.relief_met = [None if any(b.met()[n] is None for n in needs) else max(b.met()[n] for n in needs)
                            for b in households]
        if event.closed_at and f.closed_at is None:
            f.closed_at = event.closed_at
    f.reports_sent = sorted(reports)
    f.materials_sent = _requisitions(incident, event)
    f.entries = entries
    return f


def _requisitions(incident, event) -> int | None:
    """征用单 serving the incident or the event (调拨单 name no event, so they cannot be counted here)."""
    from django.db.models import Q

    from yingji.requisition.models import Requisition

    q = Q()
    if incident is not None:
        q |= Q(incident=incident)
    if event is not None:
        q |= Q(event=event)
    n = Requisition.objects.filter(q).exclude(state__in=("drafted", "cancelled")).count() if q else 0
    return n or None


def assemble(review) -> dict:
    """The timeline and figures as JSON (the record page, the report and the snapshot kept at 定稿)."""
    if review.snapshot:
        return review.snapshot
    entries, figures = timeline.assemble(facts_for(review))
    return {"entries": [{"at": timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), "kind": e.kind, "text": e.text}
                        for e in entries],
            "figures": [{"key": x.key, "label": x.label, "text": x.text, "basis": x.basis} for x in figures]}


def finalise_snapshot(review) -> None:
    review.snapshot = {}
    review.snapshot = assemble(review)
    review.finalised_at = timezone.now()


def measures_line(source) -> list[str]:
    out = []
    for m in source.measures.select_related("organization"):
        out.append(f"{m.number} {m.content}（{m.owner}，期限 {m.deadline:%Y-%m-%d}，{m.get_state_display()}）")
    return out


def evaluation_rows(ev: DrillEvaluation) -> list[tuple]:
    """(criterion, its row of the score) for the pages and the report."""
    result = score(ev)
    by_key = {r.key: r for r in result.rows}
    return [(c, by_key[c.pk]) for c in ev.criteria.all()], result


def weight_total(ev) -> Decimal:
    return sum((c.weight for c in ev.criteria.all()), Decimal("0"))


def created(user, record):
    """A record made by a service on someone's behalf (the demo): validated, in scope, in the history."""
    from yingji.core.framework import services as core_services

    return core_services.save_instance(user, record)
