"""The hidden-hazard closed loop (STANDARDS.md §7): 上报 → 核实 (或驳回) → 整改中 → 待验收 → 已销号;
整改中 past its deadline becomes 逾期 automatically and is escalated (督办); verification may send a
hazard back to 整改中.

Waiting states give to-dos: 待核实 (核实/驳回), 待整改 (by the deadline), 待验收 (销号/退回).
Separation of duties: who reported a hazard (Hazard.reported_by) can neither verify or reject it
nor accept it or send it back; 验收人 is recorded on closing (Hazard.on_transition)."""

from yingji.core.framework.statemachine import CREATED, StateMachine, Transition, Waiting
from yingji.hazards.choices import State

SUPERVISORS = ("admin", "staff", "township")  # 业务科室 and 乡镇 verify, send back and accept
RECTIFIERS = ("admin", "staff", "township", "enterprise")


def _rectification_planned(hazard) -> str | None:
    missing = [label for label, value in (("整改措施", hazard.measures), ("整改期限", hazard.deadline),
                                          ("整改责任人", hazard.responsible_person)) if not value]
    return f"核实前须登记{'、'.join(missing)}（五落实）" if missing else None


TO_RECTIFY = Waiting("待整改", ("submit",), due="deadline")

HAZARD_LOOP = StateMachine(
    states=dict(State.choices), initial=State.REPORTED,
    final=frozenset({State.CLOSED, State.REJECTED}),
    creator_label="上报此隐患的人",
    waiting={
        State.REPORTED: Waiting("待核实", ("verify", "reject")),
        State.RECTIFYING: TO_RECTIFY,
        State.OVERDUE: TO_RECTIFY,  # the same to-do, past its due time
        State.AWAITING_ACCEPTANCE: Waiting("待验收", ("close", "send_back")),
    },
    transitions=(
        Transition("verify", "核实", (State.REPORTED,), State.RECTIFYING, roles=SUPERVISORS,
                   guard=_rectification_planned, separate_from=(CREATED,)),
        Transition("reject", "驳回", (State.REPORTED,), State.REJECTED, roles=SUPERVISORS, requires=("reason",),
                   separate_from=(CREATED,)),
        Transition("mark_overdue", "逾期督办", (State.RECTIFYING,), State.OVERDUE, automatic=True),
        Transition("submit", "整改完成，申请验收", (State.RECTIFYING, State.OVERDUE), State.AWAITING_ACCEPTANCE,
                   roles=RECTIFIERS, requires=("comment",)),
        Transition("send_back", "验收不合格，退回整改", (State.AWAITING_ACCEPTANCE,), State.RECTIFYING,
                   roles=SUPERVISORS, requires=("reason",), separate_from=(CREATED,)),
        Transition("close", "验收合格，销号", (State.AWAITING_ACCEPTANCE,), State.CLOSED, roles=SUPERVISORS,
                   separate_from=(CREATED,)),
    ),
)
