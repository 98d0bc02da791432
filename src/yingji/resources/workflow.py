"""Declared lifecycles of the resources module.

Transfer orders (调拨单): 拟定 → 审批 → 出库 → 在途 → 签收. Stock moves on 出库 (out of the source)
and on 签收 (into the destination warehouse, if any) only — the order's ``on_transition`` does it in
the transition's transaction, so a refused stock movement refuses the step. An order can be voided
(作废) until it is issued; after that the goods are on the road and must be signed for.

Social force registrations (社会应急力量登记): 待审核 → 已认定 (creates the team) or 未通过.
"""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting

APPROVERS = ("admin", "leader")  # 局领导 approve what others draft
KEEPERS = ("admin", "staff", "township")  # warehouse keepers and dispatchers
REVIEWERS = ("admin", "staff")


def _has_lines(order) -> str | None:
    return None if order.lines.exists() else "调拨单还没有物资明细，请先添加"


TRANSFER_FLOW = StateMachine(
    states={"drafted": "拟定", "approved": "已审批", "issued": "已出库", "in_transit": "在途", "received": "已签收",
            "voided": "已作废"},
    initial="drafted", final=frozenset({"received", "voided"}),
    waiting={"drafted": Waiting("待审批", ("approve", "void")),
             "approved": Waiting("待出库", ("issue",)),
             "issued": Waiting("待发车", ("depart",)),
             "in_transit": Waiting("待签收", ("receive",))},
    transitions=(
        Transition("approve", "审批同意", ("drafted",), "approved", roles=APPROVERS, guard=_has_lines),
        Transition("issue", "出库", ("approved",), "issued", roles=KEEPERS),
        Transition("depart", "发车（在途）", ("issued",), "in_transit", roles=KEEPERS),
        Transition("receive", "签收", ("in_transit",), "received", roles=KEEPERS + ("village",)),
        Transition("void", "作废", ("drafted", "approved"), "voided", roles=APPROVERS + ("staff",), requires=("reason",)),
    ),
)

def team_name_taken(application) -> str | None:
    """Team names are unique (they are how dispatch, imports and the API refer to a team)."""
    from yingji.resources.models import Team

    if Team.objects.filter(name=application.name).exists():
        return f"已有同名的救援队伍“{application.name}”：请核实是否为同一队伍，或修改登记的队伍名称后再认定"
    return None


SOCIAL_FORCE_REVIEW = StateMachine(
    states={"submitted": "待审核", "approved": "已认定", "rejected": "未通过"},
    initial="submitted", final=frozenset({"approved", "rejected"}),
    waiting={"submitted": Waiting("待审核", ("approve", "reject"))},
    transitions=(
        Transition("approve", "审核认定", ("submitted",), "approved", roles=REVIEWERS, guard=team_name_taken),
        Transition("reject", "不予认定", ("submitted",), "rejected", roles=REVIEWERS, requires=("reason",)),
    ),
)
