"""The donations' declared state machines.

A lot (捐赠接收): 已接收，待查验 → (查验入库) 已入库（到账）: goods enter the receiving point's warehouse in
the stock ledger under the lot's receipt number, money is confirmed in the account; → (拒收) 拒收 with
the reason (goods failing the safety or hygiene check: 过期、变质、无合格证 …); 已入库 → 已分配使用完毕
automatically once the whole lot is allocated.

A disclosure: 待公开 (the responsible office's to-do, due on its date) → (公开) 已公开."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.donations.choices import DisclosureState as D
from yingji.donations.choices import LotState as S

OFFICE = ("admin", "staff", "township")  # the donations office: county staff and the townships' points
PUBLISHERS = ("admin", "staff")


def _guard(name):
    def guard(record):
        from yingji.donations import services

        return getattr(services, name)(record)

    guard.__name__ = name
    return guard


LOT_FLOW = StateMachine(
    states=dict(S.choices), initial=S.RECEIVED, final=frozenset({S.REFUSED, S.CLOSED}),
    creator_label="经办接收的人",
    input_labels={"comment": "查验情况", "reason": "拒收理由", "photos": "照片"},
    waiting={S.RECEIVED: Waiting("待查验入库", ("accept", "refuse"))},
    transitions=(
        Transition("accept", "查验入库", (S.RECEIVED,), S.ACCEPTED, roles=OFFICE, guard=_guard("ready_to_accept")),
        Transition("refuse", "拒收", (S.RECEIVED,), S.REFUSED, roles=OFFICE, requires=("reason",)),
        Transition("close", "分配完毕", (S.ACCEPTED,), S.CLOSED, automatic=True),
    ),
)

DISCLOSURE_FLOW = StateMachine(
    states=dict(D.choices), initial=D.DUE, final=frozenset({D.PUBLISHED}),
    waiting={D.DUE: Waiting("待公开捐赠信息", ("publish",), due="due_on")},
    transitions=(
        Transition("publish", "公开", (D.DUE,), D.PUBLISHED, roles=PUBLISHERS, guard=_guard("ready_to_publish")),
    ),
)
