"""The declared state-machine engine, on the hidden-hazard closed loop of STANDARDS.md §7."""

import itertools

import pytest

from yingji.core.framework.statemachine import ANY_ROLE, CREATED, StateMachine, Transition, TransitionError, Waiting

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


# ---- waiting states (the to-do inbox) and separation of duties ---------------------------------------

SEPARATED = StateMachine(
    states=STATES, initial="reported", final=frozenset({"closed", "rejected"}), creator_label="上报此隐患的人",
    waiting={"reported": Waiting("待核实", ("verify", "reject")),
             "rectifying": Waiting("待整改", ("submit",), due="deadline"),
             "awaiting_acceptance": Waiting("待验收", ("close", "send_back"))},
    transitions=(
        Transition("verify", "核实", ("reported",), "rectifying", roles=("township", "staff"), separate_from=(CREATED,)),
        Transition("reject", "驳回", ("reported",), "rejected", roles=("township",), separate_from=(CREATED,)),
        Transition("submit", "提交验收", ("rectifying",), "awaiting_acceptance", roles=("enterprise",)),
        Transition("send_back", "退回整改", ("awaiting_acceptance",), "rectifying", roles=("township", "staff"),
                   separate_from=(CREATED,)),
        Transition("close", "验收销号", ("awaiting_acceptance",), "closed", roles=("township", "staff"),
                   separate_from=(CREATED, "verify")),
    ),
)
ACTORS = {CREATED: {7}, "verify": {8}}


def test_who_created_a_record_may_not_take_a_step_separated_from_it():
    assert SEPARATED.refusal("reported", "verify", ["township"], actor=7, actors=ACTORS) == \
        "职责分离：上报此隐患的人不能核实"
    assert SEPARATED.refusal("reported", "verify", ["township"], actor=9, actors=ACTORS) is None
    assert SEPARATED.refusal("awaiting_acceptance", "close", ["staff"], actor=8, actors=ACTORS) == \
        "职责分离：执行过“核实”的人不能验收销号"
    with pytest.raises(TransitionError, match="职责分离"):
        SEPARATED.take("reported", "reject", ["township"], {}, actor=7, actors=ACTORS)
    # The system is no one: automatic steps and jobs are never separated.
    assert SEPARATED.refusal("reported", "verify", ["township"], actor=7, actors=ACTORS, system=True) is None
    # A step not separated from anything stays open to the creator.
    assert SEPARATED.refusal("rectifying", "submit", ["enterprise"], actor=7, actors=ACTORS) is None
    # Without knowing the actors (no creator recorded: a public tip-off), nobody is kept out.
    assert SEPARATED.refusal("reported", "verify", ["township"], actor=7, actors={}) is None


def test_available_leaves_out_what_separation_forbids():
    assert [t.name for t in SEPARATED.available("reported", ["township"], actor=7, actors=ACTORS)] == []
    assert [t.name for t in SEPARATED.available("reported", ["township"], actor=9, actors=ACTORS)] == ["verify", "reject"]
    assert [t.name for t in SEPARATED.available("awaiting_acceptance", ["staff"], actor=8, actors=ACTORS)] == ["send_back"]
    assert [t.name for t in SEPARATED.available("reported", ["township"])] == ["verify", "reject"]  # no actor given


def test_waiting_states_name_their_next_steps_roles_and_who_is_barred():
    assert SEPARATED.waiting_roles("reported") == ("township", "staff")
    assert SEPARATED.waiting_roles("rectifying") == ("enterprise",)
    assert SEPARATED.waiting_roles("closed") == ()
    # Barred from a to-do: kept out of every one of its next steps.
    assert SEPARATED.barred("reported", ACTORS) == {7}
    assert SEPARATED.barred("awaiting_acceptance", ACTORS) == {7}  # the verifier may still send it back
    assert SEPARATED.barred("rectifying", ACTORS) == set()
    assert SEPARATED.separated_steps() == {CREATED, "verify"}
    anyone = StateMachine(states={"a": "甲", "b": "乙"}, initial="a", waiting={"a": Waiting("待办", ("go", "stop"))},
                          transitions=(Transition("go", "去", ("a",), "b", roles=("x",)),
                                       Transition("stop", "停", ("a",), "b")))
    assert anyone.waiting_roles("a") == (ANY_ROLE,)


def test_waiting_and_separation_declarations_are_checked():
    def machine(**kwargs):
        return StateMachine(states={"a": "甲", "b": "乙"}, initial="a", final=frozenset({"b"}), **kwargs)

    go = Transition("go", "去", ("a",), "b")
    with pytest.raises(ValueError, match="not a declared, non-final state"):
        machine(transitions=(go,), waiting={"b": Waiting("待办", ("go",))})
    with pytest.raises(ValueError, match="not a declared, non-final state"):
        machine(transitions=(go,), waiting={"c": Waiting("待办", ("go",))})
    with pytest.raises(ValueError, match="names no next step"):
        machine(transitions=(go,), waiting={"a": Waiting("待办", ())})
    with pytest.raises(ValueError, match="fly is not a transition users take from it"):
        machine(transitions=(go,), waiting={"a": Waiting("待办", ("fly",))})
    auto = Transition("go", "去", ("a",), "b", automatic=True)
    with pytest.raises(ValueError, match="go is not a transition users take from it"):
        machine(transitions=(auto,), waiting={"a": Waiting("待办", ("go",))})
    with pytest.raises(ValueError, match="separated from unknown steps"):
        machine(transitions=(Transition("go", "去", ("a",), "b", separate_from=("fly",)),))
