from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.credit import documents, rules
from yingji.credit.models import CreditRating, Listing, RemovalApplication
from yingji.credit.workflow import LISTING_FLOW, REMOVAL_FLOW

GROUP = "监管执法"


def _facts(r) -> list[str]:
    rows = r.facts if isinstance(r.facts, list) else []
    return [f"{f.get('number', '')} {f.get('title', '')}：{f.get('detail', '')}" for f in rows if isinstance(f, dict)]


def _listing_summary(r):
    try:
        rule = rules.rule(r.rule_code)
        case = [f"{rule.item} {rule.wording}", f"依据：{r.article}" + ("" if rule.wording_confirmed else "（文字未核实）")]
    except KeyError:
        case = [r.rule_title, f"依据：{r.article}"]
    out = [("列入情形", case + [f"规则：{r.why}" if r.why else "规则：人工提出"]), ("触发事实", _facts(r) or ["—"])]
    dates = []
    if r.notified_on:
        dates.append(f"告知 {r.notice_number}（{r.notified_on:%Y-%m-%d}），陈述申辩期至 {r.statement_due:%Y-%m-%d}"
                     + (f"；{r.statement_on:%Y-%m-%d} 已陈述申辩" if r.statement_on else ""))
    if r.decided_on:
        from yingji.credit import services

        dates.append(f"决定 {r.decision_number}（{r.decided_on:%Y-%m-%d}），管理期限至 {r.ends_on:%Y-%m-%d}；"
                     f"{services.removal_opens(r):%Y-%m-%d} 起可申请提前移出")
    if dates:
        out.append(("程序", dates))
    return out


def _rating_summary(r):
    reasons = [str(x) for x in r.reasons] if isinstance(r.reasons, list) else []
    return [("信用等级", [f"{r.get_credit_class_display()}（{r.computed_on:%Y-%m-%d} 评定；{r.scheme}，未核实）"]),
            ("理由", reasons or ["—"])]


register(Registry(
    model=Listing, slug="credit-listings", menu_group=GROUP, icon="⚠",
    list_fields=["number", "organization", "rule_title", "state", "notified_on", "decided_on", "ends_on"],
    search_fields=["number", "organization__name", "organization__credit_code", "rule_title"],
    filter_fields=["state", "rule_code", "region"], natural_key=("number",), select_related=("organization", "region"),
    form_fields=["principal_name", "issuer"], allow_create=False, workflow=LISTING_FLOW,
    locked_states=frozenset({"decided", "published", "objection", "removed", "expired", "revoked", "dismissed"}),
    summary=_listing_summary, summarised_fields=("facts",), hidden_fields=("basis_key",),
    example={"rule_code": "accident-major", "facts": []},
    countdown=("statement_due", {"notified"}, "陈述申辩期至"),
    documents={
        "notice": RecordDocument("告知书", documents.notice, available=lambda r: bool(r.notice_number),
                                 filename=lambda r: f"拟列入严重失信主体名单告知书-{r.number}.docx"),
        "decision": RecordDocument("列入决定书", documents.decision, available=lambda r: bool(r.decision_number),
                                   filename=lambda r: f"列入严重失信主体名单决定书-{r.number}.docx"),
    },
    description="安全生产严重失信主体名单：按《安全生产严重失信主体名单管理办法》（应急管理部令第11号）的列入情形，由规则"
                "从事故和执法案件中提出列入建议并列明触发事实；经告知（陈述申辩）、书面决定、公布，管理期3年期满自动移出；"
                "列入满12个月可申请提前移出。",
))
register(Registry(
    model=RemovalApplication, slug="credit-removals", menu_group=GROUP, icon="↩",
    list_fields=["listing", "applied_on", "state", "reviewed_on"], search_fields=["listing__number", "evidence"],
    filter_fields=["state"], natural_key=("id",), select_related=("listing", "listing__organization"),
    allow_create=False, workflow=REMOVAL_FLOW, locked_states=frozenset({"submitted", "approved", "rejected", "revoked"}),
    summary=lambda a: [("条件", [f"{'☑' if isinstance(a.conditions, dict) and a.conditions.get(c['key']) else '☐'} "
                                 f"{c['label']}" for c in rules.removal_conditions()]),
                       ("证据材料", a.evidence.splitlines() or ["—"])],
    example={"conditions": {}},
    summarised_fields=("conditions",),
    description="提前移出申请（信用修复）：列入满12个月后受理，逐项核对条件和证据后同意或不予移出；发现弄虚作假的，"
                "撤销提前移出，恢复列入。",
))
register(Registry(
    model=CreditRating, slug="credit-ratings", menu_group=GROUP, icon="★",
    list_fields=["organization", "credit_class", "computed_on", "reasons"],
    search_fields=["organization__name", "organization__credit_code"], filter_fields=["credit_class", "region"],
    natural_key=("id",), select_related=("organization",), allow_create=False, append_only=True,
    example={"credit_class": "B", "reasons": []},
    summary=_rating_summary, summarised_fields=("reasons",),
    description="企业安全生产信用等级（A/B/C/D）：按分级方案（数据，未核实）由事故、行政处罚、严重失信名单和标准化等级计算，"
                "写明理由；写入检查对象名录库，检查频次规则可按信用等级设定。",
))
