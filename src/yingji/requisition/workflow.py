"""The requisition order (征用单) as a declared state machine:

拟定 → (批准) 已批准 → (送达) 已送达 → (投入使用) 使用中 → (返还) 已返还 → (补偿) 已补偿; 撤销 from 拟定,
已批准 or 已送达 (before the item is used) with why.

批准 is the government's (局领导 or the bureau's staff), by someone other than who drafted it; 送达 records
when the 征用通知书 reached the owner and who signed for it; 返还 records the state it came back in and
the assessed damage, from which the compensation is calculated (compcalc.py, the jurisdiction's rules);
补偿 records the payment (amount, date, voucher number). The steps with inputs beyond a comment are
operations of their own (operations.py), taken through this machine."""

from yingji.core.framework.statemachine import CREATED, StateMachine, Transition, Waiting
from yingji.requisition.choices import State as S

DRAFTERS = ("admin", "staff", "township")
APPROVERS = ("admin", "staff", "leader")
PAYERS = ("admin", "staff")


def _guard(name):
    def guard(requisition):
        from yingji.requisition import services

        return getattr(services, name)(requisition)

    guard.__name__ = name
    return guard


REQUISITION_FLOW = StateMachine(
    states=dict(S.choices), initial=S.DRAFTED, final=frozenset({S.COMPENSATED, S.CANCELLED}),
    creator_label="拟定此征用单的人",
    waiting={
        S.DRAFTED: Waiting("待批准", ("approve",)),
        S.APPROVED: Waiting("待送达征用通知书", ("serve",)),
        S.SERVED: Waiting("待投入使用", ("start_use",)),
        S.IN_USE: Waiting("使用中（用毕返还）", ("return_item",)),
        S.RETURNED: Waiting("待支付补偿", ("compensate",)),
    },
    transitions=(
        Transition("approve", "批准", (S.DRAFTED,), S.APPROVED, roles=APPROVERS, separate_from=(CREATED,),
                   guard=_guard("ready_to_approve")),
        Transition("serve", "送达", (S.APPROVED,), S.SERVED, roles=DRAFTERS),
        Transition("start_use", "投入使用", (S.SERVED,), S.IN_USE, roles=DRAFTERS),
        Transition("return_item", "返还", (S.IN_USE,), S.RETURNED, roles=DRAFTERS),
        Transition("compensate", "补偿", (S.RETURNED,), S.COMPENSATED, roles=PAYERS),
        Transition("cancel", "撤销", (S.DRAFTED, S.APPROVED, S.SERVED), S.CANCELLED, roles=APPROVERS,
                   requires=("reason",)),
    ),
)
