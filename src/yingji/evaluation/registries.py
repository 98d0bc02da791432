import itertools
from decimal import Decimal

from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.evaluation import documents
from yingji.evaluation.models import (
    BaseStatistic,
    CompositeIndex,
    DevelopmentPlan,
    Evaluation,
    PlanIndicator,
    PlanProject,
    PlanTask,
    PublicComment,
)
from yingji.evaluation.workflow import EVALUATION_FLOW

GROUP = "统计分析"
_years = itertools.count(2001)


def _plan_summary(plan):
    from yingji.evaluation import services
    from yingji.evaluation.indicators import LIGHT_LABELS

    results = services.plan_results(plan)
    lights = [r.latest.light if r.latest else "grey" for r in results]
    counts = "，".join(f"{LIGHT_LABELS[k]} {lights.count(k)} 项" for k in LIGHT_LABELS if lights.count(k))
    return [("规划", [f"规划期 {plan.period_start}—{plan.period_end} 年，基期 {plan.base_year} 年；{plan.issuer}"
                    f"{' ' + plan.document_number if plan.document_number else ''}"]),
            ("指标监测", [f"指标 {len(results)} 项：{counts or '尚无指标'}（详见“指标监测”）"])]


def _evaluation_summary(e):
    from yingji.evaluation.indicators import LIGHT_LABELS

    rows = (e.results or {}).get("indicators", [])
    if not rows:
        return [("评估结果", ["尚未计算：请点“计算评估结果”"])]
    lines = [f"{r['seq']}. {r['name']}：{e.year}年 "
             f"{_n(r['values'][-1])}{r['unit']}（目标 {r['target']}，{LIGHT_LABELS[r['lights'][-1]]}）" for r in rows]
    out = [("评估结果", lines)]
    if e.comment_from:
        out.append(("公开征求意见", [f"{e.comment_from:%Y-%m-%d} 至 {e.comment_until:%Y-%m-%d}，"
                                 f"已收到意见 {e.comments.count()} 条"]))
    return out


def _n(x):
    from yingji.evaluation.services import number

    return number(x)


register(Registry(
    model=BaseStatistic, slug="base-statistics", menu_group=GROUP, icon="📊",
    list_fields=["region", "year", "code", "value", "source", "confirmed"],
    search_fields=["source", "note"], filter_fields=["region", "year", "code", "confirmed"],
    natural_key=("id",), select_related=("region",),
    example={"code": "gdp", "value": Decimal("1500"), "year": lambda: 2000 + next(_years) % 100},
    description="基础统计数据：规划指标的分母和平台记录未覆盖年份的数据（地区生产总值、常住人口、工矿商贸就业人员、机动车、"
                "森林面积、安责险投保企业数等），按区划和年份录入并注明来源；录入的数据优先于平台记录的计数。",
))
register(Registry(
    model=DevelopmentPlan, slug="development-plans", menu_group=GROUP, icon="📘",
    list_fields=["title", "region", "issuer", "period_start", "period_end", "base_year", "lead_office"],
    search_fields=["title", "issuer", "document_number"], filter_fields=["region", "period_start"],
    natural_key=("id",), select_related=("region",), summary=lambda p: _plan_summary(p),
    record_links=[("指标监测", "evaluation_plan")],
    example={"base_year": 2020, "period_start": 2021, "period_end": 2025, "margin_pct": Decimal("10")},
    description="规划：本地区实施的应急管理（安全生产、防灾减灾）规划，含指标表、重点工程（项目库）和主要任务；"
                "按直线进度监测指标并亮灯，编制年度监测、中期评估和总结评估报告。",
))
register(Registry(
    model=PlanIndicator, slug="plan-indicators", menu_group=GROUP, icon="🎯",
    list_fields=["plan", "seq", "name", "unit", "base_value", "target_kind", "target_value", "binding", "owner",
                 "confirmed"],
    search_fields=["name", "owner"], filter_fields=["plan", "binding", "target_kind", "confirmed"],
    natural_key=("id",), select_related=("plan", "plan__region"), summary=lambda i: _indicator_summary(i),
    summarised_fields=("numerator", "denominator"),  # the summary's 计算方法 names the series in Chinese
    example={"numerator": ["accident_deaths"], "denominator": ["gdp"],
             "target_kind": "at_most", "target_value": Decimal("0.05")},
    description="规划指标：指标名称、计算公式（分子序列 ÷ 分母序列 × 系数）、单位、基期值、目标（≤、≥ 或较基期变化%）、"
                "约束性或预期性、责任单位；记录页显示逐年计算过程和数据来源。",
))


def _indicator_summary(i):
    from yingji.evaluation import services

    return services.summary(i)


register(Registry(
    model=PlanProject, slug="plan-projects", menu_group=GROUP, icon="🏗",
    list_fields=["plan", "programme", "name", "owner", "start_year", "end_year", "investment_cny", "state",
                 "progress_pct"],
    search_fields=["name", "programme", "owner"], filter_fields=["plan", "state"],
    natural_key=("id",), select_related=("plan",),
    example={"start_year": 2021, "end_year": 2023},
    description="规划重点项目：规划确定的重点工程及其项目库，登记责任单位、建设期、投资和进展。",
))
register(Registry(
    model=PlanTask, slug="plan-tasks", menu_group=GROUP, icon="✅",
    list_fields=["plan", "title", "owner", "due_on", "state", "done_on"],
    search_fields=["title", "owner"], filter_fields=["plan", "state"],
    natural_key=("id",), select_related=("plan",), countdown=("due_on", {"open"}, "完成时限"),
    example={"state": "open"},
    description="规划任务：规划的主要任务，登记责任单位和完成时限，完成后登记完成日期。",
))
register(Registry(
    model=Evaluation, slug="plan-evaluations", menu_group=GROUP, icon="📝",
    list_fields=["plan", "kind", "year", "title", "state", "comment_from", "comment_until", "generated_at"],
    search_fields=["title"], filter_fields=["plan", "kind", "state"],
    natural_key=("id",), select_related=("plan",), workflow=EVALUATION_FLOW, summary=lambda e: _evaluation_summary(e),
    locked_states=frozenset({"comment", "final"}), summarised_fields=("results",),
    form_fields=["plan", "kind", "year", "title", "summary", "problems", "next_steps", "comment_from", "comment_until"],
    documents={"report": RecordDocument("评估报告", documents.report, available=lambda e: bool(e.results),
                                        filename=lambda e: f"{e.title}.docx")},
    example={"year": 2022, "kind": "yearly"},
    description="规划评估报告：年度监测、中期评估、总结评估。计算评估结果后生成 Word 报告（指标表、逐年计算、趋势图、"
                "重点项目和任务）；可公开征求意见（公众在“规划评估公开征求意见”页面提交），期满后定稿。",
))
register(Registry(
    model=PublicComment, slug="plan-comments", menu_group=GROUP, icon="💬",
    list_fields=["evaluation", "name", "contact", "text", "created_at"],
    search_fields=["text"], filter_fields=["evaluation"], natural_key=("id",), select_related=("evaluation",),
    allow_create=False, personal_fields=("contact",), personal_roles=("admin", "staff"),
    example={"text": "建议增加社区应急演练"},
    description="评估公众意见：公众在公开页面对征求意见中的评估报告提交的意见建议（联系方式仅规划科可见）。",
))
register(Registry(
    model=CompositeIndex, slug="composite-indices", menu_group=GROUP, icon="🧭",
    list_fields=["name", "region", "source", "confirmed"], search_fields=["name", "source"],
    filter_fields=["region", "confirmed"], natural_key=("id",), select_related=("region",),
    record_links=[("乡镇排名与趋势", "evaluation_index")],
    example={"components": [{"key": "d", "label": "死亡人数", "weight": 1, "numerator": ["accident_deaths"]}]},
    description="综合指数：安全发展指数、防汛防台综合指数等加权综合指数，构成、权重、方向和数据序列均为数据并注明依据；"
                "在下属乡镇（街道）之间计算、排名，显示地图和逐年趋势。",
))
