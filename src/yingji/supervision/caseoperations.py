"""The case actions, declared once each: 立案, 裁量, 询问笔录, 陈述申辩笔录, 送达 (the workflow's own steps
are generated from caseflow.py)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.moneyfields import WanYuanFormField
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.models import Organization, Region
from yingji.supervision import caseservices
from yingji.supervision.casechoices import CaseState, PartyKind, ServiceMethod
from yingji.supervision.models import Finding

HANDLERS = ("admin", "staff")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _to_case(record, result):
    case = getattr(result, "case", result)
    return reverse("registry_detail", args=["enforcement-cases", case.pk])


# ---- 立案 ---------------------------------------------------------------------------------------
class OpenCaseForm(OperationForm):
    """立案, also from a finding of an on-site check (its page links here with ?finding=<id>: the party,
    the region and the facts come from the finding)."""

    finding = forms.ModelChoiceField(Finding.objects.none(), label="来源：检查发现问题", required=False)
    cause = forms.CharField(label="案由", max_length=200)
    party_kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices, initial=PartyKind.UNIT)
    organization = forms.ModelChoiceField(Organization.objects.none(), label="当事人单位", required=False)
    party_name = forms.CharField(label="当事人（个人姓名；单位可不填）", max_length=100, required=False)
    party_code = forms.CharField(label="统一社会信用代码/身份证号码", max_length=18, required=False)
    region = forms.ModelChoiceField(Region.objects.none(), label="所属区划", required=False,
                                    help_text="不填时取当事人单位的区划")
    facts = forms.CharField(label="简要案情", widget=forms.Textarea(attrs={"rows": 4}))
    opinion = forms.CharField(label="承办人意见", max_length=500, required=False, initial="建议立案调查")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.fields["organization"].queryset = Organization.objects.for_user(self.user).order_by("name")
            self.fields["region"].queryset = Region.objects.for_user(self.user).order_by("path")
            self.fields["finding"].queryset = Finding.objects.for_user(self.user).filter(case__isnull=True)
        finding = self._finding()
        if finding is not None:  # prefill from the finding the on-site page names
            self.initial.setdefault("cause", f"{finding.description[:80]}案")
            self.initial.setdefault("facts", finding.description)
            if finding.organization_id:
                self.initial.setdefault("organization", finding.organization_id)

    def _finding(self):
        pk = (self.initial or {}).get("finding")
        if not pk or self.user is None:
            return None
        return Finding.objects.for_user(self.user).filter(pk=pk).select_related("organization").first()

    def clean(self):
        data = super().clean()
        if data.get("finding") is not None:
            return data  # the party and the region are the finding's
        if not data.get("organization") and not data.get("party_name"):
            self.add_error("party_name", "请选择当事人单位或填写当事人")
        if not data.get("organization") and not data.get("region"):
            self.add_error("region", "当事人不是平台登记的单位时须选择所属区划")
        return data


def open_case(user, *, cause, party_kind, organization=None, party_name="", party_code="", region=None, facts,
              opinion="", finding=None):
    if finding is not None:
        return caseservices.open_case_from_finding(finding, user, cause=cause, facts=facts, opinion=opinion)
    return caseservices.open_case(user, cause=cause, facts=facts, region=region or organization.region,
                                  organization=organization, party_kind=party_kind, party_name=party_name,
                                  party_code=party_code, opinion=opinion)


# ---- 裁量 ---------------------------------------------------------------------------------------
def _questions():
    """Every question of the table once, with the 处罚依据 of the entries that ask it."""
    seen, used_by = {}, {}
    for entry in caseservices.discretion_entries().values():
        for q in entry.questions:
            seen.setdefault(q.key, q)
            used_by.setdefault(q.key, []).append(entry.penalty_basis.split("；")[0])
    return {key: (q, used_by[key]) for key, q in seen.items()}


class DiscretionForm(OperationForm):
    """The 违法行为 and the answers to its 适用条件; the fine typed in 万元 or with its unit (元)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entries = caseservices.discretion_entries()
        self.fields["entry"] = forms.ChoiceField(
            label="违法行为（裁量基准条目）", choices=[("", "——请选择——")] + [
                (code, f"{e.violation}（{e.penalty_basis}）") for code, e in entries.items()])
        for key, (q, used_by) in _questions().items():
            label = f"{q.label}（{q.unit}）" if q.unit else q.label
            self.fields[f"q_{key}"] = (forms.ChoiceField(label=label, required=False,
                                                         choices=[("", "——"), ("是", "是"), ("否", "否")])
                                       if q.kind == "bool" else forms.CharField(label=label, required=False, max_length=30))
            self.fields[f"q_{key}"].help_text = f"适用于：{'、'.join(used_by)}；其他违法行为不必回答"
        self.fields["fine_cny"] = WanYuanFormField(label="罚款（万元）", required=False,
                                                   help_text="单位万元，也可注明单位，如“20000元”；须在裁量阶次的幅度内")
        self.fields["other_penalty"] = forms.CharField(label="其他处罚", max_length=200, required=False,
                                                       help_text="如：警告；责令停产停业整顿")
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")


def set_discretion(user, case, *, entry, fine_cny=None, other_penalty="", **answers):
    picked = caseservices.discretion_entries()[entry] if entry in caseservices.discretion_entries() else None
    wanted = {q.key for q in picked.questions} if picked else set()
    given = {k[2:]: v for k, v in answers.items() if k.startswith("q_") and k[2:] in wanted}
    return caseservices.set_discretion(user, case, entry=entry, answers=given, fine_cny=fine_cny,
                                       other_penalty=other_penalty)


# ---- papers of the investigation and of the hearing of the party ------------------------------
class InterviewForm(OperationForm):
    person = forms.CharField(label="被询问人", max_length=32)
    position = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    place = forms.CharField(label="询问地点", max_length=100)
    record = forms.CharField(label="问答记录", widget=forms.Textarea(attrs={"rows": 8}),
                             help_text="一问一答，每行一句，如“问：……”“答：……”")


class StatementForm(OperationForm):
    statement = forms.CharField(label="陈述申辩内容", widget=forms.Textarea(attrs={"rows": 6}))
    hearing_requested = forms.BooleanField(label="当事人要求听证", required=False)


class HearingSummonsForm(OperationForm):
    held_at = forms.DateTimeField(label="听证时间", widget=DATETIME, help_text="须在举行听证的七日前通知当事人（本地可另设）")
    place = forms.CharField(label="听证地点", max_length=200)
    host = forms.CharField(label="主持人", max_length=32, help_text="由非本案调查人员主持")


class HearingRecordForm(OperationForm):
    host = forms.CharField(label="主持人", max_length=32)
    participants = forms.CharField(label="参加人员", max_length=300, help_text="调查人员、当事人及其代理人、书记员等")
    record = forms.CharField(label="听证经过", widget=forms.Textarea(attrs={"rows": 8}),
                             help_text="调查人员提出的事实、证据和处罚建议，当事人的申辩和质证，最后陈述")
    party_absent = forms.BooleanField(label="当事人无正当理由未到场（视为放弃听证权利）", required=False)


class HearingReportForm(OperationForm):
    findings = forms.CharField(label="听证认定的事实", widget=forms.Textarea(attrs={"rows": 4}))
    opinion = forms.CharField(label="主持人意见", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="对拟作出处罚的意见：维持、变更或不予处罚，及理由")


def _hearing(case):
    return case.state == CaseState.NOTIFIED and case.hearing_requested


class ServiceForm(OperationForm):
    served_method = forms.ChoiceField(label="送达方式", choices=ServiceMethod.choices)
    served_at = forms.DateTimeField(label="送达时间", widget=DATETIME)
    served_to = forms.CharField(label="受送达人", max_length=64)
    served_by = forms.CharField(label="送达人", max_length=64)
    receipt = forms.CharField(label="回执情况", max_length=200,
                              help_text="签收人及签收情况；留置送达写明见证人；邮寄送达写明邮件号")


def _in(*states):
    return lambda case: case.state in states


operations.register(
    Operation("enforcement-cases", "open-case", "立案", open_case, form=OpenCaseForm, detail=False, permission="change",
              roles=HANDLERS, summary="立案：生成案件编号和立案审批表（按年度连续编号）",
              message=lambda c: f"已立案：{c.number}", next_url=_to_case,
              result=lambda c: {"id": c.pk, "number": c.number}),
    Operation("enforcement-cases", "set-discretion", "裁量", set_discretion, form=DiscretionForm, roles=HANDLERS,
              summary="选择违法行为、回答适用条件，得出裁量阶次和罚款幅度并核对拟罚款数额；告知后 409",
              offered=_in(CaseState.FILED, CaseState.INVESTIGATING), record_button=True,
              message=lambda d: f"裁量阶次：{d['tier']}；{d['citation']}",
              result=lambda d: {"tier": d["tier"], "citation": d["citation"], "reasons": d["reasons"]}),
    Operation("enforcement-cases", "record-interview", "制作询问笔录", lambda user, case, **kw:
              caseservices.record_interview(user, case, **kw), form=InterviewForm, roles=HANDLERS,
              offered=_in(CaseState.INVESTIGATING), record_button=True, summary="调查取证：制作询问笔录（编号）",
              message=lambda d: f"已制作询问笔录 {d.number}", result=lambda d: {"id": d.pk, "number": d.number}),
    Operation("enforcement-cases", "record-statement", "制作陈述申辩笔录", lambda user, case, **kw:
              caseservices.record_statement(user, case, **kw), form=StatementForm, roles=HANDLERS,
              offered=_in(CaseState.NOTIFIED), record_button=True, summary="告知后听取当事人陈述申辩（可登记听证要求）",
              message=lambda d: f"已制作陈述申辩笔录 {d.number}", result=lambda d: {"id": d.pk, "number": d.number}),
    Operation("enforcement-cases", "schedule-hearing", "通知听证", caseservices.schedule_hearing, form=HearingSummonsForm,
              roles=HANDLERS, offered=_hearing, record_button=True,
              summary="当事人要求听证的，制作听证通知书（听证时间须在通知七日后，主持人非本案调查人员）；须送达",
              message=lambda d: f"已制作听证通知书 {d.number}", result=lambda d: {"id": d.pk, "number": d.number}),
    Operation("enforcement-cases", "record-hearing", "制作听证笔录", caseservices.record_hearing, form=HearingRecordForm,
              roles=HANDLERS, offered=_hearing, record_button=True,
              summary="举行听证后制作听证笔录（通知的听证时间之后）；当事人无正当理由未到场的如实记录",
              message=lambda d: f"已制作听证笔录 {d.number}", result=lambda d: {"id": d.pk, "number": d.number}),
    Operation("enforcement-cases", "hearing-report", "制作听证报告", caseservices.hearing_report, form=HearingReportForm,
              roles=HANDLERS, offered=_hearing, record_button=True,
              summary="主持人根据听证笔录制作听证报告；当事人要求听证的案件，有听证报告后才能作出决定",
              message=lambda d: f"已制作听证报告 {d.number}", result=lambda d: {"id": d.pk, "number": d.number}),
    Operation("case-documents", "record-service", "登记送达", lambda user, doc, *, served_method, **kw:
              caseservices.record_service(user, doc, method=served_method, **kw), form=ServiceForm, roles=HANDLERS,
              offered=lambda d: d.served_to_party and d.served_at is None, record_button=True,
              summary="登记文书的送达方式、时间、受送达人、送达人和回执；每份文书只登记一次，已送达 409",
              message=lambda d: f"已登记送达：{d.number}", result=lambda d: {"id": d.pk, "served_at": d.served_at}),
)
