"""The distribution batch (发放批次) as a declared state machine:

草拟 → (审核) 已审核 → (审批) 已审批 → [(公示) 公示中, where the jurisdiction requires it] → (发放) 发放中
→ 已签收 once every household has signed (automatic); 退回 from 已审核/已审批 to 草拟 with why; 作废
before 发放 (the households are freed for another batch).

审核 is the township's (村评议、乡镇审核), 审批 the county bureau's, by someone other than who reviewed it.
发放 is refused while a required 公示 has not run its period (the guard). 公示 itself is its own
operation (operations.py: the period and the complaint channel are its inputs)."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.relief.choices import BatchState as S

REVIEWERS = ("admin", "staff", "township")
APPROVERS = ("admin", "staff", "leader")
ISSUERS = ("admin", "staff", "township")


def _guard(name):
    def guard(batch):
        from yingji.relief import services

        return getattr(services, name)(batch)

    guard.__name__ = name
    return guard


BATCH_FLOW = StateMachine(
    states=dict(S.choices), initial=S.DRAFT, final=frozenset({S.DONE, S.CANCELLED}),
    creator_label="制单人",
    waiting={
        S.DRAFT: Waiting("待审核", ("review",)),
        S.REVIEWED: Waiting("待审批", ("approve", "return_back")),
        S.APPROVED: Waiting("待公示或发放", ("distribute",)),
        S.NOTICE: Waiting("公示期满后发放", ("distribute",), due="notice_until"),
    },
    transitions=(
        Transition("review", "审核", (S.DRAFT,), S.REVIEWED, roles=REVIEWERS, guard=_guard("ready_to_review")),
        Transition("approve", "审批", (S.REVIEWED,), S.APPROVED, roles=APPROVERS, separate_from=("review",)),
        Transition("return_back", "退回", (S.REVIEWED, S.APPROVED), S.DRAFT, roles=APPROVERS + ("township",),
                   requires=("reason",)),
        Transition("publish", "公示", (S.APPROVED,), S.NOTICE, automatic=True),
        Transition("distribute", "发放", (S.APPROVED, S.NOTICE), S.DISTRIBUTING, roles=ISSUERS,
                   guard=_guard("ready_to_distribute")),
        Transition("finish", "签收完成", (S.DISTRIBUTING,), S.DONE, automatic=True),
        Transition("cancel", "作废", (S.DRAFT, S.REVIEWED, S.APPROVED, S.NOTICE), S.CANCELLED,
                   roles=APPROVERS, requires=("reason",)),
    ),
)
