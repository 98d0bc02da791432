"""The requisition actions, declared once each (page button + API + OpenAPI). 批准 and 撤销 are generated
from workflow.py; 送达, 投入使用, 返还 and 补偿 take more than a comment, so they are declared here under
the transitions' own names and taken through the state machine (services.py)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.moneyfields import WanYuanFormField
from yingji.core.framework.operations import Operation, OperationForm
from yingji.requisition import services
from yingji.requisition.choices import Condition, State
from yingji.requisition.workflow import DRAFTERS, PAYERS, REQUISITION_FLOW

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SLUG = "requisitions"


def _comment():
    return forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ServeForm(OperationForm):
    served_at = forms.DateTimeField(label="送达时间（不填为现在）", required=False, widget=DATETIME)
    served_to = forms.CharField(label="签收人", max_length=64, error_messages={"required": "请填写签收征用通知书的人"})
    comment = _comment()


class StartForm(OperationForm):
    started_at = forms.DateTimeField(label="投入使用时间（不填为现在）", required=False, widget=DATETIME)
    comment = _comment()


class ReturnForm(OperationForm):
    returned_at = forms.DateTimeField(label="返还时间（不填为现在）", required=False, widget=DATETIME)
    condition = forms.ChoiceField(label="返还状况", choices=Condition.choices)
    affected_quantity = forms.DecimalField(label="毁损、灭失或消耗数量（不填为全部）", required=False, min_value=0.01,
                                           max_digits=12, decimal_places=2)
    repair_cost_cny = WanYuanFormField(label="评估修复费用（万元，也可写“3200元”）", required=False)
    damage_note = forms.CharField(label="毁损情况", required=False, max_length=300)
    assessed_by = forms.CharField(label="评估人或评估机构", required=False, max_length=100)
    comment = _comment()


class CompensateForm(OperationForm):
    paid_cny = WanYuanFormField(label="支付金额（万元，也可写“9800元”）", error_messages={"required": "请填写支付金额"})
    paid_on = forms.DateField(label="支付日期", widget=DATE)
    voucher_number = forms.CharField(label="支付凭证号", max_length=40)
    comment = _comment()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None and self.record.compensation_cny is not None:
            self.fields["paid_cny"].initial = self.record.compensation_cny


class UseForm(OperationForm):
    day = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200)
    hours = forms.DecimalField(label="使用时长（小时）", required=False, min_value=0, max_value=24, max_digits=5,
                               decimal_places=1)
    work = forms.CharField(label="作业内容", required=False, max_length=200)


def _in(*states):
    return lambda r: r.state in states


def _page(record, result):
    return reverse("registry_detail", args=[SLUG, record.pk])


def _step(name, form, run, roles, summary, message=None):
    t = REQUISITION_FLOW.transition(name)
    return Operation(SLUG, name.replace("_", "-"), t.label, run, form=form, roles=roles, record_button=True,
                     offered=_in(*t.sources), summary=summary, next_url=_page,
                     message=message or (lambda log: f"已{log.label}：{REQUISITION_FLOW.label(log.to_state)}"),
                     result=lambda log: {"state": log.to_state, "state_label": REQUISITION_FLOW.label(log.to_state)})


def _returned(log):
    from yingji.core.framework import money
    from yingji.requisition.models import Requisition

    r = Requisition.objects.get(pk=log.object_id)
    return f"已返还，应补偿 {money.yuan_text(r.compensation_cny)} 元"


operations.register(
    _step("serve", ServeForm, lambda user, r, **kw: services.serve(user, r, **kw), DRAFTERS,
          "送达征用通知书（送达时间、签收人）；非已批准 409"),
    _step("start_use", StartForm, lambda user, r, **kw: services.start_use(user, r, **kw), DRAFTERS,
          "被征用财产交付并投入使用（时间）；非已送达 409"),
    _step("return_item", ReturnForm, lambda user, r, **kw: services.return_item(user, r, **kw), DRAFTERS,
          "返还被征用财产：返还时间、状况（完好、毁损、灭失、消耗）、评估修复费用和评估人；按本地区补偿规则计算应补偿金额；"
          "非使用中 409", message=_returned),
    _step("compensate", CompensateForm, lambda user, r, **kw: services.compensate(user, r, **kw), PAYERS,
          "登记补偿支付（金额、日期、凭证号；与应补偿金额不同时须在意见中说明）；非已返还 409"),
    Operation(SLUG, "log-use", "登记使用情况", lambda user, r, **kw: services.log_use(user, r, **kw), form=UseForm,
              roles=DRAFTERS, record_button=True, offered=_in(State.SERVED, State.IN_USE),
              summary="登记被征用财产一天的使用（日期、地点、时长、作业内容）；非已送达或使用中 409",
              message=lambda log: f"已登记：{log.day:%Y-%m-%d} {log.place}", next_url=_page,
              result=lambda log: {"id": log.pk}),
)
