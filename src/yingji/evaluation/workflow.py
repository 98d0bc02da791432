"""The evaluation report's declared state machine: 草稿 → (公开征求意见) 征求意见中, the public page takes
comments until the period ends → (定稿) 已定稿; a draft may be 定稿 without a comment period (a yearly
monitoring report is internal)."""

from yingji.core.framework.statemachine import StateMachine, Transition
from yingji.evaluation.choices import EvaluationState as S

PLANNERS = ("admin", "staff")
LEADERS = ("admin", "leader", "staff")


def _guard(name):
    def guard(record):
        from yingji.evaluation import services

        return getattr(services, name)(record)

    guard.__name__ = name
    return guard


EVALUATION_FLOW = StateMachine(
    states=dict(S.choices), initial=S.DRAFT, final=frozenset({S.FINAL}),
    input_labels={"comment": "说明"},
    transitions=(
        Transition("open_comment", "公开征求意见", (S.DRAFT,), S.COMMENT, roles=PLANNERS,
                   guard=_guard("ready_for_comment")),
        Transition("finalise", "定稿", (S.DRAFT, S.COMMENT), S.FINAL, roles=LEADERS, guard=_guard("ready_to_finalise")),
    ),
)
