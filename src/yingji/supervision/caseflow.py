"""The enforcement case (执法案件) as a declared state machine:

立案 → 调查取证 → 告知（陈述申辩/听证）→ 法制审核（罚款达到门槛时必经）→ 集体讨论（门槛或情节复杂时必经）
→ 决定 → 执行 → 结案; 撤销立案 before 告知.

Refusals: a step from the wrong state (409, the machine's words); a missing paper (告知 needs an
询问笔录; 执行 needs the 决定书 served); a missing review or discussion above the threshold (决定 is
refused until they are done). Separation of duties: who filed the case may not pass its legal
review (法制审核 by someone other than the 承办人).

Clocks (to-dos): the decision within 90 days of 立案 (行政处罚法 第六十条) while the case is open
before its decision; the fine paid within 15 days of the decision's 送达 (第六十七条).
"""

from yingji.core.framework.statemachine import CREATED, StateMachine, Transition, Waiting
from yingji.supervision.casechoices import CaseState as S

HANDLERS = ("admin", "staff")  # 承办人员 (业务科室/执法大队)
REVIEWERS = ("admin", "legal")  # 法制审核人员
HEADS = ("admin", "leader")  # 行政机关负责人: 集体讨论, 决定, 结案审批


def _guard(check_name):
    def guard(case):
        from yingji.supervision import caseservices

        return getattr(caseservices, check_name)(case)

    guard.__name__ = check_name
    return guard


def _decision_due(case):
    from yingji.supervision import caseservices

    return caseservices.decision_due(case)


def _payment_due(case):
    from yingji.supervision import caseservices

    return caseservices.payment_due(case)


CASE_FLOW = StateMachine(
    states=dict(S.choices), initial=S.FILED, final=frozenset({S.CLOSED, S.REVOKED}),
    creator_label="本案承办人",
    waiting={
        S.FILED: Waiting("待调查取证", ("investigate",), due=_decision_due),
        S.INVESTIGATING: Waiting("待告知", ("notify",), due=_decision_due),
        S.NOTIFIED: Waiting("待法制审核或决定", ("submit_review", "discuss", "decide"), due=_decision_due),
        S.REVIEWING: Waiting("待法制审核", ("review_pass", "review_return"), due=_decision_due),
        S.REVIEWED: Waiting("待决定", ("discuss", "decide"), due=_decision_due),
        S.DISCUSSED: Waiting("待决定", ("decide",), due=_decision_due),
        S.DECIDED: Waiting("待执行", ("execute",), due=_payment_due),
        S.EXECUTED: Waiting("待结案", ("close",)),
    },
    transitions=(
        Transition("investigate", "开始调查取证", (S.FILED,), S.INVESTIGATING, roles=HANDLERS),
        Transition("notify", "告知（行政处罚告知书）", (S.INVESTIGATING,), S.NOTIFIED, roles=HANDLERS,
                   guard=_guard("ready_to_notify")),
        Transition("submit_review", "提交法制审核", (S.NOTIFIED,), S.REVIEWING, roles=HANDLERS,
                   guard=_guard("heard_the_party")),
        Transition("review_pass", "法制审核通过", (S.REVIEWING,), S.REVIEWED, roles=REVIEWERS, requires=("comment",),
                   separate_from=(CREATED,)),
        Transition("review_return", "法制审核退回补充调查", (S.REVIEWING,), S.INVESTIGATING, roles=REVIEWERS,
                   requires=("reason",), separate_from=(CREATED,)),
        Transition("discuss", "负责人集体讨论", (S.NOTIFIED, S.REVIEWED), S.DISCUSSED, roles=HEADS,
                   requires=("comment",), guard=_guard("ready_to_discuss")),  # the comment: 讨论结论
        Transition("decide", "作出处罚决定（行政处罚决定书）", (S.NOTIFIED, S.REVIEWED, S.DISCUSSED), S.DECIDED,
                   roles=HEADS, guard=_guard("ready_to_decide")),
        Transition("execute", "执行完毕", (S.DECIDED,), S.EXECUTED, roles=HANDLERS, requires=("comment",),
                   guard=_guard("decision_served")),
        Transition("close", "结案（结案审批表）", (S.EXECUTED,), S.CLOSED, roles=HEADS),
        Transition("revoke", "撤销立案", (S.FILED, S.INVESTIGATING), S.REVOKED, roles=HEADS, requires=("reason",)),
    ),
)
