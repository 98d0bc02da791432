"""Services of the response module: every state change of an incident, its reports, its response
and its tasks goes through here and lands on the incident's timeline in the same transaction."""

from __future__ import annotations

import datetime

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.access import can, in_scope
from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.notify import notify, users_responsible_for
from yingji.core.framework.operations import Conflict
from yingji.core.framework.registry import unknown_relations
from yingji.incidents import deadlines, event_types, matching
from yingji.incidents.models import (
    Incident,
    Plan,
    PlanLevel,
    Report,
    ReportingDeadline,
    Response,
    Task,
    TeamDispatch,
    TimelineEntry,
)
from yingji.incidents.workflow import is_commander

WATCHERS = ("duty", "leader", "admin")  # who hears about an incident's clocks and changes


def log(incident, kind: str, text: str, actor=None, at=None) -> TimelineEntry:
    return TimelineEntry.objects.create(incident=incident, kind=kind, text=text, actor=actor, at=at or timezone.now())


def incident_url(incident) -> str:
    return reverse("incident_desk", args=[incident.pk])


# ---- intake and grade ------------------------------------------------------------------------------

def intake(user, incident: Incident, *, note: str = "") -> Incident:
    """Register a new incident (validated, in the user's scope), start its clocks, log it."""
    if not can(user, "add", Incident):
        raise PermissionDenied("您没有接报登记的权限")
    # The source alarm and warning come as ids from the intake page: one outside the user's scope
    # is refused exactly like one that does not exist (else its description would be read back).
    unknown = unknown_relations(user, incident, ("alarm", "warning"))
    try:
        incident.full_clean()
    except ValidationError as exc:
        raise ValidationError({**exc.error_dict, **unknown}) from exc
    if unknown:
        raise ValidationError(unknown)
    if not in_scope(user, incident):
        raise PermissionDenied("事发地不在您的管辖范围内")
    with transaction.atomic(), set_actor(user):
        incident.save()
        received = incident.received_at
        log(incident, "intake", f"接报：{incident.get_source_display()}，{incident.reporter or '报告人未留名'}"
                                f"{'（' + incident.reporter_phone + '）' if incident.reporter_phone else ''}报告"
                                f"{incident.address}发生{incident.type.name}。{note}".strip(), user, at=received)
        log(incident, "grade", f"初步定级：{incident.grade_label}（{incident.grade_reason}）", user, at=received)
        sync_deadlines(incident)
        from yingji.incidents.models import DutyLog

        DutyLog.objects.create(region=incident.region, at=received, kind="call_in", counterpart=incident.reporter,
                               phone=incident.reporter_phone, incident=incident, recorded_by=user,
                               summary=f"接报{incident.title}（{incident.number}）")
    notify([u for u in users_responsible_for(incident, WATCHERS) if u != user], f"接报：{incident.title}",
           body=f"{incident.grade_label}。{incident.address}", url=incident_url(incident), level=NotificationLevel.WARNING,
           key=f"incident-{incident.pk}")
    return incident


def intake_call(user, incident: Incident) -> Incident:
    """接报登记 as a call gives it: the place from the picked point, else from the township or village
    the address names; a title from the place and the event type when none was given."""
    from yingji.core.directory.public_forms import Refused, locate, locate_address
    from yingji.core.models import Region

    try:
        if not incident.region_id and incident.lon is not None and incident.lat is not None:
            incident.region = locate(incident.lon, incident.lat)
        if not incident.region_id:
            incident.region = locate_address(incident.address, Region.objects.for_user(user))
    except Refused as exc:
        raise ValidationError({"region": str(exc)}) from None
    if incident.region_id is None:
        raise ValidationError({"region": "地址中没有识别出乡镇或村社区名称：请在地图上点选事发地点，或填写所在区划"})
    if not incident.title:
        incident.title = f"{incident.address}{event_types.get(incident.event_type).name}"[:120]
    return intake(user, incident)


def grade_changed(incident: Incident, before: str) -> None:
    """Called when saved figures move the grade: log it and extend the clocks (a higher grade is
    reported further up)."""
    log(incident, "grade", f"重新定级：{before or '未定级'} → {incident.grade_label}（{incident.grade_reason}）")
    sync_deadlines(incident)
    notify(users_responsible_for(incident, WATCHERS), f"{incident.title}重新定级为{incident.grade_label}",
           body=incident.grade_reason, url=incident_url(incident), level=NotificationLevel.WARNING,
           key=f"incident-{incident.pk}-grade-{incident.grade}")


def expected_deadlines(incident: Incident) -> list[deadlines.Deadline]:
    """The 初报 clocks the incident's category and grade require (续报: ``schedule_followup``)."""
    learned = incident.received_at
    if incident.category == "accident":
        return deadlines.accident_deadlines(learned, incident.grade or "general")
    if incident.category == "natural":
        return deadlines.disaster_deadlines(learned, up_to="province")
    return deadlines.disaster_deadlines(learned, up_to="city")


def sync_deadlines(incident: Incident) -> None:
    """Create the clocks the grade requires; clocks already met or no longer required stay."""
    have = set(incident.deadlines.values_list("key", flat=True))
    for d in expected_deadlines(incident):
        if d.key not in have:
            ReportingDeadline.objects.create(incident=incident, key=d.key, label=d.label, due_at=d.due)
    if incident.category == "natural":
        schedule_followup(incident)


def followup_interval(incident: Incident) -> datetime.timedelta:
    """The interval of the plan whose response is active (the latest, if several), else the default."""
    plan_days = (incident.responses.filter(state="active", plan__followup_days__isnull=False)
                 .order_by("-started_at").values_list("plan__followup_days", flat=True).first())
    return deadlines.followup_interval(incident.event_type, plan_days)


def schedule_followup(incident: Incident, last_report_at=None) -> ReportingDeadline | None:
    """Keep one open 续报 clock for a natural disaster: due one interval after the last report sent
    (or after the county's 初报 clock); none once the 终报 is sent."""
    open_ = incident.deadlines.filter(key__startswith="followup", done_at__isnull=True).first()
    if incident.reports.filter(kind="final", state="sent", from_below=False).exists():
        return None
    if last_report_at is None:
        last_report_at = (incident.reports.filter(state="sent", from_below=False)
                          .aggregate(at=Max("sent_at"))["at"]
                          or incident.deadlines.filter(key="county").values_list("due_at", flat=True).first())
    if last_report_at is None:
        return None
    number = incident.deadlines.filter(key__startswith="followup", done_at__isnull=False).count() + 1
    want = deadlines.next_followup(number, last_report_at, followup_interval(incident))
    if open_ is None:
        return ReportingDeadline.objects.create(incident=incident, key=want.key, label=want.label, due_at=want.due)
    if open_.due_at != want.due:  # a plan with its own interval was activated, or a report was sent
        open_.due_at, open_.reminded_at, open_.escalated_at = want.due, None, None
        open_.save(update_fields=["due_at", "reminded_at", "escalated_at"])
    return open_


def clocks(incident: Incident, now=None) -> list[tuple[ReportingDeadline, deadlines.ClockState]]:
    now = now or timezone.now()
    return [(d, deadlines.clock(deadlines.Deadline(d.key, d.label, d.due_at), now, d.done_at))
            for d in incident.deadlines.all()]


# ---- reports (信息报送) ------------------------------------------------------------------------------

def draft_report(user, incident: Incident, kind: str | None = None) -> Report:
    """A new report pre-filled with the incident's figures and narrative (and the last report's text)."""
    if not can(user, "add", Report) or not in_scope(user, incident):
        raise PermissionDenied("您不能为该事件编写报告")
    incident.refresh_from_db()  # the latest figures, whatever the caller holds
    last = incident.reports.filter(from_below=False).order_by("-sequence").first()
    if kind is None:
        kind = "initial" if last is None else "followup"
    org = incident.organization
    report = Report(
        incident=incident, kind=kind, issuer=_issuer(user, incident), sent_to=last.sent_to if last else "city",
        signer=last.signer if last else "", occurred_at=incident.occurred_at, place=incident.address,
        deaths=incident.deaths, missing=incident.missing, injured=incident.injured, trapped=incident.trapped,
        relocated=incident.relocated, direct_loss_cny=incident.direct_loss_cny,
        unit_profile=last.unit_profile if last else (_unit_profile(org) if org else ""),
        scene=last.scene if last else "", course=last.course if last else incident.description,
        losses=last.losses if last else "", measures=incident.measures or (last.measures if last else ""),
        next_steps=last.next_steps if last else "")
    with transaction.atomic(), set_actor(user):
        report.save()
        log(incident, "report", f"起草{report.get_kind_display()}（第{report.sequence}期）", user)
    return report


def _issuer(user, incident) -> str:
    from yingji.core.framework.access import effective_region

    region = effective_region(user) or incident.region
    return f"{region.name}应急管理局" if region.level in ("county", "city", "province") else f"{region.name}人民政府"


def _unit_profile(org) -> str:
    parts = [org.name]
    if getattr(org, "address", ""):
        parts.append(f"地址{org.address}")
    if getattr(org, "industry_label", ""):
        parts.append(f"行业：{org.industry_label}")
    return "，".join(parts) + "。"


def report_sent(report: Report, actor) -> None:
    """On 报送: the report's figures become the incident's (a 续报 with more deaths re-grades it),
    and the clocks this report meets are stopped."""
    incident = Incident.objects.select_for_update().get(pk=report.incident_id)
    for name in ("deaths", "missing", "injured", "trapped", "relocated", "direct_loss_cny"):
        setattr(incident, name, getattr(report, name))
    with set_actor(actor):
        incident.save()
    now = report.sent_at or timezone.now()
    open_ = incident.deadlines.filter(done_at__isnull=True)
    followups = open_.filter(key__startswith="followup")
    if report.kind in ("followup", "final"):  # a 终报 also ends the chain of 续报
        followups.update(done_at=now)
    met = deadlines.LEVELS[:deadlines.LEVELS.index(report.sent_to) + 1]
    open_.filter(key__in=met).update(done_at=now)
    if incident.category == "natural" and report.kind != "final":
        schedule_followup(incident, last_report_at=now)
    log(incident, "report", f"报送{report.get_kind_display()}（第{report.sequence}期）至"
                            f"{report.get_sent_to_display()}，签发人{report.signer or '—'}", actor)


def merge_from_below(report: Report, actor) -> Report:
    """A report received from below becomes the incident's figures and the text of the county's next
    report draft (the higher figures win: a township's later count is fresher than ours)."""
    incident = Incident.objects.select_for_update().get(pk=report.incident_id)
    for name in ("deaths", "missing", "injured", "trapped", "relocated"):
        setattr(incident, name, max(getattr(incident, name), getattr(report, name)))
    if report.direct_loss_cny is not None:
        incident.direct_loss_cny = max(incident.direct_loss_cny or 0, report.direct_loss_cny)
    with set_actor(actor):
        incident.save()
    log(incident, "report", f"合并下级报送（{report.issuer} 第{report.sequence}期）", actor)
    draft = incident.reports.filter(from_below=False, state="draft").order_by("-sequence").first()
    if draft is None:
        draft = draft_report(actor, incident)
    for name in ("deaths", "missing", "injured", "trapped", "relocated", "direct_loss_cny"):
        setattr(draft, name, getattr(incident, name))
    for name in ("scene", "course", "losses", "measures"):
        below = getattr(report, name).strip()
        if below and below not in getattr(draft, name):
            setattr(draft, name, (getattr(draft, name) + f"\n据{report.issuer}报告：{below}").strip())
    draft.save()
    return draft


# ---- plans and response (预案与响应) ---------------------------------------------------------------

def plan_matches(user, incident: Incident) -> list[tuple[Plan, matching.Match]]:
    plans = list(Plan.objects.for_user(user).filter(abolished=False).prefetch_related("levels"))
    # Plans of the places above the incident apply too (the county's plans to a village's incident).
    path = incident.region.path
    plans = [p for p in plans if path.startswith(p.region.path)]
    by_key = {p.pk: p for p in plans}
    found = matching.match([p.spec() for p in plans], incident.event_type, incident.figures())
    return [(by_key[m.plan.key], m) for m in found]


def activate(user, incident: Incident, plan: Plan, level: str, reason: str = "") -> Response:
    """启动响应: the plan's checklist for ``level`` becomes tasks with deadlines, and people are told."""
    if level not in matching.LEVELS:
        raise ValidationError({"level": "响应级别无效"})
    if not is_commander(user):
        raise PermissionDenied("只有局领导和值班员可以启动响应")
    if not in_scope(user, incident) or not Plan.objects.for_user(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("该事件或预案不在您的管辖范围内")
    already = f"已按《{plan.name}》启动响应，请调整级别而不是重复启动"
    with transaction.atomic(), set_actor(user):
        # The check and the write under the incident's row lock: the leader and the duty officer
        # pressing 启动 at the same moment are served one after the other, and the second is refused.
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.state not in ("received", "responding"):
            raise Conflict(f"事件已{locked.get_state_display()}，不能启动响应")
        if locked.responses.filter(plan=plan, state="active").exists():
            raise Conflict(already)
        try:
            with transaction.atomic():  # the constraint one_active_response_per_plan is the backstop
                response = Response.objects.create(incident=locked, plan=plan, level=level, reason=reason[:300],
                                                   started_by=user)
        except IntegrityError:
            raise Conflict(already) from None
        if locked.state == "received":
            workflow.apply(user, locked, "respond", system=True)
        log(locked, "response", f"启动《{plan.name}》{matching.LEVEL_LABELS[level]}。{reason}".strip(), user)
        created = create_tasks(response, level, user)
        if locked.category == "natural":
            schedule_followup(locked)  # the plan may set its own 续报 interval
    incident.refresh_from_db()
    _tell_departments(created, incident)
    return response


def create_tasks(response: Response, level: str, actor) -> list[Task]:
    pl = PlanLevel.objects.filter(plan=response.plan, level=level).first()
    if pl is None:
        return []
    done = set(response.tasks.exclude(action=None).values_list("action_id", flat=True))
    now = timezone.now()
    created = []
    for a in pl.actions.select_related("department").order_by("position"):
        if a.pk in done:
            continue
        created.append(Task.objects.create(
            incident=response.incident, response=response, action=a, title=a.action, group=a.group,
            department=a.department, department_name=a.department_name,
            due_at=now + datetime.timedelta(minutes=a.within_minutes)))
    if created:
        log(response.incident, "task", f"下达任务 {len(created)} 项：" + "；".join(
            f"{t.responsible}—{t.title}" for t in created[:6]) + ("…" if len(created) > 6 else ""), actor)
    return created


def _tell_departments(tasks: list[Task], incident: Incident) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.framework import todos

    User = get_user_model()
    for task in tasks:
        users = list(User.objects.filter(is_active=True, scope_organization_id=task.department_id)) \
            if task.department_id else []
        if task.assignee_id:
            users.append(task.assignee)
        todo = todos.sync(task, tell=False)  # those its to-do has told already hear it once, from the to-do
        told = {u.pk for u in todos.users_for(todo)} if todo is not None else set()
        users = [u for u in users if u.pk not in told]
        notify(users, f"新任务：{task.title}", body=f"{incident.title}，时限 {timezone.localtime(task.due_at):%m-%d %H:%M}",
               url=reverse("registry_detail", args=["tasks", task.pk]), level=NotificationLevel.WARNING, key=f"task-{task.pk}")


def response_changed(response: Response, name: str, inputs: dict, actor) -> None:
    incident = response.incident
    if name == "adjust":
        new = inputs.get("level")
        if new not in matching.LEVELS:
            raise workflow.TransitionError("响应级别无效")
        if new == response.level:
            raise workflow.TransitionError(f"当前已是{matching.LEVEL_LABELS[new]}")
        up = matching.LEVELS.index(new) < matching.LEVELS.index(response.level)
        text = (f"{'提升' if up else '降低'}响应级别：{matching.LEVEL_LABELS[response.level]} → "
                f"{matching.LEVEL_LABELS[new]}（{inputs.get('reason', '')}）")
        response.level = new
        log(incident, "response", text, actor)
        if up:
            response.save(update_fields=["level"])
            _tell_departments(create_tasks(response, new, actor), incident)
    elif name == "end":
        response.ended_at = timezone.now()
        log(incident, "response", f"终止《{response.plan.name}》应急响应（{inputs.get('reason', '')}）", actor)


def task_changed(task: Task, name: str, after: str, inputs: dict, actor) -> None:
    what = inputs.get("comment") or inputs.get("reason") or ""
    photos = len(inputs.get("photos", []))
    log(task.incident, "task", f"{task.responsible}：{task.title} — {TASK_LABELS.get(name, name)}"
                               f"{'：' + what if what else ''}{f'（照片 {photos} 张）' if photos else ''}", actor)
    if after == "blocked":
        notify(users_responsible_for(task.incident, WATCHERS), f"任务受阻：{task.title}", body=what,
               url=incident_url(task.incident), level=NotificationLevel.URGENT,
               key=f"task-{task.pk}-blocked-{timezone.now():%H%M%S}")


TASK_LABELS = {"accept": "已接收", "start": "开始执行", "complete": "已完成", "block": "受阻"}


def add_message(user, incident: Incident, kind: str, text: str) -> TimelineEntry:
    if kind not in ("message", "decision", "dispatch"):
        raise ValidationError({"kind": "类别无效"})
    if not text.strip():
        raise ValidationError({"text": "请填写内容"})
    if not can(user, "change", Incident):
        raise PermissionDenied("您的角色不能在事件时间线上记录")
    if not in_scope(user, incident):
        raise PermissionDenied("该事件不在您的管辖范围内")
    return log(incident, kind, text.strip(), user)


def dispatch_team(user, incident: Incident, team, minutes: float | None = None) -> TeamDispatch:
    """调派队伍 from the situation map: a dispatch record (en route, with the expected arrival) — which
    makes the team 出动, so it is no longer offered — and the order on the timeline. A team already out
    on an open dispatch is refused (the view answers 409), whatever its record's readiness says."""
    if not is_commander(user):
        raise PermissionDenied("只有局领导和值班员可以调派队伍")
    if not in_scope(user, incident):
        raise PermissionDenied("该事件不在您的管辖范围内")
    from yingji.resources.models import Team

    with transaction.atomic(), set_actor(user):
        # Incident first, then team (the order every path takes): two commanders sending the same team
        # at once are served one after the other, and the second finds it 出动.
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.state not in ("received", "responding"):
            raise Conflict(f"事件已{locked.get_state_display()}，不能调派队伍")
        member = Team.objects.select_for_update().get(pk=team.pk)
        refused = f"{member.name}已出动，不能重复调派"
        if member.dispatch_out() is not None:
            raise Conflict(refused)
        try:
            with transaction.atomic():  # the constraint one_open_dispatch_per_team is the backstop
                # Saving the dispatch sets the team 出动 (TeamDispatch.save → Team.follow_dispatches).
                sent = TeamDispatch.objects.create(incident=locked, team=member, dispatched_by=user,
                                                   eta_minutes=round(minutes) if minutes is not None else None)
        except IntegrityError:
            raise Conflict(refused) from None
        eta = f"，预计 {minutes:.0f} 分钟到达" if minutes is not None else ""
        log(locked, "dispatch", f"调派{member.name}（{member.get_kind_display()}，{member.members} 人）赶赴现场{eta}",
            user)
    team.refresh_from_db()
    return sent


def dispatch_changed(sent: TeamDispatch, name: str, actor) -> None:
    """到达: stamped and logged; 撤离: stamped and logged — saving the withdrawn dispatch puts the team
    to 休整 (rest), free to be sent again later."""
    now = timezone.now()
    team = sent.team
    if name == "arrive":
        sent.arrived_at = now
        late = ""
        if sent.expected_at and now > sent.expected_at:
            late = f"，比预计晚 {(now - sent.expected_at).total_seconds() / 60:.0f} 分钟"
        log(sent.incident, "dispatch", f"{team.name}到达现场（用时 {(now - sent.dispatched_at).total_seconds() / 60:.0f} "
                                       f"分钟{late}）", actor)
    elif name == "withdraw":
        sent.withdrawn_at = now
        log(sent.incident, "dispatch", f"{team.name}撤离现场，归队休整", actor)
