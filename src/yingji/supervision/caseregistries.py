"""Registries of the enforcement half: cases, their papers (append-only), a jurisdiction's clocks."""

from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.supervision import casedocs
from yingji.supervision.casechoices import CaseState
from yingji.supervision.caseflow import CASE_FLOW
from yingji.supervision.casemodels import CaseDocument, CaseRule, EnforcementCase

register(Registry(
    model=EnforcementCase, slug="enforcement-cases", menu_group="监管执法", icon="⚖",
    list_fields=["number", "cause", "party_name", "state", "fine_cny", "filed_on", "decided_on", "region"],
    search_fields=["number", "cause", "party_name", "facts"],
    filter_fields=["state", "party_kind", "organization", "region"],
    natural_key=("number",),
    form_fields=["cause", "party_kind", "organization", "party_name", "party_code", "party_representative",
                 "party_address", "region", "facts", "other_penalty", "complex_case"],
    select_related=("organization", "region", "filed_by"),
    workflow=CASE_FLOW,
    allow_create=False,  # 立案 (the open-case operation) numbers the case and makes its 立案审批表
    locked_states=frozenset(set(CaseState.values) - {CaseState.FILED, CaseState.INVESTIGATING}),
    secret_fields=(),
    documents={"case-file": RecordDocument("行政处罚案卷", casedocs.case_file,
                                           filename=lambda c: f"案卷-{c.number}.docx")},
    description="执法案件：立案 → 调查取证 → 告知（陈述申辩/听证）→ 法制审核（达到门槛时）→ 集体讨论（需要时）→ 决定 → "
                "执行 → 结案；每一步和每份文书都留痕。",
))

register(Registry(
    model=CaseDocument, slug="case-documents", menu_group="监管执法", icon="📄",
    list_fields=["number", "kind", "case", "issued_at", "served_method", "served_at", "served_to"],
    search_fields=["number", "served_to"],
    filter_fields=["kind", "case", "served_method"],
    natural_key=("number",),
    select_related=("case", "region", "organization", "issued_by"),
    append_only=True,  # papers are made by the case's steps and operations; 送达 is recorded by its operation
    summary=casedocs.summary, summarised_fields=("content",),  # the paper's words, not its JSON
    documents={
        "paper": RecordDocument("文书", casedocs.paper, filename=lambda d: f"{d.get_kind_display()}-{d.number}.docx"),
        "receipt": RecordDocument("送达回执", casedocs.service_receipt, available=lambda d: d.served_at is not None,
                                  filename=lambda d: f"送达回执-{d.number}.docx"),
    },
    description="执法文书：按种类和年度编号；告知书、听证告知书和决定书登记送达方式、时间、受送达人和回执。",
))

register(Registry(
    model=CaseRule, slug="case-rules", menu_group="监管执法", icon="⏱",
    list_fields=["key", "value", "region", "source", "article", "effective", "confirmed"],
    search_fields=["key", "source", "note"],
    filter_fields=["key", "region", "confirmed"],
    natural_key=("id",),  # one per region and key (a constraint); an import names a row by its 编号
    select_related=("region",),
    example={"key": "decision_days"},
    description="本地的执法时限与门槛（法制审核、集体讨论、听证的罚款数额，决定期限等）；未设置的按全国默认"
                "（每项注明依据文件和条款）。",
))
