"""The papers of an on-site check, declared once each (page button + API + OpenAPI): 制作现场检查记录,
责令限期整改, 现场处理措施 (on the check), 整改复查 and 登记送达 (on the paper); and the papers' registry."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.supervision import casedocs, caseservices, checkpapers
from yingji.supervision.caseoperations import ServiceForm
from yingji.supervision.checkpapermodels import CheckPaper
from yingji.supervision.choices import Measure, PaperKind, ReviewResult
from yingji.supervision.models import Finding
from yingji.supervision.workflow import INSPECTORS

DATE = forms.DateInput(attrs={"type": "date"})

register(Registry(
    model=CheckPaper, slug="check-papers", menu_group="监管执法", icon="📝",
    list_fields=["number", "kind", "inspection", "organization", "issued_at", "deadline", "served_at"],
    search_fields=["number", "served_to"],
    filter_fields=["kind", "inspection", "organization", "served_method"],
    natural_key=("number",),
    select_related=("inspection__organization", "region", "organization", "issued_by", "order"),
    append_only=True,  # made by the check's operations; 送达 is recorded by its operation
    summary=casedocs.summary, summarised_fields=("content",),  # the paper's words, not its JSON
    documents={
        "paper": RecordDocument("文书", checkpapers.paper_bytes,
                                filename=lambda d: f"{d.get_kind_display()}-{d.number}.docx"),
        "receipt": RecordDocument("送达回执", casedocs.service_receipt, available=lambda d: d.served_at is not None,
                                  filename=lambda d: f"送达回执-{d.number}.docx"),
    },
    description="现场检查文书：现场检查记录、责令限期整改指令书、整改复查意见书、现场处理措施决定书；按种类和年度编号，"
                "指令书和决定书登记送达。",
))


class _FindingsForm(OperationForm):
    findings = forms.ModelMultipleChoiceField(Finding.objects.none(), label="发现的问题",
                                              widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": "请选择本次检查发现的问题"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["findings"].queryset = self.record.findings.order_by("pk")
            self.fields["findings"].initial = list(self.record.findings.filter(hazard__isnull=True)
                                                   .values_list("pk", flat=True))


class RecordForm(OperationForm):
    place = forms.CharField(label="检查场所", max_length=200, help_text="如：生产车间、储罐区、仓库")
    present = forms.CharField(label="被检查单位现场负责人", max_length=64)
    recorder = forms.CharField(label="记录人（不填为本人）", max_length=32, required=False)


class RectifyForm(_FindingsForm):
    deadline = forms.DateField(label="整改期限", widget=DATE)
    note = forms.CharField(label="其他要求", max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MeasuresForm(_FindingsForm):
    measures = forms.MultipleChoiceField(label="现场处理措施", choices=Measure.choices, widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "请选择现场处理措施"})
    scope = forms.CharField(label="措施范围", max_length=200, help_text="如：二号储罐区及其输送管线")
    until = forms.CharField(label="解除条件（不填按法定表述）", max_length=200, required=False)


class ReviewForm(OperationForm):
    result = forms.ChoiceField(label="复查结论", choices=ReviewResult.choices)
    opinion = forms.CharField(label="复查意见", widget=forms.Textarea(attrs={"rows": 3}))
    reviewed_on = forms.DateField(label="复查日期（不填为今天）", required=False, widget=DATE)


def _on_site_or_done(inspection):
    return inspection.state in checkpapers.ON_SITE_OR_DONE


def _paper_page(record, paper):
    return reverse("registry_detail", args=["check-papers", paper.pk])


def _made(paper):
    return f"已制作{paper.get_kind_display()} {paper.number}"


def _result(paper):
    return {"id": paper.pk, "number": paper.number, "kind": paper.kind,
            "url": reverse("registry_document", args=["check-papers", paper.pk, "paper"])}


operations.register(
    Operation("inspections", "make-record", "制作现场检查记录", checkpapers.make_record, form=RecordForm, roles=INSPECTORS,
              record_button=True, offered=lambda i: _on_site_or_done(i) and not i.papers.filter(kind=PaperKind.RECORD).exists(),
              summary="制作现场检查记录（检查时间、场所、检查人员及执法证号、逐项检查结果、发现的问题及处理情况），"
                      "每次检查一份；须有两名以上检查人员",
              message=_made, next_url=_paper_page, result=_result),
    Operation("inspections", "order-rectification", "责令限期整改", checkpapers.order_rectification, form=RectifyForm,
              roles=INSPECTORS, record_button=True, offered=lambda i: _on_site_or_done(i) and i.findings.exists(),
              summary="对本次检查发现的问题制作责令限期整改指令书（按年度编号，须送达）；整改期限应晚于今天",
              message=_made, next_url=_paper_page, result=_result),
    Operation("inspections", "onsite-measures", "现场处理措施", checkpapers.onsite_measures, form=MeasuresForm,
              roles=INSPECTORS, record_button=True, offered=lambda i: _on_site_or_done(i) and i.findings.exists(),
              summary="重大事故隐患排除前或排除过程中无法保证安全的，制作现场处理措施决定书（撤出作业人员、暂时停产停业、"
                      "停止使用相关设施设备；安全生产法第六十五条第一款第三项）",
              message=_made, next_url=_paper_page, result=_result),
    Operation("check-papers", "review", "整改复查", checkpapers.review, form=ReviewForm, roles=INSPECTORS,
              record_button=True, offered=lambda p: p.kind == PaperKind.RECTIFY and not p.reviews.exists(),
              summary="复查责令限期整改指令书的整改情况，制作整改复查意见书（每份指令书一次；期限未到不能认定逾期未整改）",
              message=_made, next_url=_paper_page, result=_result),
    Operation("check-papers", "record-service", "登记送达", lambda user, paper, *, served_method, **kw:
              caseservices.record_service(user, paper, method=served_method, **kw), form=ServiceForm, roles=INSPECTORS,
              offered=lambda p: p.served_to_party and p.served_at is None, record_button=True,
              summary="登记检查文书（指令书、复查意见书、现场处理措施决定书）的送达；每份只登记一次，已送达 409",
              message=lambda p: f"已登记送达：{p.number}", result=lambda p: {"id": p.pk, "served_at": p.served_at}),
)
