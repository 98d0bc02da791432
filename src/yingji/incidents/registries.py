from django import forms

from yingji.core.framework.registry import PointColour, Registry, register
from yingji.core.framework.widgets import MapPickWidget
from yingji.incidents import briefing, event_types, paste
from yingji.incidents.models import (
    Drill,
    DutyLog,
    DutyShift,
    Incident,
    Plan,
    PlanAction,
    PlanLevel,
    Report,
    Response,
    Task,
    TeamDispatch,
    TimelineEntry,
)
from yingji.incidents.workflow import DISPATCH_FLOW, INCIDENT_FLOW, REPORT_FLOW, RESPONSE_FLOW, TASK_FLOW

GROUP = "应急指挥"


def event_type_select():
    return forms.Select(choices=[("", "请选择"), *event_types.choices()])


register(Registry(
    model=DutyShift, slug="duty-shifts", menu_group=GROUP, icon="🕘",
    list_fields=["date", "shift", "leader", "officer", "assistant", "phone", "region"],
    search_fields=["leader__name", "officer__name", "handover_note"], filter_fields=["shift", "region"],
    natural_key=("id",), select_related=("leader", "officer", "assistant", "region"),
    example={"starts_at": "2026-11-22T08:30:00+08:00", "ends_at": "2026-11-23T08:30:00+08:00", "phone": "0731-83000000"},
    description="值班表：按日期和班次排定带班领导、值班员和副班；交班时填写交接班记录。",
))
register(Registry(
    model=DutyLog, slug="duty-logs", menu_group=GROUP, icon="☎",
    list_fields=["at", "kind", "counterpart", "phone", "summary", "incident", "recorded_by"],
    search_fields=["summary", "counterpart", "phone"], filter_fields=["kind", "region"],
    natural_key=("id",), select_related=("incident", "recorded_by", "region"),
    form_include="incidents/_duty_log_paste.html", on_form_saved=paste.record_duty_log,
    description="值班日志：每一个来电、去电和处置动作；接报登记时自动记入。",
))
register(Registry(
    model=Incident, slug="incidents", menu_group=GROUP, icon="🚨",
    list_fields=["number", "title", "event_type", "grade_label", "received_at", "state", "region"],
    search_fields=["number", "title", "address", "reporter"], filter_fields=["state", "source", "region"],
    natural_key=("number",), select_related=("region", "organization"),
    form_fields=["title", "event_type", "occurred_at", "received_at", "address", "region", "organization", "source",
                 "reporter", "reporter_phone", "deaths", "missing", "injured", "trapped", "relocated",
                 "houses_collapsed", "direct_loss_cny", "description", "measures", "lon", "lat", "affected_area"],
    form_widgets={"event_type": event_type_select, "affected_area": lambda: MapPickWidget("area")},
    workflow=INCIDENT_FLOW, locked_states=frozenset({"closed", "dismissed"}), allow_create=False,
    record_links=[("指挥台", "incident_desk"), ("态势图", "incident_map")],
    page_links=[("接报登记", "incident_intake", "add")],
    point_colour=PointColour("state", {"responding": "#d9001b", "received": "#fa8c16"}, other="#8c8c8c"),
    map_name=("number", "title"),
    example={"event_type": "21400", "occurred_at": "2026-11-22T03:00:00+08:00", "deaths": 0},
    description="突发事件：接报登记、定级（按《生产安全事故报告和调查处理条例》或救助响应启动条件）、报告时限、响应和处置全过程。",
))
register(Registry(
    model=Report, slug="reports", menu_group=GROUP, icon="📝",
    list_fields=["incident", "sequence", "kind", "from_below", "issuer", "signer", "sent_to", "state", "sent_at"],
    search_fields=["incident__title", "issuer", "course"], filter_fields=["kind", "state", "from_below"],
    natural_key=("id",), select_related=("incident",),
    form_fields=["incident", "kind", "from_below", "issuer", "signer", "sent_to", "occurred_at", "place", "deaths",
                 "missing", "injured", "trapped", "relocated", "direct_loss_cny", "casualties_confirmed", "unit_profile",
                 "scene", "course", "losses", "measures", "next_steps"],
    workflow=REPORT_FLOW, locked_states=frozenset({"sent", "merged"}),
    documents={"briefing": ("信息专报", briefing.build, None)},
    example={"issuer": "某县应急管理局"},
    description="信息报送：初报、续报、终报，每份是当时事件数字和情况的快照；必报内容不全不能报送；下级报送可合并后上报。",
))
register(Registry(
    model=TimelineEntry, slug="timeline", menu_group=GROUP, icon="⏱",
    list_fields=["at", "incident", "kind", "text", "actor"], search_fields=["text"],
    filter_fields=["kind", "incident"], natural_key=("id",), select_related=("incident", "actor"),
    append_only=True,
    description="事件时间轴：报告、决策、响应、任务、调度和消息，按时间只追加。",
))
register(Registry(
    model=Plan, slug="plans", menu_group=GROUP, icon="📘",
    list_fields=["name", "kind", "event_types", "approved_on", "filed_on", "revision_due", "organization"],
    search_fields=["name"], filter_fields=["kind", "abolished", "region"],
    natural_key=("name",), select_related=("region", "organization"),
    example={"kind": "special", "event_types": "21400", "approved_on": "2025-06-01"},
    description="应急预案：类别、适用事件类型、印发和备案日期、修订期限（至少每 3 年）、指挥机构；原件作为附件上传。",
))
register(Registry(
    model=PlanLevel, slug="plan-levels", menu_group=GROUP, icon="Ⅳ",
    list_fields=["plan", "level", "condition_text", "commander"], search_fields=["plan__name", "condition_text"],
    filter_fields=["level", "plan"], natural_key=("id",), select_related=("plan",),
    example={"level": "IV", "conditions": [{"figure": "deaths", "op": ">=", "value": 1}]},
    description="预案的分级响应：每级的启动条件（可计算的规则，满足任一条即启动）和指挥长。",
))
register(Registry(
    model=PlanAction, slug="plan-actions", menu_group=GROUP, icon="☑",
    list_fields=["plan_level", "position", "group", "department", "department_name", "action", "within_minutes"],
    search_fields=["action", "group", "department_name"], filter_fields=["plan_level"],
    natural_key=("id",), select_related=("plan_level__plan", "department"),
    example={"department_name": "县应急管理局", "action": "派出工作组赶赴现场"},
    description="各级响应的处置任务清单：工作组、责任单位、工作内容和时限；启动响应时生成任务。",
))
register(Registry(
    model=Drill, slug="drills", menu_group=GROUP, icon="🎯",
    list_fields=["date", "plan", "kind", "evaluation"], search_fields=["scenario", "findings"],
    filter_fields=["kind", "evaluation", "plan"], natural_key=("id",), select_related=("plan",),
    example={"date": "2026-06-01", "kind": "tabletop"},
    description="预案演练：情景、参演单位、评估发现的问题和改进措施。",
))
register(Registry(
    model=Response, slug="responses", menu_group=GROUP, icon="📣",
    list_fields=["incident", "plan", "level", "state", "started_at", "started_by"],
    search_fields=["incident__title", "plan__name"], filter_fields=["level", "state"],
    natural_key=("id",), select_related=("incident", "plan", "started_by"),
    workflow=RESPONSE_FLOW, allow_create=False, locked_states=frozenset({"active", "ended"}),
    description="应急响应：在事件指挥台按匹配的预案启动，级别调整和终止均记入时间轴。",
))
register(Registry(
    model=Task, slug="tasks", menu_group=GROUP, icon="✔",
    list_fields=["title", "incident", "group", "department", "department_name", "due_at", "state", "feedback"],
    search_fields=["title", "department_name", "feedback"], filter_fields=["state", "department"],
    natural_key=("id",), select_related=("incident", "department", "assignee"),
    form_fields=["incident", "title", "group", "department", "department_name", "assignee", "due_at"],
    workflow=TASK_FLOW, locked_states=frozenset({"done"}),
    countdown=None,
    example={"due_at": "2026-11-22T05:00:00+08:00"},
    description="处置任务：下达 → 接收 → 执行中 → 完成，受阻时说明原因；反馈可附照片。",
))
register(Registry(
    model=TeamDispatch, slug="team-dispatches", menu_group=GROUP, icon="🚒",
    list_fields=["incident", "team", "dispatched_at", "eta_minutes", "arrived_at", "withdrawn_at", "state"],
    search_fields=["team__name", "incident__title"], filter_fields=["state", "incident"],
    natural_key=("id",), select_related=("incident", "team", "dispatched_by"),
    workflow=DISPATCH_FLOW, allow_create=False, locked_states=frozenset({"en_route", "on_scene", "withdrawn"}),
    description="队伍调派：在态势图上派出，途中 → 到达现场 → 撤离；派出期间队伍为“出动”，撤离后转为“休整”。",
))
