"""The response desk's actions, declared once each (core/framework/operations.py): 接报登记, 启动响应, 记一笔
(timeline), 起草报告, 调派队伍. Each is a page action and an API endpoint with the same checks."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Conflict, Operation, OperationForm
from yingji.extraction import services as extraction_services
from yingji.extraction.forms import add_paste_fields, pop_paste
from yingji.incidents import matching, paste, services
from yingji.incidents.models import Incident, Plan, Report
from yingji.incidents.workflow import COMMANDERS

OPEN = ("received", "responding")


def _require_open(incident, what: str):
    if incident.state not in OPEN:
        raise Conflict(f"事件已{incident.get_state_display()}，不能{what}")


# ---- 接报登记 ---------------------------------------------------------------------------------------

def intake_form(data=None, files=None, *, user=None, record=None, initial=None):
    """The registry's own form cut to what a call gives (the intake page and POST /api/incidents/intake/),
    with the source alarm or warning by id."""
    from yingji.incidents.views import intake_form as cut

    form = cut(user or AnonymousUser(), data=data, initial=initial)
    form.fields["alarm"] = forms.IntegerField(required=False, widget=forms.HiddenInput, label="来源报警编号")
    form.fields["warning"] = forms.IntegerField(required=False, widget=forms.HiddenInput, label="来源预警编号")
    form.fields["confirm_place"] = forms.BooleanField(
        required=False, label="确认保存：事发地点与所属单位登记的村社区不同，按所填地点登记",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    add_paste_fields(form)  # 粘贴文字提取: the text the form was filled from (incidents/paste.py)
    return form


def _record_paste(user, incident, text, reference_date):
    """What the officer kept of the values extracted from the pasted text (the bureau's evaluation set)."""
    if not text.strip():
        return
    saved = {t.field: getattr(incident, "direct_loss_cny" if t.field == "direct_loss_wan" else t.field)
             for t in paste.INTAKE.targets}
    labels = {t.field: Incident._meta.get_field("direct_loss_cny" if t.field == "direct_loss_wan" else t.field).verbose_name
              for t in paste.INTAKE.targets}
    extraction_services.record_corrections(user, paste.INTAKE.key, text, saved, region=incident.region,
                                           record=f"{incident.number} {incident.title}", reference_date=reference_date,
                                           labels=labels)


def intake(user, record=None, *, alarm=None, warning=None, confirm_place=False, **fields):
    """接报登记. Where the call's place lies in another village than the enterprise's registered one,
    the officer is warned and confirms (``confirm_place``) instead of being refused: at 3 a.m. the
    caller's place is what counts, and nothing typed is lost (the form comes back with the warning)."""
    pasted, reference_date = pop_paste(fields)
    fields["direct_loss_cny"] = fields.pop("direct_loss_wan", None)  # cleaned to yuan by its form field
    incident = Incident(**{k: v for k, v in fields.items() if k in {f.name for f in Incident._meta.fields}})
    incident.alarm_id, incident.warning_id = alarm, warning
    incident.region_mismatch_confirmed = confirm_place
    try:
        created = services.intake_call(user, incident)
    except ValidationError as exc:
        errors = dict(getattr(exc, "error_dict", {}))
        mismatch = [e for e in errors.get("region", []) if getattr(e, "code", None) == "region_mismatch"]
        if not mismatch:
            raise
        errors.pop("region")
        errors["confirm_place"] = [ValidationError(
            f"事发地点所在的{incident.region}与{incident.organization}登记的村社区"
            f"（{incident.organization.region}）不同。请核对；地点无误请勾选“确认保存”后再次提交",
            code="region_mismatch")]
        raise ValidationError(errors) from None
    if confirm_place and created.organization_id and created.organization.region_id != created.region_id:
        services.log(created, "intake", f"事发地点（{created.region}）与{created.organization}登记的村社区"
                                      f"（{created.organization.region}）不同，接报人确认按所填地点登记", user)
    _record_paste(user, created, pasted, reference_date)
    return created


# ---- 启动响应 ---------------------------------------------------------------------------------------

class ActivateForm(OperationForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label="预案")
    level = forms.ChoiceField(choices=list(matching.LEVEL_LABELS.items()), label="响应级别")
    reason = forms.CharField(required=False, max_length=300, label="启动理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.fields["plan"].queryset = Plan.objects.for_user(self.user)


def activate(user, incident, *, plan, level, reason=""):
    _require_open(incident, "启动响应")
    return services.activate(user, incident, plan, level, reason.strip())


# ---- 记一笔 (timeline) -------------------------------------------------------------------------------

class EntryForm(OperationForm):
    kind = forms.ChoiceField(choices=[("message", "消息"), ("decision", "决策"), ("dispatch", "调度")],
                             initial="message", label="类别")
    text = forms.CharField(max_length=2000, label="内容", widget=forms.Textarea(attrs={"rows": 3}))


def add_entry(user, incident, *, kind, text):
    return services.add_message(user, incident, kind, text)


# ---- 起草报告 ---------------------------------------------------------------------------------------

class DraftForm(OperationForm):
    kind = forms.ChoiceField(choices=[("", "按事件进展")] + list(Report._meta.get_field("kind").choices), required=False,
                             label="报告类别")


def draft_report(user, incident, *, kind=""):
    return services.draft_report(user, incident, kind or None)


# ---- 调派队伍 ---------------------------------------------------------------------------------------

class DispatchForm(OperationForm):
    team = forms.ModelChoiceField(queryset=None, label="队伍")
    minutes = forms.FloatField(required=False, min_value=0, max_value=24 * 60, label="预计到达（分钟）")

    def __init__(self, *args, **kwargs):
        from yingji.resources.models import Team

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_user(self.user) if self.user else Team.objects.none()


def dispatch_team(user, incident, *, team, minutes=None):
    _require_open(incident, "调派队伍")
    return services.dispatch_team(user, incident, team, minutes)


def _desk(incident, result=None, anchor=""):
    return reverse("incident_desk", args=[incident.pk]) + anchor


operations.register(
    Operation("incidents", "intake", "接报登记", intake, form=intake_form, detail=False, permission="add",
              summary="接报登记：事件类型、地点（坐标或含乡镇村名的地址）、伤亡与经过；自动定级并起算报送时限",
              message=lambda i: f"已接报登记 {i.number}：{i.grade_label}",
              next_url=lambda record, incident: _desk(incident),
              result=lambda i: {"number": i.number, "grade": i.grade_label, "url": _desk(i)}),
    Operation("incidents", "activate", "启动响应", activate, form=ActivateForm, roles=COMMANDERS,
              summary="按预案启动应急响应：预案该级别的任务清单生成任务并通知责任单位",
              message=lambda r: f"已启动《{r.plan.name}》{r.get_level_display()}，生成任务 {r.tasks.count()} 项",
              next_url=lambda incident, r: _desk(incident, anchor="#response"),
              result=lambda r: {"response": r.pk, "level": r.level, "tasks": r.tasks.count()}),
    Operation("incidents", "add-entry", "记一笔", add_entry, form=EntryForm,
              summary="在事件时间线上记一笔：消息、指挥部决策或调度情况",
              message=lambda e: "已记入时间线", next_url=lambda incident, e: _desk(incident, anchor="#timeline")),
    Operation("incidents", "draft-report", "起草报告", draft_report, form=DraftForm, permission="incidents.add_report",
              summary="按事件最新情况起草初报/续报/终报（草稿，核对补全后报送）",
              message=lambda r: f"已按事件最新情况起草{r.get_kind_display()}，请核对补全后报送",
              next_url=lambda incident, r: reverse("registry_edit", args=["reports", r.pk]),
              result=lambda r: {"kind": r.kind, "url": reverse("registry_edit", args=["reports", r.pk])}),
    Operation("incidents", "dispatch-team", "调派队伍", dispatch_team, form=DispatchForm, roles=COMMANDERS,
              summary="调派救援队伍赶赴现场（队伍状态转为出动，时间线记录）",
              message=lambda sent: f"已调派{sent.team.name}",
              next_url=lambda incident, sent: reverse("incident_map", args=[incident.pk]),
              result=lambda sent: {"team": sent.team_id, "text": f"调派{sent.team.name}"}),
)
