"""The declared lifecycle of a shelter's activation (应急启用 → 运行中 → 安置运行结束).

Activation itself is the ``activate`` operation on a shelter (operations.py): it makes the record in
state 已启用. 开始运行 starts taking people in; 安置运行结束 is refused while anyone is still checked in
(everyone leaves or is transferred first) and asks for a closing note."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.shelters.choices import ActivationState

OPERATORS = ("admin", "staff", "township")  # the county's 救灾 section and the township running the site
INPUTS = {"comment": "说明", "reason": "理由", "photos": "照片"}


def _everyone_out(activation) -> str | None:
    n = activation.households.filter(state="in").count()
    return f"还有 {n} 户在住，请先办理离开或转移后再结束安置运行" if n else None


ACTIVATION_FLOW = StateMachine(
    states=dict(ActivationState.choices), initial=ActivationState.ACTIVATED,
    final=frozenset({ActivationState.CLOSED}), input_labels=INPUTS,
    waiting={ActivationState.ACTIVATED: Waiting("待开始运行", ("start",))},
    transitions=(
        Transition("start", "开始运行", (ActivationState.ACTIVATED,), ActivationState.RUNNING, roles=OPERATORS),
        Transition("close", "安置运行结束", (ActivationState.ACTIVATED, ActivationState.RUNNING), ActivationState.CLOSED,
                   roles=OPERATORS, requires=("comment",), guard=_everyone_out),
    ),
)
