"""Workflows, Django side: the one way a record changes state.

A registry declares ``workflow=StateMachine(...)`` (statemachine.py) and ``state_field``; ``apply``
checks scope (404), role (403) and state/inputs/guards (409 via TransitionError), then saves the
new state and a TransitionLog in one transaction, with the actor in the change history.
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from yingji.core.framework.models import TransitionLog
from yingji.core.framework.registry import registry_for_model
from yingji.core.framework.statemachine import ANY_ROLE, TransitionError

__all__ = ["TransitionError", "apply", "available", "log_of", "user_roles"]


def user_roles(user) -> set[str]:
    if user is None:
        return set()
    roles = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles.add("admin")
    return roles


def _machine(record):
    reg = registry_for_model(type(record))
    if reg is None or reg.workflow is None:
        raise ValueError(f"{type(record).__name__} declares no workflow")
    return reg, reg.workflow


def available(user, record):
    reg, machine = _machine(record)
    if not user.has_perm(reg.perm("change")):
        return []
    return machine.available(getattr(record, reg.state_field), user_roles(user))


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
    with transaction.atomic():
        locked = type(record).objects.select_for_update().get(pk=record.pk)  # one transition at a time
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
