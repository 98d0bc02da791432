"""The alarm board's bulk action, declared once (core/framework/operations.py): 批量确认 / 批量消警 of
the ticked alarms. A collection operation, so the page (the board's form) and the API (POST
/api/alarms/bulk-handle/) are the same; each alarm is taken through its own workflow transition, so
scope (404) and role (403) are checked per alarm, and the whole selection succeeds or nothing changes."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations, workflow
from yingji.core.framework.operations import Operation, OperationForm
from yingji.monitoring.models import Alarm
from yingji.monitoring.workflow import HANDLERS

ACTIONS = [("acknowledge", "确认"), ("clear", "消警")]


class BulkHandleForm(OperationForm):
    alarms = forms.ModelMultipleChoiceField(Alarm.objects.none(), label="报警",
                                            error_messages={"required": "请至少勾选一条报警",
                                                            "invalid_choice": "找不到编号为 %(value)s 的报警，"
                                                                              "或不在您的管辖范围内",
                                                            "invalid_pk_value": "“%(pk)s”不是报警编号"},
                                            help_text="报警编号，可多个")
    action = forms.ChoiceField(label="操作", choices=ACTIONS, help_text="消警须填写处置措施和报警原因")
    measures = forms.CharField(label="处置措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.ChoiceField(label="报警原因", required=False, choices=[("", "请选择"), *Alarm.CAUSES])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:  # only the alarms the user may see are choices: anything else is unknown
            self.fields["alarms"].queryset = Alarm.objects.for_user(self.user).exclude(state="cleared")

    def clean(self):
        data = super().clean()
        if data.get("action") == "clear":
            for name, label in (("measures", "处置措施"), ("cause", "报警原因")):
                if not data.get(name):
                    self.add_error(name, f"批量消警须填写{label}")
        return data


def bulk_handle(user, *, alarms, action, measures="", cause=""):
    """Acknowledge or clear every alarm of ``alarms`` (an alarm still 报警 is acknowledged first when
    cleared); alarms already past the step are left as they are. One transaction (operations.perform)."""
    done = 0
    for alarm in sorted(alarms, key=lambda a: a.pk):
        if action == "acknowledge":
            if alarm.state != "raised":
                continue
            workflow.apply(user, alarm, "acknowledge", comment="批量确认")
        else:
            if alarm.state == "raised":
                workflow.apply(user, alarm, "acknowledge", comment="批量消警")
            alarm.refresh_from_db()
            alarm.measures, alarm.cause = alarm.measures or measures, alarm.cause or cause
            alarm.save(update_fields=["measures", "cause", "updated_at"])
            workflow.apply(user, alarm, "clear", comment="批量消警")
        done += 1
    return {"action": action, "count": done}


operations.register(Operation(
    "alarms", "bulk-handle", "批量确认或消警", bulk_handle, form=BulkHandleForm, detail=False, roles=HANDLERS,
    summary="报警值守台的批量操作：确认或消警所勾选的报警（逐条按管辖范围和角色检查，全部成功才生效）",
    message=lambda r: f"已{dict(ACTIONS)[r['action']]} {r['count']} 条报警",
    next_url=lambda record, r: reverse("monitoring_live"),
    result=lambda r: {"action": r["action"], "count": r["count"]},
))
