"""The declarations' actions, declared once each (page button + API + OpenAPI): 转为灾情 and 转为事件; 不予采纳
is generated from workflow.py."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.declarations import services
from yingji.declarations.choices import State
from yingji.declarations.workflow import DISASTER_ENTRY, HANDLERS
from yingji.disasters.choices import EventState
from yingji.disasters.models import DisasterEvent
from yingji.incidents import event_types

GROUP_LABEL = "同组疑似重复的申报一并处理（同一损失只计一次）"


class ToDisasterForm(OperationForm):
    event = forms.ModelChoiceField(DisasterEvent.objects.none(), label="灾情事件",
                                   help_text="申报的数字加入本乡镇在该事件当前一报的填报（草稿），核对后照常提交",
                                   error_messages={"required": "请选择灾情事件", "invalid_choice": "请选择可填报的灾情事件"})
    include_group = forms.BooleanField(label=GROUP_LABEL, required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        events = DisasterEvent.objects.exclude(state=EventState.CLOSED).filter(received_from="").order_by("-onset_date")
        self.fields["event"].queryset = events.for_user(self.user) if self.user is not None else events


class ToIncidentForm(OperationForm):
    event_type = forms.ChoiceField(label="事件类型（不选按文字提取）", required=False,
                                   choices=[("", "（按文字提取）")] + event_types.flat_choices())
    title = forms.CharField(label="事件名称（不填自动生成）", max_length=120, required=False)
    include_group = forms.BooleanField(label=GROUP_LABEL, required=False, initial=True)


def _open(d) -> bool:
    return d.state == State.NEW


operations.register(
    Operation("declarations", "to-disaster", "转为灾情",
              lambda user, d, *, event, include_group=False: services.to_disaster(
                  user, d, event=event, include_group=include_group),
              form=ToDisasterForm, roles=DISASTER_ENTRY, record_button=True, offered=_open,
              summary="把申报（及同组疑似重复的申报）的灾情数字加入本乡镇在所选灾情事件当前一报的填报（草稿），"
                      "申报人查询时显示已纳入灾情统计；已处理的申报或该轮不能填报时 409",
              message=lambda report: f"已纳入{report.unit_name}的灾情填报（草稿），请核对后提交",
              next_url=lambda d, report: reverse("registry_detail", args=["disaster-reports", report.pk]),
              result=lambda report: {"report": report.pk, "event": report.event_id}),
    Operation("declarations", "to-incident", "转为事件",
              lambda user, d, *, event_type="", title="", include_group=False: services.to_incident(
                  user, d, event_type=event_type, title=title, include_group=include_group),
              form=ToIncidentForm, roles=HANDLERS, record_button=True, offered=_open,
              summary="按接报登记把申报（及同组疑似重复的申报）登记为突发事件（报告时限、时间轴、值班日志照常），"
                      "申报人查询时显示事件编号；已处理的申报 409",
              message=lambda incident: f"已登记为突发事件 {incident.number}",
              next_url=lambda d, incident: reverse("incident_desk", args=[incident.pk]),
              result=lambda incident: {"incident": incident.pk, "number": incident.number}),
)
