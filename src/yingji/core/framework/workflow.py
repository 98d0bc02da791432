"""Workflows, Django side: the one way a record changes state.

A registry declares ``workflow=StateMachine(...)`` (statemachine.py) and ``state_field``; ``apply``
checks scope (404), role and separation of duties (403) and state/inputs/guards (409 via
TransitionError), then saves the new state and a TransitionLog in one transaction, with the actor in
the change history, and brings the record's to-do in line (todos.py).
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from yingji.core.framework import todos
from yingji.core.framework.models import TransitionLog, creator_field
from yingji.core.framework.registry import registry_for_model
from yingji.core.framework.statemachine import ANY_ROLE, CREATED, TransitionError

__all__ = ["TransitionError", "apply", "available", "log_of", "separation", "step_actors", "user_roles"]


def user_roles(user) -> set[str]:
    from yingji.core.framework.roles import holds

    return set(holds(user)) if user is not None else set()  # superusers hold "admin"


def _machine(record):
    reg = registry_for_model(type(record))
    if reg is None or reg.workflow is None:
        raise ValueError(f"{type(record).__name__} declares no workflow")
    return reg, reg.workflow


def step_actors(record, machine=None) -> dict[str, set]:
    """Who took the earlier steps some transition of the record's workflow is separated from: CREATED →
    the record's creator (its model's ``creator_field``), a transition's name → everyone who took it on
    this record. Only the steps the machine names are looked up."""
    if machine is None:
        machine = _machine(record)[1]
    steps = machine.separated_steps()
    if not steps or record.pk is None:
        return {}
    out: dict[str, set] = {}
    if CREATED in steps:
        field = creator_field(type(record))
        creator = getattr(record, f"{field}_id", None) if field else None
        out[CREATED] = {creator} if creator else set()
    names = steps - {CREATED}
    if names:
        for name, actor in log_of(record).filter(transition__in=names, actor__isnull=False).values_list(
                "transition", "actor_id"):
            out.setdefault(name, set()).add(actor)
    return out


def separation(user, record, name: str) -> str | None:
    """Why separation of duties keeps ``user`` from taking ``name`` on ``record``; None if it does not."""
    reg, machine = _machine(record)
    if user is None or not machine.transition(name).separate_from:
        return None
    return machine.separation(name, user.pk, step_actors(record, machine))


def available(user, record):
    reg, machine = _machine(record)
    if not user.has_perm(reg.perm("change")):
        return []
    return machine.available(getattr(record, reg.state_field), user_roles(user), actor=user.pk,
                             actors=step_actors(record, machine))


def apply(user, record, name: str, *, comment: str = "", inputs: dict | None = None, system: bool = False):
    """Take transition ``name`` on ``record`` as ``user`` (or as the system); returns the TransitionLog."""
    reg, machine = _machine(record)
    inputs = {k: v for k, v in (inputs or {}).items() if v not in (None, "", [])}
    if comment:
        inputs.setdefault("comment", comment)
    if not system:
        if not reg.model.objects.for_user(user).filter(pk=record.pk).exists():
            raise Http404
        transition = machine.transition(name)
        allowed_roles = set(transition.roles)
        if not user.has_perm(reg.perm("change")) or (
                not transition.automatic and ANY_ROLE not in allowed_roles and not user_roles(user) & allowed_roles):
            raise PermissionDenied(f"您的角色不能执行“{transition.label}”")
    with transaction.atomic(), todos.holding():
        locked = type(record).objects.select_for_update().get(pk=record.pk)  # one transition at a time
        if not system and (separated := separation(user, locked, name)):
            raise PermissionDenied(separated)
        before = getattr(locked, reg.state_field)
        after = machine.take(before, name, user_roles(user), inputs, locked, system=system)
        setattr(locked, reg.state_field, after)
        hook = getattr(locked, "on_transition", None)
        if hook:
            hook(name, before, after, inputs, actor=None if system else user)
        with set_actor(user):
            locked.save()
        log = TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(locked), object_id=str(locked.pk), transition=name,
            label=machine.transition(name).label, from_state=before, to_state=after, actor=user, comment=comment,
            inputs={k: v for k, v in inputs.items() if k != "comment"})
    record.refresh_from_db()
    return log


def log_of(record):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                        object_id=str(record.pk)).select_related("actor")
