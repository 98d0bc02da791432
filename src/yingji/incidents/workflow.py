"""Declared lifecycles of the response module.

Incidents (突发事件): 已接报 → 响应中 (when a response is activated) → 已结束; 已接报 → 已核销 (误报).
Reports (信息报送): 草稿 → 已报送 — only with every required item (reporting.py); a report received
from below (下级报送) is 已接收 until it is 已合并 into the incident and the county's next report.
Responses (应急响应): 响应中, adjusted up or down (调整级别, with the new level and why) → 已终止.
Tasks (任务): 已下达 → 已接收 → 执行中 → 已完成, or 受阻 (with why) and back to 执行中.
Team dispatches (队伍调派): 已派出（途中） → 已到达现场 → 已撤离 (or recalled before arriving).
"""

from yingji.core.framework.statemachine import ANY_ROLE, StateMachine, Transition, Waiting

COMMANDERS = ("admin", "leader", "duty")  # 值班员 act for the commander at 3 a.m.; all logged
REPORTERS = ("admin", "leader", "duty", "staff", "township")
INPUTS = {"comment": "意见", "reason": "理由", "photos": "照片", "level": "响应级别", "summary": "处置总结"}


def is_commander(user) -> bool:
    """Who may start, change and dispatch for a response (the roles the response workflow names)."""
    from yingji.core.framework.workflow import user_roles

    return bool(user_roles(user) & set(COMMANDERS))


def _report_complete(report) -> str | None:
    missing = report.missing_items()
    return f"报告缺少必报内容：{'、'.join(missing)}" if missing else None


def _nothing_left_active(incident) -> str | None:
    """An incident closes once its responses are ended and its teams withdrawn (else they stay 出动)."""
    active = incident.responses.filter(state="active").count()
    if active:
        return f"还有 {active} 个应急响应未终止，请先终止响应"
    out = incident.dispatches.open().count()
    return f"还有 {out} 支调派队伍未撤离，请先在态势图上撤离" if out else None


INCIDENT_FLOW = StateMachine(
    states={"received": "已接报", "responding": "响应中", "closed": "已结束", "dismissed": "已核销"},
    initial="received", final=frozenset({"closed", "dismissed"}), input_labels=INPUTS,
    transitions=(
        Transition("respond", "启动响应", ("received",), "responding", automatic=True),
        Transition("close", "结束事件", ("received", "responding"), "closed", roles=COMMANDERS, requires=("comment",),
                   guard=_nothing_left_active),
        Transition("dismiss", "核销（误报）", ("received",), "dismissed", roles=COMMANDERS, requires=("reason",)),
    ),
)

def report_due(report):
    """A draft report is due by the earliest open reporting clock it would stop once sent (the levels
    up to where it goes; for a 续报 or 终报 also the open 续报 clock): None when none is running."""
    from yingji.incidents.deadlines import LEVELS

    met = list(LEVELS[:LEVELS.index(report.sent_to) + 1]) if report.sent_to in LEVELS else []
    clocks = report.incident.deadlines.filter(done_at__isnull=True)
    due = [d.due_at for d in clocks if d.key in met or (report.kind != "initial" and d.key.startswith("followup"))]
    return min(due) if due else None


REPORT_FLOW = StateMachine(
    states={"draft": "草稿", "sent": "已报送", "received": "已接收（下级报送）", "merged": "已合并"},
    initial="draft", final=frozenset({"sent", "merged"}), input_labels=INPUTS,
    waiting={"draft": Waiting("待报送", ("send",), due=report_due),
             "received": Waiting("待合并上报", ("merge",))},
    transitions=(
        Transition("send", "报送", ("draft",), "sent", roles=REPORTERS, guard=_report_complete),
        Transition("merge", "合并上报", ("received",), "merged", roles=COMMANDERS + ("staff",)),
    ),
)

RESPONSE_FLOW = StateMachine(
    states={"active": "响应中", "ended": "已终止"},
    initial="active", final=frozenset({"ended"}), input_labels=INPUTS,
    input_choices={"level": (("I", "Ⅰ级响应"), ("II", "Ⅱ级响应"), ("III", "Ⅲ级响应"), ("IV", "Ⅳ级响应"))},
    transitions=(
        Transition("adjust", "调整响应级别", ("active",), "active", roles=COMMANDERS, requires=("level", "reason")),
        Transition("end", "终止响应", ("active",), "ended", roles=COMMANDERS, requires=("reason",)),
    ),
)

TASK_FLOW = StateMachine(
    states={"issued": "已下达", "accepted": "已接收", "in_progress": "执行中", "done": "已完成", "blocked": "受阻"},
    initial="issued", final=frozenset({"done"}), input_labels=INPUTS,
    # A task waits on its 责任人 when it names one, else on whoever may act on it in its scope.
    waiting={"issued": Waiting("待接收", ("accept",), due="due_at", assignee="assignee"),
             "accepted": Waiting("待完成", ("start", "complete", "block"), due="due_at", assignee="assignee"),
             "in_progress": Waiting("待完成", ("complete", "block"), due="due_at", assignee="assignee"),
             "blocked": Waiting("受阻待继续", ("start",), due="due_at", assignee="assignee")},
    transitions=(
        Transition("accept", "接收", ("issued",), "accepted", roles=(ANY_ROLE,)),
        Transition("start", "开始执行", ("accepted", "blocked"), "in_progress", roles=(ANY_ROLE,)),
        Transition("complete", "完成", ("accepted", "in_progress"), "done", roles=(ANY_ROLE,), requires=("comment",)),
        Transition("block", "报告受阻", ("accepted", "in_progress"), "blocked", roles=(ANY_ROLE,), requires=("reason",)),
    ),
)

# A dispatch is open — its team out — until it reaches this state (models.OPEN_DISPATCH says so once for
# queries and the one-open-dispatch-per-team constraint).
DISPATCH_CLOSED = "withdrawn"

DISPATCH_FLOW = StateMachine(
    states={"en_route": "已派出（途中）", "on_scene": "已到达现场", DISPATCH_CLOSED: "已撤离"},
    initial="en_route", final=frozenset({DISPATCH_CLOSED}), input_labels=INPUTS,
    transitions=(
        Transition("arrive", "到达现场", ("en_route",), "on_scene", roles=COMMANDERS),
        Transition("withdraw", "撤离（归队休整）", ("en_route", "on_scene"), DISPATCH_CLOSED, roles=COMMANDERS),
    ),
)
