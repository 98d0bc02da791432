"""Alarm handling as a declared state machine: 报警 → 已确认 → 处置中 → 已消警 (with 处置措施 and cause);
an offline alarm is closed by the system when its sensor reports again."""

from yingji.core.framework.statemachine import StateMachine, Transition

HANDLERS = ("admin", "staff", "duty", "township", "enterprise")


def _measures_and_cause(alarm) -> str | None:
    missing = [label for label, value in (("处置措施", alarm.measures), ("报警原因", alarm.cause)) if not value]
    return f"消警前须填写{'、'.join(missing)}" if missing else None


ALARM_FLOW = StateMachine(
    states={"raised": "报警", "acknowledged": "已确认", "handling": "处置中", "cleared": "已消警"},
    initial="raised", final=frozenset({"cleared"}),
    transitions=(
        Transition("acknowledge", "确认", ("raised",), "acknowledged", roles=HANDLERS),
        Transition("handle", "开始处置", ("acknowledged",), "handling", roles=HANDLERS),
        Transition("clear", "消警", ("acknowledged", "handling"), "cleared", roles=HANDLERS, guard=_measures_and_cause),
        # An offline alarm ends itself when the sensor reports again (alarms.apply_events): nothing is
        # left to handle, and a stopped simulator no longer leaves a board full of them.
        Transition("recover", "恢复上报，自动消警", ("raised", "acknowledged", "handling"), "cleared", automatic=True),
    ),
)
