"""The declared state machines of 调查评估与复盘.

整改措施: 待落实 → (报告落实, with 落实情况及佐证) 已落实 → (复核通过) 复核通过 → (销号) 已销号; 复核退回 with a
reason back to 待落实; 待落实 past its deadline becomes 逾期未落实 (the system, daily), still waiting on the
owner, now a to-do for the supervising office too. Who reported it done may not pass its 复核.

事故调查: 调查中 → (提交调查报告) 报告待批复 → (批复结案) 已结案, 退回补充 back; both steps refused while any
"四不放过" item is empty. 回头看: 待评估 → 已评估. 复盘: 评估中 → 已定稿. 演练评估: 评估准备 → 演练评估中 →
已评分 → 报告已完成. 演练逾期提醒: closed by the system when a drill is recorded, or explained."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.reviews.choices import (
    AlertState,
    EvaluationState,
    InvestigationState,
    LookbackState,
    MeasureState,
    ReviewState,
)

OWNERS = ("admin", "staff", "township", "enterprise")  # who reports a measure done (the owner's accounts)
SUPERVISORS = ("admin", "staff", "leader")  # the supervising office: 复核, 销号
INVESTIGATORS = ("admin", "staff")
APPROVERS = ("admin", "leader")
EVALUATORS = ("admin", "staff", "township")


def _guard(name):
    def guard(record):
        from yingji.reviews import services

        return getattr(services, name)(record)

    guard.__name__ = name
    return guard


M = MeasureState
MEASURE_FLOW = StateMachine(
    states=dict(M.choices), initial=M.PENDING, final=frozenset({M.CLOSED}),
    input_labels={"comment": "意见", "reason": "理由", "photos": "照片", "evidence": "落实情况及佐证"},
    creator_label="登记此整改措施的人",
    waiting={
        M.PENDING: Waiting("待落实整改措施", ("report_done",), due="deadline"),
        M.OVERDUE: Waiting("整改措施逾期未落实", ("report_done",), due="deadline"),
        M.DONE: Waiting("整改措施待复核", ("pass_review", "return_back")),
        M.VERIFIED: Waiting("整改措施待销号", ("close",)),
    },
    transitions=(
        Transition("report_done", "报告落实", (M.PENDING, M.OVERDUE), M.DONE, roles=OWNERS, requires=("evidence",)),
        Transition("mark_overdue", "逾期", (M.PENDING,), M.OVERDUE, automatic=True),
        Transition("pass_review", "复核通过", (M.DONE,), M.VERIFIED, roles=SUPERVISORS, separate_from=("report_done",)),
        Transition("return_back", "复核退回", (M.DONE,), M.PENDING, roles=SUPERVISORS, requires=("reason",)),
        Transition("close", "销号", (M.VERIFIED,), M.CLOSED, roles=SUPERVISORS),
    ),
)

INV = InvestigationState
INVESTIGATION_FLOW = StateMachine(
    states=dict(INV.choices), initial=INV.INVESTIGATING, final=frozenset({INV.CLOSED}),
    creator_label="登记此调查的人",
    waiting={INV.REPORTED: Waiting("事故调查报告待批复", ("approve",))},
    transitions=(
        Transition("submit", "提交调查报告", (INV.INVESTIGATING,), INV.REPORTED, roles=INVESTIGATORS,
                   guard=_guard("four_items_done")),
        Transition("approve", "批复结案", (INV.REPORTED,), INV.CLOSED, roles=APPROVERS, guard=_guard("four_items_done")),
        Transition("send_back", "退回补充", (INV.REPORTED,), INV.INVESTIGATING, roles=APPROVERS, requires=("reason",)),
    ),
)

LB = LookbackState
LOOKBACK_FLOW = StateMachine(
    states=dict(LB.choices), initial=LB.DUE, final=frozenset({LB.DONE}),
    input_labels={"comment": "意见", "reason": "理由", "photos": "照片", "conclusion": "评估结论"},
    waiting={LB.DUE: Waiting("整改措施落实情况评估（回头看）", ("complete",), due="due_on")},
    transitions=(Transition("complete", "完成评估", (LB.DUE,), LB.DONE, roles=INVESTIGATORS, requires=("conclusion",),
                            guard=_guard("lookback_ready")),),
)

RV = ReviewState
REVIEW_FLOW = StateMachine(
    states=dict(RV.choices), initial=RV.DRAFTING, final=frozenset({RV.FINAL}),
    transitions=(Transition("finalise", "定稿", (RV.DRAFTING,), RV.FINAL, roles=("admin", "staff", "leader"),
                            guard=_guard("review_ready")),),
)

EV = EvaluationState
EVALUATION_FLOW = StateMachine(
    states=dict(EV.choices), initial=EV.PLANNED, final=frozenset({EV.CLOSED}),
    transitions=(
        Transition("start", "开始演练评估", (EV.PLANNED,), EV.OBSERVING, roles=EVALUATORS, guard=_guard("has_criteria")),
        Transition("finish", "结束并评分", (EV.OBSERVING,), EV.SCORED, roles=EVALUATORS, guard=_guard("has_observations")),
        Transition("close", "完成评估报告", (EV.SCORED,), EV.CLOSED, roles=EVALUATORS),
    ),
)

AL = AlertState
ALERT_FLOW = StateMachine(
    states=dict(AL.choices), initial=AL.OPEN, final=frozenset({AL.RESOLVED, AL.EXPLAINED}),
    waiting={AL.OPEN: Waiting("应急预案演练逾期", ("explain",), due="due_on")},
    transitions=(
        Transition("resolve", "已组织演练", (AL.OPEN,), AL.RESOLVED, automatic=True),
        Transition("explain", "说明情况", (AL.OPEN,), AL.EXPLAINED, roles=("admin", "staff", "enterprise"),
                   requires=("reason",)),
    ),
)
