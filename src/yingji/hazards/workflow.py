"""The hidden-hazard closed loop (STANDARDS.md §7): 上报 → 核实 (或驳回) → 整改中 → 待验收 → 已销号;
整改中 past its deadline becomes 逾期 automatically and is escalated (督办); verification may send a
hazard back to 整改中."""

from yingji.core.framework.statemachine import StateMachine, Transition
from yingji.hazards.choices import State

SUPERVISORS = ("admin", "staff", "township")  # 业务科室 and 乡镇 verify, send back and accept
RECTIFIERS = ("admin", "staff", "township", "enterprise")


def _rectification_planned(hazard) -> str | None:
    missing = [label for label, value in (("整改措施", hazard.measures), ("整改期限", hazard.deadline),
                                          ("整改责任人", hazard.responsible_person)) if not value]
    return f"核实前须登记{'、'.join(missing)}（五落实）" if missing else None


HAZARD_LOOP = StateMachine(
    states=dict(State.choices), initial=State.REPORTED,
    final=frozenset({State.CLOSED, State.REJECTED}),
    transitions=(
        Transition("verify", "核实", (State.REPORTED,), State.RECTIFYING, roles=SUPERVISORS,
                   guard=_rectification_planned),
        Transition("reject", "驳回", (State.REPORTED,), State.REJECTED, roles=SUPERVISORS, requires=("reason",)),
        Transition("mark_overdue", "逾期督办", (State.RECTIFYING,), State.OVERDUE, automatic=True),
        Transition("submit", "整改完成，申请验收", (State.RECTIFYING, State.OVERDUE), State.AWAITING_ACCEPTANCE,
                   roles=RECTIFIERS, requires=("comment",)),
        Transition("send_back", "验收不合格，退回整改", (State.AWAITING_ACCEPTANCE,), State.RECTIFYING,
                   roles=SUPERVISORS, requires=("reason",)),
        Transition("close", "验收合格，销号", (State.AWAITING_ACCEPTANCE,), State.CLOSED, roles=SUPERVISORS),
    ),
)
