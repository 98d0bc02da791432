import datetime
import itertools

from yingji.compliance import rules
from yingji.compliance.models import Alert, Certificate, ComplianceRule, Policy, PreventionVisit, Training, Worker
from yingji.compliance.workflow import ALERT_FLOW
from yingji.core.framework.registry import Registry, register

GROUP = "监管执法"
# Who read ID numbers: the office, and the enterprise that enters its own people. Townships, villages,
# leaders and read-only accounts see them masked.
PERSONAL = ("admin", "staff", "enterprise")
_people = itertools.count(1)


def _next_id_number():  # valid GB 11643 numbers for the generic tests' records
    from yingji.core.directory.codes import id_number_check_char

    first17 = f"43018119850101{next(_people) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _rule_summary(r):
    try:
        base = rules.defaults()[r.key]
    except KeyError:
        return []
    return [("规则", [f"{base.label}：全国默认 {base.value.normalize():f} {base.unit}（{base.citation}）",
                      f"本地区：{r.value.normalize():f} {base.unit}"
                      f"（{r.source}{r.article}{'' if r.confirmed else '，未核实'}）"])]


def _policy_summary(p):
    from yingji.compliance import services

    r = services.rules_for(p.region)
    limit = r["insurance_min_limit_cny"]
    lines = [f"保险期间 {p.starts_on:%Y-%m-%d} 至 {p.ends_on:%Y-%m-%d}；投保 {p.insured_headcount} 人"
             + (f"，从业人数 {p.organization.employees} 人" if p.organization.employees is not None else ""),
             f"每人死亡伤残责任限额 {p.limit_cny / 10000:g} 万元；下限 {limit.value / 10000:g} 万元（{limit.citation}）"]
    s = services.sector(p.organization)
    lines.append(f"行业：{s.label}（应当投保）" if s else "行业：非强制投保行业")
    return [("保单", lines)]


def _cert_summary(c):
    lines = [f"{c.worker.name}（{c.worker.get_post_display()}）{c.operation}",
             f"发证 {c.issued_on:%Y-%m-%d}，有效期至 {c.expires_on:%Y-%m-%d}" if c.expires_on else "",
             f"应复审 {c.review_due:%Y-%m-%d}" if c.review_due else "", f"状态：{c.get_status_display()}"]
    return [("证书", [x for x in lines if x])]


register(Registry(
    model=Policy, slug="safety-policies", menu_group=GROUP, icon="☂",
    list_fields=["organization", "insurer", "number", "starts_on", "ends_on", "insured_headcount", "limit_cny"],
    search_fields=["number", "insurer", "organization__name", "organization__credit_code"],
    filter_fields=["region", "insurer"], natural_key=("number",), select_related=("organization", "region"),
    form_fields=["organization", "insurer", "number", "starts_on", "ends_on", "insured_headcount", "limit_cny",
                 "premium_cny", "note"],
    example={"starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31), "insured_headcount": 50,
             "limit_cny": 400000},
    summary=_policy_summary,
    description="安全生产责任保险（应急〔2025〕27号）：矿山、危险化学品、烟花爆竹、交通运输、建筑施工、民用爆炸物品、金属冶炼、"
                "渔业生产等高危行业、领域单位应当投保；每人死亡伤残责任限额不低于40万元（或本地区下限），覆盖全体从业人员。"
                "企业安全管理人员登记本企业保单，核查规则提示未投保、限额不足、人数不足和即将到期。",
))
register(Registry(
    model=PreventionVisit, slug="prevention-visits", menu_group=GROUP, icon="⛑",
    list_fields=["policy", "visited_on", "provider", "content", "problems"],
    search_fields=["provider", "content", "policy__number"], filter_fields=["policy"],
    natural_key=("id",), select_related=("policy", "policy__organization"),
    description="保险机构为投保单位提供的事故预防技术服务（风险评估、隐患排查、安全培训、应急演练指导等），逐次登记。",
))
register(Registry(
    model=Worker, slug="post-holders", menu_group=GROUP, icon="👷",
    list_fields=["organization", "name", "id_number", "post", "job", "active"],
    search_fields=["name", "job", "organization__name"], filter_fields=["post", "active", "region"],
    natural_key=("id",),  # one per enterprise, ID number and post (a constraint)
    select_related=("organization",),
    form_fields=["organization", "name", "id_number", "post", "job", "active"],
    personal_fields=("id_number",), personal_roles=PERSONAL,
    example={"id_number": lambda: _next_id_number(), "post": "principal"},
    description="三项岗位人员：主要负责人、安全生产管理人员和特种作业人员。身份证号码按 GB 11643 校验，"
                "仅业务科室和本企业可见。",
))
register(Registry(
    model=Certificate, slug="post-certificates", menu_group=GROUP, icon="🪪",
    list_fields=["worker", "kind", "operation", "number", "issuer", "issued_on", "review_due", "expires_on", "status"],
    search_fields=["number", "worker__name", "operation", "issuer"], filter_fields=["kind", "status", "worker"],
    natural_key=("id",),  # one per type and number (a constraint)
    select_related=("worker", "worker__organization"),
    form_fields=["worker", "kind", "operation", "number", "issuer", "issued_on", "review_due", "expires_on"],
    example={"kind": "management", "issued_on": datetime.date(2025, 3, 1), "expires_on": datetime.date(2028, 2, 29)},
    summary=_cert_summary,
    description="三项岗位人员证书：特种作业操作证有效期6年、每3年复审；主要负责人、安全生产管理人员考核合格证有效期3年"
                "（未核实）。到期、复审前60日、30日提醒，过期预警。",
))
register(Registry(
    model=Training, slug="post-trainings", menu_group=GROUP, icon="📚",
    list_fields=["worker", "year", "kind", "hours", "provider", "completed_on"],
    search_fields=["worker__name", "provider"], filter_fields=["year", "kind", "worker"],
    natural_key=("id",), select_related=("worker", "worker__organization"),
    example={"year": 2026, "hours": 16},
    description="主要负责人、安全生产管理人员的年度安全培训学时：初次培训不少于32学时、每年再培训不少于12学时；"
                "煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等高危行业48学时、16学时（《生产经营单位安全培训规定》第九条）。",
))
register(Registry(
    model=Alert, slug="compliance-alerts", menu_group=GROUP, code_fields=("subject",), icon="⏰",
    list_fields=["organization", "kind", "detail", "due_on", "state", "opened_on"],
    search_fields=["organization__name", "organization__credit_code", "detail"],
    filter_fields=["kind", "state", "region"], natural_key=("id",), select_related=("organization", "region"),
    allow_create=False, workflow=ALERT_FLOW, locked_states=frozenset({"open", "explained", "cleared", "waived"}),
    example={"kind": "uninsured", "subject": "org:0", "detail": "样例", "opened_on": datetime.date(2026, 1, 1)},
    summary=lambda a: [("预警", [x for x in (a.detail, f"依据：{a.rule}" if a.rule else "",
                                            f"届满 {a.due_on:%Y-%m-%d}" if a.due_on else "") if x])],
    description="安责险与持证预警：应投保未投保、脱保、即将到期、责任限额或投保人数不足，证书60日/30日内到期或复审、已过期，"
                "年度培训学时不足。情况消除后自动关闭；企业可说明情况，业务科室核销。",
))
register(Registry(
    model=ComplianceRule, slug="compliance-rules", menu_group=GROUP, icon="⚖",
    list_fields=["region", "key", "value", "source", "confirmed"], search_fields=["key", "source"],
    filter_fields=["key", "region"], natural_key=("id",),  # one per region and key (a constraint)
    select_related=("region",),
    example={"key": "insurance_min_limit_cny", "value": 500000, "source": "本地文件"},
    summary=_rule_summary,
    description="本地区对安责险下限、提醒天数、证书有效期和培训学时的规定（覆盖全国默认值；最近的区划优先）。",
))
