import datetime
import itertools

from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.reviews import documents
from yingji.reviews.models import (
    FOUR_ITEMS,
    Criterion,
    DrillAlert,
    DrillEvaluation,
    IntervalRule,
    Investigation,
    Lookback,
    Measure,
    Observation,
    Responsibility,
    Review,
    SelfAssessment,
)
from yingji.reviews.workflow import (
    ALERT_FLOW,
    EVALUATION_FLOW,
    INVESTIGATION_FLOW,
    LOOKBACK_FLOW,
    MEASURE_FLOW,
    REVIEW_FLOW,
)

GROUP = "调查评估"
_n = itertools.count()


def _sample_accident():
    """An accident for the generic tests' records (an investigation needs one)."""
    from django.utils import timezone

    from yingji.core.models import Region
    from yingji.incidents.models import Incident

    county = Region.objects.filter(level="county").order_by("code").first()
    at = timezone.now() - datetime.timedelta(days=30, minutes=next(_n))
    return Incident.objects.create(title="样例事故", event_type="21500", occurred_at=at, received_at=at, address="样例",
                                   region=county, description="样例")


def _sample_investigation():
    return Investigation.objects.create(incident=_sample_accident(), led_by="浏阳市人民政府", leader="组长",
                                        members="成员", units="应急管理局")


def _lines(heading, lines):
    return [(heading, lines)] if lines else []


def _investigation_summary(inv):
    from yingji.reviews.services import measures_line

    missing = inv.missing_items()
    out = [("四不放过", [f"{label}：{'已填写' if getattr(inv, name).strip() else '未填写'}"
                        for name, label in FOUR_ITEMS]
             + ([f"尚缺：{'、'.join(missing)}（填写后才能提交报告和结案）"] if missing else []))]
    out += _lines("责任认定", [f"{r.subject}（{r.position}）：{r.get_kind_display()}" for r in inv.responsibilities.all()])
    out += _lines("整改措施", measures_line(inv))
    if inv.lookback_due:
        out.append(("回头看", [f"{inv.lookback_from:%Y-%m-%d} 至 {inv.lookback_due:%Y-%m-%d}（结案后，按评估期限规则）"]))
    return out


def _review_summary(review):
    from yingji.reviews.services import assemble, measures_line

    data = assemble(review)
    out = [("响应效率（据平台记录自动汇总）", [f"{x['label']}：{x['text']}" for x in data["figures"]]),
           ("时间线", [f"{e['at']} {e['kind']}：{e['text']}" for e in data["entries"]] or ["未记录"])]
    return out + _lines("整改措施", measures_line(review))


def _evaluation_summary(ev):
    from yingji.reviews.services import evaluation_rows, measures_line

    rows, result = evaluation_rows(ev)
    lines = [f"{c.position}. {c.section}（权重 {c.weight}）：{r.score if r.score is not None else '未评'}"
             + (f"，超时 {r.late} 次" if r.late else "") for c, r in rows]
    total = f"总分 {result.total if result.total is not None else '—'}（{result.grade}，已评权重 {result.coverage}%）"
    return [("评分", [total, *lines])] + _lines("改进措施", measures_line(ev))


register(Registry(
    model=Investigation, slug="investigations", menu_group=GROUP, icon="🔍",
    list_fields=["number", "incident", "led_by", "leader", "upgraded", "supervised", "state", "closed_on", "lookback_due"],
    search_fields=["number", "leader", "members", "units"], filter_fields=["state", "upgraded", "supervised", "region"],
    natural_key=("number",), select_related=("incident", "region", "organization"),
    form_fields=["incident", "led_by", "leader", "members", "units", "upgraded", "upgraded_note", "supervised",
                 "supervised_by", "started_on", "cause_found", "responsible_handled", "people_educated",
                 "measures_taken", "nature"],
    workflow=INVESTIGATION_FLOW, locked_states=frozenset({"closed"}), summary=lambda r: _investigation_summary(r),
    documents={"report": RecordDocument("事故调查报告", documents.investigation_report,
                                        filename=lambda r: f"事故调查报告-{r.number}.docx")},
    description="事故调查：生产安全事故的调查组、提级调查和挂牌督办，按“四不放过”查清原因、处理责任人员、"
                "教育有关人员、落实防范措施；责任认定和整改措施逐条登记；结案后按期开展整改措施落实情况评估（回头看）。",
))
register(Registry(
    model=Responsibility, slug="investigation-responsibilities", menu_group=GROUP, icon="⚖",
    list_fields=["investigation", "subject", "subject_kind", "position", "kind"],
    search_fields=["subject", "position", "finding"], filter_fields=["investigation", "kind"],
    natural_key=("id",), select_related=("investigation__incident",), locked_with="investigation",
    description="事故责任认定：责任人员或单位，处理类别（追究刑事责任、党纪政务处分、行政处罚、处理建议）和认定事实。",
))
register(Registry(
    model=Lookback, slug="investigation-lookbacks", menu_group=GROUP, icon="↺",
    list_fields=["investigation", "opens_on", "due_on", "state", "done_on"], search_fields=["investigation__number"],
    filter_fields=["state"], natural_key=("id",), select_related=("investigation__incident",), allow_create=False,
    workflow=LOOKBACK_FLOW, countdown=("due_on", {"due"}, "评估完成期限"),
    description="整改措施落实情况评估（回头看）：事故结案后由系统按评估期限规则自动生成，提醒调查组在期限内完成评估。",
))
register(Registry(
    model=Review, slug="reviews", menu_group=GROUP, icon="⟲",
    list_fields=["number", "kind", "title", "incident", "event", "state", "finalised_at"],
    search_fields=["number", "title", "findings"], filter_fields=["kind", "state", "region"],
    natural_key=("number",), select_related=("incident", "event", "region"),
    form_fields=["kind", "title", "incident", "event", "team", "findings", "conclusion"],
    workflow=REVIEW_FLOW, locked_states=frozenset({"final"}), summary=lambda r: _review_summary(r),
    summarised_fields=("snapshot",), example={"incident": lambda: _sample_accident()},
    documents={"report": RecordDocument("评估报告", documents.review_report,
                                        filename=lambda r: f"{r.get_kind_display()}报告-{r.number}.docx")},
    description="复盘与灾害调查评估：任一突发事件或灾情事件的应对时间线和响应效率（上报、响应、到达、救助时间，"
                "派出队伍和征用物资）由平台记录自动汇总，未记录的标明“未记录”；发现的问题登记为整改措施。",
))
register(Registry(
    model=DrillEvaluation, slug="drill-evaluations", menu_group=GROUP, icon="🎯",
    list_fields=["number", "drill", "lead_evaluator", "state", "score", "grade"],
    search_fields=["number", "lead_evaluator"], filter_fields=["state", "grade"],
    natural_key=("number",), select_related=("drill", "drill__plan"),
    form_fields=["drill", "lead_evaluator", "evaluators", "conclusion"],
    workflow=EVALUATION_FLOW, summary=lambda r: _evaluation_summary(r),
    record_links=[("现场评估（手机）", "reviews_field")],
    documents={"report": RecordDocument("演练评估报告", documents.evaluation_report,
                                        filename=lambda r: f"演练评估报告-{r.number}.docx")},
    description="演练评估（AQ/T 9009）：按预案任务清单和指挥机构生成评估方案，演练中用手机逐条记录观察（自动记时），"
                "参演单位自评，按权重评分，形成评估报告，改进措施登记为整改措施。",
))
register(Registry(
    model=Criterion, slug="drill-criteria", menu_group=GROUP, icon="☰",
    list_fields=["evaluation", "position", "section", "text", "weight", "limit_minutes", "source"],
    search_fields=["section", "text"], filter_fields=["evaluation"], natural_key=("id",),
    select_related=("evaluation__drill__plan",),
    description="演练评估标准：评估项目、内容、权重和时限（自演练开始起的分钟数）。",
))
register(Registry(
    model=Observation, slug="drill-observations", menu_group=GROUP, icon="⏱",
    list_fields=["evaluation", "at", "criterion", "score", "note", "observer"], search_fields=["note"],
    filter_fields=["evaluation"], natural_key=("id",), select_related=("evaluation__drill__plan", "criterion", "observer"),
    append_only=True, example={"score": 80},
    description="演练观察记录：评估人员在演练现场逐条记录（记录时间自动登记）。",
))
register(Registry(
    model=SelfAssessment, slug="drill-self-assessments", menu_group=GROUP, icon="✍",
    list_fields=["evaluation", "unit", "rating"], search_fields=["unit", "problems"], filter_fields=["evaluation", "rating"],
    natural_key=("id",), select_related=("evaluation__drill__plan",),
    description="参演单位自评：做得好的方面和存在的问题。",
))
register(Registry(
    model=DrillAlert, slug="drill-alerts", menu_group=GROUP, icon="⏰",
    list_fields=["plan", "last_drill_on", "due_on", "state"], search_fields=["plan__name"], filter_fields=["state"],
    natural_key=("id",), select_related=("plan",), allow_create=False, workflow=ALERT_FLOW,
    description="演练逾期提醒：企业综合或专项应急预案每年、现场处置方案每半年至少演练一次（期限按评估期限规则），"
                "逾期由系统自动提醒企业和监管部门；登记演练后自动关闭。",
))
register(Registry(
    model=IntervalRule, slug="review-intervals", menu_group=GROUP, icon="📅",
    list_fields=["region", "key", "months", "source", "confirmed"], search_fields=["source"],
    filter_fields=["key", "region", "confirmed"], natural_key=("id",), select_related=("region",),
    example={"months": 12},
    description="评估期限规则：回头看（结案后月数）和演练间隔，按区划登记并注明依据；未登记的按全国默认值。",
))
# Last: a measure depends on its source (an investigation, a review or an evaluation).
register(Registry(
    model=Measure, slug="measures", menu_group=GROUP, icon="✔",
    list_fields=["number", "content", "organization", "department_name", "deadline", "state", "investigation", "review",
                 "evaluation"],
    search_fields=["number", "content", "problem", "department_name"],
    filter_fields=["state", "organization", "region", "investigation", "review", "evaluation"],
    natural_key=("number",),
    select_related=("organization", "region", "investigation__incident", "review", "evaluation__drill__plan"),
    form_fields=["investigation", "review", "evaluation", "problem", "content", "organization", "department_name",
                 "region", "supervisor", "deadline"],
    workflow=MEASURE_FLOW, locked_states=frozenset({"done", "verified", "closed"}),
    countdown=("deadline", {"pending", "overdue"}, "完成期限"),
    example={"investigation": lambda: _sample_investigation(), "department_name": "浏阳市应急管理局"},
    description="整改措施：事故调查、复盘评估和演练评估发现的问题逐条登记责任单位和完成期限，"
                "待落实 → 报告落实（附佐证）→ 复核（通过或退回）→ 销号；逾期自动提醒责任单位和督办部门。",
))
