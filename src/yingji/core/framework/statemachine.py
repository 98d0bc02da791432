"""Declared state machines (pure, no Django): states, transitions, who may take each, what each needs.

Workflows — hidden hazards, alarms, warnings, incidents, reports, transfer orders, enforcement
cases — declare their machine once with this module; services ask it whether a transition may be
taken and what it changes, and log every transition. An invalid transition is a ``TransitionError``
carrying a Chinese reason, which the web layer answers with HTTP 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

ANY_ROLE = "*"


class TransitionError(Exception):
    """A transition that may not be taken now; ``str(exc)`` says why, in Chinese."""


@dataclass(frozen=True)
class Transition:
    name: str  # identifier used by the API: "verify", "reject", …
    label: str  # button text: 核实, 驳回, …
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = (ANY_ROLE,)  # role names that may take it
    requires: tuple[str, ...] = ()  # inputs that must be given: "comment", "reason", "photos", …
    guard: Callable[[object], str | None] | None = None  # extra rule on the record: None or why not
    automatic: bool = False  # taken by the system (e.g. overdue marking), never offered to users


@dataclass(frozen=True)
class StateMachine:
    states: Mapping[str, str]  # value -> Chinese label
    initial: str
    transitions: tuple[Transition, ...]
    final: frozenset[str] = field(default_factory=frozenset)
    input_labels: Mapping[str, str] = field(default_factory=lambda: {
        "comment": "意见", "reason": "理由", "photos": "照片"})
    # Inputs chosen from a list (e.g. the new response level): name -> ((value, label), …); the
    # record page shows a select for each such input a transition requires.
    input_choices: Mapping[str, tuple] = field(default_factory=dict)

    FREE_INPUTS = ("comment", "reason", "photos")

    def choice_inputs(self, t: Transition) -> list[tuple[str, str, tuple]]:
        """(name, label, choices) of the inputs ``t`` requires beyond comment, reason and photos."""
        return [(k, self.input_labels.get(k, k), self.input_choices.get(k, ()))
                for k in t.requires if k not in self.FREE_INPUTS]

    def __post_init__(self):
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError("transition names must be unique")
        known = set(self.states)
        if self.initial not in known or not self.final <= known:
            raise ValueError("initial and final states must be declared states")
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - known
            if unknown:
                raise ValueError(f"transition {t.name} uses undeclared states {sorted(unknown)}")

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise TransitionError(f"没有名为“{name}”的操作")

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def refusal(self, state: str, name: str, roles: Iterable[str], inputs: Mapping[str, object] | None = None,
                record: object = None, *, system: bool = False) -> str | None:
        """Why ``name`` cannot be taken from ``state`` by someone holding ``roles``; None if it can."""
        try:
            t = self.transition(name)
        except TransitionError as exc:
            return str(exc)
        if state not in t.sources:
            allowed = "、".join(self.label(s) for s in t.sources)
            return f"当前状态为“{self.label(state)}”，不能{t.label}（只能在{allowed}状态下{t.label}）"
        if t.automatic and not system:
            return f"“{t.label}”由系统自动执行"
        if not system and ANY_ROLE not in t.roles and not set(roles) & set(t.roles):
            return f"您的角色不能执行“{t.label}”"
        inputs = inputs or {}
        missing = [self.input_labels.get(k, k) for k in t.requires if not inputs.get(k)]
        if missing:
            return f"{t.label}须填写{'、'.join(missing)}"
        if t.guard is not None and record is not None:
            return t.guard(record)
        return None

    def take(self, state: str, name: str, roles: Iterable[str], inputs: Mapping[str, object] | None = None,
             record: object = None, *, system: bool = False) -> str:
        """The state after taking ``name``; raises TransitionError with the reason if it may not be taken."""
        reason = self.refusal(state, name, roles, inputs, record, system=system)
        if reason:
            raise TransitionError(reason)
        return self.transition(name).target

    def available(self, state: str, roles: Iterable[str]) -> list[Transition]:
        """Transitions a user holding ``roles`` may be offered in ``state`` (inputs asked for later)."""
        roles = set(roles)
        return [t for t in self.transitions if state in t.sources and not t.automatic
                and (ANY_ROLE in t.roles or roles & set(t.roles))]

    def reachable(self) -> set[str]:
        """States reachable from the initial one (a declaration check)."""
        seen, todo = {self.initial}, [self.initial]
        while todo:
            state = todo.pop()
            for t in self.transitions:
                if state in t.sources and t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen
