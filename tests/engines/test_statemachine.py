"""The declared state-machine engine, on the hidden-hazard closed loop of STANDARDS.md §7."""

import itertools

import pytest

from yingji.core.framework.statemachine import StateMachine, Transition, TransitionError

STATES = {"reported": "上报", "rejected": "已驳回", "rectifying": "整改中", "overdue": "逾期",
          "awaiting_acceptance": "待验收", "closed": "已销号"}
LOOP = StateMachine(
    states=STATES, initial="reported", final=frozenset({"closed", "rejected"}),
    transitions=(
        Transition("verify", "核实", ("reported",), "rectifying", roles=("township", "staff")),
        Transition("reject", "驳回", ("reported",), "rejected", roles=("township", "staff"), requires=("reason",)),
        Transition("mark_overdue", "逾期", ("rectifying",), "overdue", automatic=True),
        Transition("submit", "提交验收", ("rectifying", "overdue"), "awaiting_acceptance",
                   roles=("enterprise",), requires=("photos",)),
        Transition("send_back", "退回整改", ("awaiting_acceptance",), "rectifying", roles=("township", "staff"),
                   requires=("reason",)),
        Transition("close", "验收销号", ("awaiting_acceptance",), "closed", roles=("township", "staff"),
                   guard=lambda record: None if record.get("funds_recorded") else "整改资金未登记，不能销号"),
    ),
)
INPUTS = {"reason": "隐患描述不实", "photos": ["after.jpg"], "comment": "ok"}


def test_the_happy_path():
    state = LOOP.initial
    state = LOOP.take(state, "verify", ["township"])
    state = LOOP.take(state, "mark_overdue", [], system=True)
    state = LOOP.take(state, "submit", ["enterprise"], INPUTS)
    state = LOOP.take(state, "close", ["staff"], INPUTS, record={"funds_recorded": True})
    assert state == "closed" and state in LOOP.final


@pytest.mark.parametrize("state, name", list(itertools.product(STATES, [t.name for t in LOOP.transitions])))
def test_every_transition_from_every_state(state, name):
    """Allowed exactly from its declared sources, for a role it names; refused with a reason otherwise."""
    t = LOOP.transition(name)
    roles = ["township", "staff", "enterprise"]
    record = {"funds_recorded": True}
    if state in t.sources:
        assert LOOP.take(state, name, roles, INPUTS, record, system=t.automatic) == t.target
    else:
        with pytest.raises(TransitionError, match=f"当前状态为“{STATES[state]}”，不能{t.label}"):
            LOOP.take(state, name, roles, INPUTS, record, system=t.automatic)


@pytest.mark.parametrize("name, roles, allowed", [
    ("verify", ["township"], True), ("verify", ["enterprise"], False), ("verify", ["readonly"], False),
    ("submit", ["enterprise"], True), ("submit", ["township"], False),
])
def test_roles(name, roles, allowed):
    source = LOOP.transition(name).sources[0]
    reason = LOOP.refusal(source, name, roles, INPUTS)
    assert (reason is None) is allowed
    if not allowed:
        assert reason == f"您的角色不能执行“{LOOP.transition(name).label}”"


def test_required_inputs_and_guards():
    assert LOOP.refusal("reported", "reject", ["township"], {}) == "驳回须填写理由"
    assert LOOP.refusal("rectifying", "submit", ["enterprise"], {"photos": []}) == "提交验收须填写照片"
    assert LOOP.refusal("awaiting_acceptance", "close", ["staff"], {}, record={}) == "整改资金未登记，不能销号"


def test_automatic_transitions_are_the_systems_alone():
    assert LOOP.refusal("rectifying", "mark_overdue", ["admin"]) == "“逾期”由系统自动执行"
    assert "mark_overdue" not in [t.name for t in LOOP.available("rectifying", ["township", "staff"])]
    assert [t.name for t in LOOP.available("awaiting_acceptance", ["staff"])] == ["send_back", "close"]


def test_declaration_is_checked():
    assert LOOP.reachable() == set(STATES)
    with pytest.raises(ValueError, match="undeclared states"):
        StateMachine(states={"a": "甲"}, initial="a", transitions=(Transition("go", "去", ("a",), "b"),))
    with pytest.raises(ValueError, match="unique"):
        StateMachine(states={"a": "甲"}, initial="a",
                     transitions=(Transition("go", "去", ("a",), "a"), Transition("go", "去", ("a",), "a")))
    with pytest.raises(TransitionError, match="没有名为“fly”的操作"):
        LOOP.take("reported", "fly", ["admin"])
