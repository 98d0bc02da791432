"""The credit actions, declared once each (page button + API + OpenAPI). 决定列入, 不予列入, 公布, the
objection's two outcomes and the removal review's three steps are generated from workflow.py; 告知,
登记陈述申辩, 登记异议 and 受理提前移出申请 take more than a comment and are declared here (告知 and 登记异议
under their transitions' own names, taken through the state machine in services.py). 运行列入规则 runs the
rules now over the user's scope (the job does it every day)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.credit import rules, services
from yingji.credit.choices import ListingState
from yingji.credit.workflow import HANDLERS

DATE = forms.DateInput(attrs={"type": "date"})
SLUG = "credit-listings"


def _comment():
    return forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NotifyForm(OperationForm):
    issuer = forms.CharField(label="决定机关（不填为本县应急管理局）", required=False, max_length=100)
    principal_name = forms.CharField(label="主要负责人", required=False, max_length=32)
    comment = _comment()


class StatementForm(OperationForm):
    statement = forms.CharField(label="陈述申辩意见", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": "请填写当事人的陈述申辩意见（放弃的写明“放弃陈述申辩”）"})
    stated_on = forms.DateField(label="陈述申辩日期（不填为今天）", required=False, widget=DATE)


class ObjectionForm(OperationForm):
    objection = forms.CharField(label="异议内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": "请填写异议内容"})
    comment = _comment()


class RemovalForm(OperationForm):
    evidence = forms.CharField(label="证据材料（逐项列明；扫描件可作为附件上传）", max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请列明证据材料"})
    applied_on = forms.DateField(label="申请日期（不填为今天）", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for c in rules.removal_conditions():
            self.fields[c["key"]] = forms.BooleanField(label=c["label"], required=False)

    def clean(self):
        data = super().clean()
        data["conditions"] = {c["key"]: bool(data.pop(c["key"], False)) for c in rules.removal_conditions()}
        return data


class RunForm(OperationForm):
    pass


def _in(*states):
    return lambda r: r.state in states


def _page(record, result):
    return reverse("registry_detail", args=[SLUG, record.pk])


def _state(log):
    from yingji.credit.workflow import LISTING_FLOW

    return {"state": log.to_state, "state_label": LISTING_FLOW.label(log.to_state)}


def _proposed(rows):
    return f"已运行列入规则：新提出 {len(rows)} 条列入建议" if rows else "已运行列入规则：没有新的列入建议"


operations.register(
    Operation(SLUG, "notify", "告知", lambda user, r, **kw: services.notify(user, r, **kw), form=NotifyForm, roles=HANDLERS,
              record_button=True, offered=_in(ListingState.PROPOSED), next_url=_page, result=_state,
              summary="告知当事人拟列入的事由、依据和陈述申辩的权利（制作告知书、起算陈述申辩期）；非拟列入 409",
              message=lambda log: "已告知：陈述申辩期内可登记当事人的意见"),
    Operation(SLUG, "record-statement", "登记陈述申辩", lambda user, r, **kw: services.record_statement(user, r, **kw),
              form=StatementForm, roles=HANDLERS, record_button=True, offered=_in(ListingState.NOTIFIED), next_url=_page,
              summary="登记当事人的陈述申辩意见（登记后即可决定）；非已告知 409",
              message=lambda r: "已登记陈述申辩意见", result=lambda r: {"statement_on": r.statement_on.isoformat()}),
    Operation(SLUG, "object", "登记异议", lambda user, r, **kw: services.object_to(user, r, **kw), form=ObjectionForm,
              roles=HANDLERS, record_button=True, offered=_in(ListingState.PUBLISHED), next_url=_page, result=_state,
              summary="登记当事人对公布信息的异议，名单进入异议核查；非已公布 409",
              message=lambda log: "已登记异议，待核查"),
    Operation(SLUG, "apply-removal", "受理提前移出申请", lambda user, r, **kw: services.apply_removal(user, r, **kw),
              form=RemovalForm, roles=HANDLERS, record_button=True, offered=_in(ListingState.PUBLISHED),
              next_url=lambda r, app: reverse("registry_detail", args=["credit-removals", app.pk]),
              summary="受理提前移出（信用修复）申请：列入满12个月、逐项满足条件并列明证据；未满12个月或非已公布 409",
              message=lambda app: "已受理提前移出申请，待审核", result=lambda app: {"id": app.pk}),
    Operation(SLUG, "run-rules", "运行列入规则", lambda user, **kw: services.propose(user), form=RunForm, detail=False,
              permission="add", roles=HANDLERS,
              summary="按《安全生产严重失信主体名单管理办法》的列入情形核查本辖区的事故和执法案件，提出列入建议（由人决定）",
              message=_proposed, next_url=lambda r, rows: reverse("registry_list", args=[SLUG]),
              result=lambda rows: {"proposed": [r.pk for r in rows]}),
)
