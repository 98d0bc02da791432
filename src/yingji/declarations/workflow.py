"""A declaration's declared state machine: 待处理 → 已纳入灾情统计 (转为灾情) / 已作为突发事件处置 (转为事件),
both taken by their operations (operations.py: they have inputs of their own, the 灾情事件 or the event
type), never as bare transitions; 待处理 → 不予采纳 with the reason the declarant reads on the status
page (a hoax, outside the county, not a disaster)."""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.declarations.choices import State as S

HANDLERS = ("admin", "staff", "township", "duty")  # the county's desk and the townships
DISASTER_ENTRY = ("township",)  # the township enters its own 灾情 figures (the statistical unit)

DECLARATION_FLOW = StateMachine(
    states=dict(S.choices), initial=S.NEW, final=frozenset({S.DISASTER, S.INCIDENT, S.DISMISSED}),
    input_labels={"comment": "说明", "reason": "理由（申报人在查询页面可见，请勿写他人信息）", "photos": "照片"},
    waiting={S.NEW: Waiting("待处理网上申报", ("dismiss",))},
    transitions=(
        Transition("to_disaster", "转为灾情", (S.NEW,), S.DISASTER, automatic=True),
        Transition("to_incident", "转为事件", (S.NEW,), S.INCIDENT, automatic=True),
        Transition("dismiss", "不予采纳", (S.NEW,), S.DISMISSED, roles=HANDLERS, requires=("reason",)),
    ),
)
