"""An alert's life: 待处理 (the rules found it) → 已消除 (automatic: the rules no longer find it — a policy
entered, a certificate renewed) | 已说明待核实 (the enterprise or township explains: 已停产, 已离岗 …) → 已核销
(the office accepts it) or back to 待处理 (说明不成立); the office may also 核销 an open alert with a reason.
The two waiting states are to-dos: 待处理 for the enterprise, the township and the office; 待核实说明 for
the office."""

from yingji.compliance.choices import AlertState as S
from yingji.core.framework.statemachine import StateMachine, Transition, Waiting

OFFICE = ("admin", "staff")
RESPONDERS = ("admin", "staff", "township", "enterprise")

ALERT_FLOW = StateMachine(
    states=dict(S.choices), initial=S.OPEN, final=frozenset({S.CLEARED, S.WAIVED}),
    waiting={
        S.OPEN: Waiting("待处理安责险与持证预警", ("explain", "waive"), due="due_on"),
        S.EXPLAINED: Waiting("待核实预警说明", ("waive", "reopen")),
    },
    transitions=(
        Transition("explain", "说明情况", (S.OPEN,), S.EXPLAINED, roles=RESPONDERS, requires=("comment",)),
        Transition("waive", "核销", (S.OPEN, S.EXPLAINED), S.WAIVED, roles=OFFICE, requires=("reason",)),
        Transition("reopen", "说明不成立", (S.EXPLAINED,), S.OPEN, roles=OFFICE, requires=("reason",)),
        Transition("clear", "已消除", (S.OPEN, S.EXPLAINED), S.CLEARED, automatic=True),
    ),
)
