"""Declared state machines (pure, no Django): states, transitions, who may take each, what each needs.

Workflows — hidden hazards, alarms, warnings, incidents, reports, transfer orders, enforcement
cases — declare their machine once with this module; services ask it whether a transition may be
taken and what it changes, and log every transition. An invalid transition is a ``TransitionError``
carrying a Chinese reason, which the web layer answers with HTTP 409.

A machine also says which of its states wait on someone (``waiting``: a ``Waiting`` per state —
what the to-do is called, which transitions are the next step, where its due time and its one
assignee are), from which the platform keeps the users' to-do inbox (core/framework/todos.py); and
which transitions must be taken by someone other than the actor of an earlier step
(``Transition.separate_from``: separation of duties, e.g. who reported a hazard cannot verify it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

ANY_ROLE = "*"
CREATED = "created"  # in ``separate_from``: the step that created the record (its creator)


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
    # Separation of duties: earlier steps whose actor may not take this transition — CREATED (who
    # created the record) or names of transitions (whoever took them on this record).
    separate_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Waiting:
    """A state that waits on someone: the to-do it gives (``label``, e.g. 待核实) to the users who may
    take one of ``steps`` (the transitions that are the next step) on the record.

    ``due``: where the to-do's due time is — a field of the record (a date or a date-time), or a
    function of the record returning one (a report's due time from its incident's reporting clock);
    ``assignee``: the record's field naming the one user it waits on (a task's 责任人), if any; when
    that field is empty, everyone who may take the steps gets the to-do."""

    label: str
    steps: tuple[str, ...]
    due: str | Callable[[object], object] | None = None
    assignee: str | None = None


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
    # States that wait on someone: state -> Waiting (the to-do inbox).
    waiting: Mapping[str, Waiting] = field(default_factory=dict)
    # How a refusal names the one who created the record (separation of duties): "上报此隐患的人".
    creator_label: str = "创建此记录的人"

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
            wrong = set(t.separate_from) - set(names) - {CREATED}
            if wrong:
                raise ValueError(f"transition {t.name} is separated from unknown steps {sorted(wrong)}")
        for state, waiting in self.waiting.items():
            if state not in known or state in self.final:
                raise ValueError(f"waiting state {state} is not a declared, non-final state")
            if not waiting.steps:
                raise ValueError(f"waiting state {state} names no next step")
            for name in waiting.steps:
                t = next((t for t in self.transitions if t.name == name), None)
                if t is None or state not in t.sources or t.automatic:
                    raise ValueError(f"waiting state {state}: {name} is not a transition users take from it")

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise TransitionError(f"没有名为“{name}”的操作")

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def separation(self, name: str, actor: object, actors: Mapping[str, Collection] | None) -> str | None:
        """Why ``actor`` may not take ``name`` because they took an earlier step it is separated from
        (``actors``: step → who took it on this record, CREATED → the creator); None if they may."""
        t = self.transition(name)
        if actor is None or not t.separate_from:
            return None
        for step in t.separate_from:
            if actor in (actors or {}).get(step, ()):
                who = self.creator_label if step == CREATED else f"执行过“{self.transition(step).label}”的人"
                return f"职责分离：{who}不能{t.label}"
        return None

    def barred(self, state: str, actors: Mapping[str, Collection] | None) -> set:
        """Who may take none of the next steps of waiting ``state`` because of separation of duties
        (they get no to-do for it)."""
        waiting = self.waiting.get(state)
        if waiting is None:
            return set()
        barred = None
        for name in waiting.steps:
            t = self.transition(name)
            these = {a for step in t.separate_from for a in (actors or {}).get(step, ())}
            barred = these if barred is None else barred & these
        return barred or set()

    def waiting_roles(self, state: str) -> tuple[str, ...]:
        """The roles that may take one of the next steps of waiting ``state`` (ANY_ROLE alone if any step
        is open to every role)."""
        waiting = self.waiting.get(state)
        if waiting is None:
            return ()
        roles: list[str] = []
        for name in waiting.steps:
            t = self.transition(name)
            if ANY_ROLE in t.roles:
                return (ANY_ROLE,)
            roles += [r for r in t.roles if r not in roles]
        return tuple(roles)

    def refusal(self, state: str, name: str, roles: Iterable[str], inputs: Mapping[str, object] | None = None,
                record: object = None, *, system: bool = False, actor: object = None,
                actors: Mapping[str, Collection] | None = None) -> str | None:
        """Why ``name`` cannot be taken from ``state`` by someone holding ``roles``; None if it can.
        With ``actor`` and ``actors`` (step → who took it), separation of duties is checked too."""
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
        if not system and (separated := self.separation(name, actor, actors)):
            return separated
        inputs = inputs or {}
        missing = [self.input_labels.get(k, k) for k in t.requires if not inputs.get(k)]
        if missing:
            return f"{t.label}须填写{'、'.join(missing)}"
        if t.guard is not None and record is not None:
            return t.guard(record)
        return None

    def take(self, state: str, name: str, roles: Iterable[str], inputs: Mapping[str, object] | None = None,
             record: object = None, *, system: bool = False, actor: object = None,
             actors: Mapping[str, Collection] | None = None) -> str:
        """The state after taking ``name``; raises TransitionError with the reason if it may not be taken."""
        reason = self.refusal(state, name, roles, inputs, record, system=system, actor=actor, actors=actors)
        if reason:
            raise TransitionError(reason)
        return self.transition(name).target

    def available(self, state: str, roles: Iterable[str], *, actor: object = None,
                  actors: Mapping[str, Collection] | None = None) -> list[Transition]:
        """Transitions a user holding ``roles`` may be offered in ``state`` (inputs asked for later);
        with ``actor`` and ``actors``, not those separation of duties forbids them."""
        roles = set(roles)
        return [t for t in self.transitions if state in t.sources and not t.automatic
                and (ANY_ROLE in t.roles or roles & set(t.roles)) and not self.separation(t.name, actor, actors)]

    def separated_steps(self) -> set[str]:
        """The earlier steps some transition is separated from (whose actors must be known)."""
        return {step for t in self.transitions for step in t.separate_from}

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
