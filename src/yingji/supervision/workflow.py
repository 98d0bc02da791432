"""The plan and the check as declared state machines.

Plan: 草拟 → 已发布执行 (draws and checks only under a published plan) → 已结束.
Check: 待检查 → 检查中 → 已完成, or 待检查 → 已取消 (with the reason). Completing needs every checklist
point answered and at least two inspectors (行政执法 by two certified officers)."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.supervision.choices import Answer, CheckState, PlanState

PLANNERS = ("admin", "staff")
INSPECTORS = ("admin", "staff")
MIN_INSPECTORS = 2


def _plan_has_items(plan) -> str | None:
    return None if plan.items.exists() else "计划还没有检查事项，不能发布"


PLAN_FLOW = StateMachine(
    states=dict(PlanState.choices), initial=PlanState.DRAFT, final=frozenset({PlanState.CLOSED}),
    transitions=(
        Transition("publish", "发布执行", (PlanState.DRAFT,), PlanState.PUBLISHED, roles=PLANNERS,
                   guard=_plan_has_items),
        Transition("close", "结束计划", (PlanState.PUBLISHED,), PlanState.CLOSED, roles=PLANNERS, requires=("comment",)),
    ),
)


def _ready_to_complete(inspection) -> str | None:
    if inspection.inspectors.count() < MIN_INSPECTORS:
        return f"检查人员不少于 {MIN_INSPECTORS} 名"
    open_items = inspection.items.filter(answer=Answer.UNANSWERED).count()
    if open_items:
        return f"还有 {open_items} 项检查要点未填写结果"
    return None


INSPECTION_FLOW = StateMachine(
    states=dict(CheckState.choices), initial=CheckState.PLANNED,
    final=frozenset({CheckState.COMPLETED, CheckState.CANCELLED}),
    creator_label="创建此检查的人",
    waiting={
        CheckState.PLANNED: Waiting("待检查", ("start",), due="scheduled_on"),
        CheckState.IN_PROGRESS: Waiting("检查中", ("complete",)),
    },
    transitions=(
        Transition("start", "开始现场检查", (CheckState.PLANNED,), CheckState.IN_PROGRESS, roles=INSPECTORS),
        Transition("complete", "完成检查", (CheckState.IN_PROGRESS,), CheckState.COMPLETED, roles=INSPECTORS,
                   requires=("comment",), guard=_ready_to_complete),
        Transition("cancel", "取消检查", (CheckState.PLANNED,), CheckState.CANCELLED, roles=INSPECTORS,
                   requires=("reason",)),
    ),
)
