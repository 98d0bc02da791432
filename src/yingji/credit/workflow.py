"""The listing procedure and the early-removal review as declared state machines.

Listing (名单): 拟列入 → (告知: 告知书 with the 陈述申辩 period) 已告知 → (决定: 列入决定书) 已决定列入 →
(公布) 已公布 → 管理期满移出 (automatic, the job) | 已提前移出 (an approved application) ; 已公布 ⇄ 异议核查中
(异议: 维持 back to 已公布, 成立 → 已撤销列入); 不予列入 from 拟列入 or 已告知; 已提前移出 → 已公布 again
(恢复列入) when the removal is revoked for fraud.

Who: the bureau's 业务科室 (staff) tells, publishes and records objections and applications; 局领导
(leader) decides — to list or not, an objection, an application — never on the file they prepared
themselves (separation of duties where a person proposed it). The system takes the automatic steps.
Steps with inputs beyond a comment are operations (operations.py) taken through this machine."""

from yingji.core.framework.statemachine import CREATED, StateMachine, Transition, Waiting
from yingji.credit.choices import ListingState as S
from yingji.credit.choices import RemovalState as R

HANDLERS = ("admin", "staff")
DECIDERS = ("admin", "leader")


def _guard(name):
    def guard(record):
        from yingji.credit import services

        return getattr(services, name)(record)

    guard.__name__ = name
    return guard


LISTING_FLOW = StateMachine(
    states=dict(S.choices), initial=S.PROPOSED,
    final=frozenset({S.EXPIRED, S.REVOKED, S.DISMISSED}),
    creator_label="提出此列入建议的人",
    waiting={
        S.PROPOSED: Waiting("待告知（拟列入）", ("notify",)),  # the clerk's; 不予列入 is open to the leader meanwhile
        S.NOTIFIED: Waiting("陈述申辩期满后待决定", ("decide", "dismiss"), due="statement_due"),
        S.DECIDED: Waiting("待公布", ("publish",)),
        S.OBJECTION: Waiting("待核查异议", ("reject_objection", "uphold_objection")),
    },
    transitions=(
        Transition("notify", "告知", (S.PROPOSED,), S.NOTIFIED, roles=HANDLERS),
        Transition("decide", "决定列入", (S.NOTIFIED,), S.DECIDED, roles=DECIDERS, separate_from=(CREATED,),
                   guard=_guard("ready_to_decide")),
        Transition("dismiss", "不予列入", (S.PROPOSED, S.NOTIFIED), S.DISMISSED, roles=DECIDERS, requires=("reason",)),
        Transition("publish", "公布", (S.DECIDED,), S.PUBLISHED, roles=HANDLERS),
        Transition("object", "登记异议", (S.PUBLISHED,), S.OBJECTION, roles=HANDLERS),
        Transition("reject_objection", "异议不成立（维持）", (S.OBJECTION,), S.PUBLISHED, roles=DECIDERS,
                   requires=("comment",)),
        Transition("uphold_objection", "异议成立（撤销列入）", (S.OBJECTION,), S.REVOKED, roles=DECIDERS,
                   requires=("reason",)),
        Transition("expire", "管理期满移出", (S.PUBLISHED, S.OBJECTION, S.DECIDED), S.EXPIRED, automatic=True),
        Transition("remove", "提前移出", (S.PUBLISHED,), S.REMOVED, automatic=True),
        Transition("restore", "恢复列入", (S.REMOVED,), S.PUBLISHED, automatic=True),
    ),
)

REMOVAL_FLOW = StateMachine(
    states=dict(R.choices), initial=R.SUBMITTED, final=frozenset({R.REJECTED, R.REVOKED}),
    creator_label="受理此申请的人",
    waiting={R.SUBMITTED: Waiting("待审核提前移出申请", ("approve", "reject"))},
    transitions=(
        Transition("approve", "同意提前移出", (R.SUBMITTED,), R.APPROVED, roles=DECIDERS, separate_from=(CREATED,),
                   requires=("comment",)),
        Transition("reject", "不予提前移出", (R.SUBMITTED,), R.REJECTED, roles=DECIDERS, requires=("reason",)),
        Transition("revoke", "撤销提前移出（弄虚作假）", (R.APPROVED,), R.REVOKED, roles=DECIDERS, requires=("reason",)),
    ),
)
