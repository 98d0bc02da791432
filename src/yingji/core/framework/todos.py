"""The to-do inbox (待办): every record in a workflow state that waits on someone has one open ToDo.

A workflow declares its waiting states (``StateMachine.waiting``: state → ``Waiting(label, steps,
due, assignee)``, statemachine.py). ``sync(record)`` keeps the record's to-do in line with its state:

- it **opens** one when the record enters a waiting state (and tells the users who may act, in-app
  and through the configured channels: notify.py);
- it **updates** it when the record's due time, assignee, scope or title change (a reassigned task
  moves to its new 责任人, who is told), or when the record moves to another state that waits for
  the same thing (same label: 整改中 → 逾期 is still 待整改);
- it **closes** it (``closed_at``) when the record leaves the state — the to-do closes itself.

It runs after every transition (``workflow.apply``, once its log is written), on every save of a
record of such a registry (a post_save receiver connected by ``registry.register``), after a bulk
import (``after_bulk``), and in the periodic ``reconcile`` (which also catches ``QuerySet.update``).

Who may act on a to-do is decided when it is read, like any record's visibility: ``for_user(user)``
is one query — the model's change permission, a role among the next steps' roles (or any, when a
step is open to every role), the scope over the record's region and organization (``access.restrict``
over the copies kept on the to-do), the assignee if the record names one, and not barred by
separation of duties (who reported a hazard gets no to-do to verify it). ``users_for(todo)`` is the
same rule from the other side (who is told when it opens).
"""

from __future__ import annotations

import contextvars
import datetime
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework.access import in_scope, restrict
from yingji.core.framework.models import ToDo
from yingji.core.framework.statemachine import ANY_ROLE

_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("yingji_todos_pending", default=None)
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("yingji_todos_quiet", default=False)
_WATCHED: set = set()
# The facts that decide who may act on a to-do: when one changes, those newly concerned are told.
WHO = {"permission", "roles", "region_id", "organization_id", "assignee_id", "barred"}


# ---- keeping to-dos in line with their records -----------------------------------------------------

def _registry(model):
    from yingji.core.framework.registry import registry_for_model

    reg = registry_for_model(model)
    if reg is None or reg.workflow is None or not getattr(reg.workflow, "waiting", None):
        return None
    return reg


def _scope_ids(record) -> tuple:
    """(region id, organization id) of ``record`` as its scope declaration names them."""
    region_field, org_field = record.scope_region, getattr(record, "scope_organization", None)
    region_id = record.pk if region_field == "self" else getattr(record, f"{region_field}_id")
    org_id = None if not org_field else record.pk if org_field == "self" else getattr(record, f"{org_field}_id")
    return region_id, org_id


def _due(waiting, record) -> tuple[datetime.datetime | None, bool]:
    """The to-do's due time and whether it is a day (shown without a time; due at the day's end)."""
    if waiting.due is None:
        return None, False
    value = getattr(record, waiting.due) if isinstance(waiting.due, str) else waiting.due(record)
    if isinstance(value, datetime.datetime):
        return value, False
    if isinstance(value, datetime.date):
        end = datetime.datetime.combine(value, datetime.time(23, 59, 59))
        return timezone.make_aware(end, timezone.get_current_timezone()), True
    return None, False


def _ids(values) -> str:
    return f",{','.join(str(v) for v in sorted(values))}," if values else ""


def _facts(reg, record, state) -> dict:
    """What the to-do of ``record`` in waiting ``state`` says, cheap part (no queries beyond the record's)."""
    machine = reg.workflow
    waiting = machine.waiting[state]
    due_at, due_is_date = _due(waiting, record)
    region_id, org_id = _scope_ids(record)
    roles = machine.waiting_roles(state)
    return {"registry": reg.slug, "state": state, "label": waiting.label, "due_at": due_at, "due_is_date": due_is_date,
            "region_id": region_id, "organization_id": org_id, "permission": reg.perm("change"),
            "roles": ANY_ROLE if ANY_ROLE in roles else _ids(roles),
            "assignee_id": getattr(record, f"{waiting.assignee}_id") if waiting.assignee else None}


def sync(record, *, told: dict | None = None, tell: bool = True) -> ToDo | None:
    """Open, update or close ``record``'s to-do as its state says; returns the open one, if any.
    ``told``: a cache of who is told, shared by the records of one reconcile; ``tell=False``: nobody
    is notified (the inbox filled for the first time after an upgrade)."""
    reg = _registry(type(record))
    if reg is None or record.pk is None:
        return None
    from yingji.core.framework.workflow import step_actors

    state = getattr(record, reg.state_field)
    waiting = reg.workflow.waiting.get(state)
    content_type = ContentType.objects.get_for_model(type(record))
    current = ToDo.objects.filter(content_type=content_type, object_id=str(record.pk), closed_at__isnull=True).first()
    now = timezone.now()
    # A to-do is the same while its name is (整改中 → 逾期 is still 待整改; a task accepted, then
    # started, is still 待完成): it moves with the state and nobody is told twice.
    if current is not None and (waiting is None or (current.state != state and current.label != waiting.label)):
        current.closed_at = now
        current.save(update_fields=["closed_at"])
        current = None
    if waiting is None:
        return None
    facts = _facts(reg, record, state)
    facts["title"] = str(record)[:200]
    facts["url"] = reverse("registry_detail", args=[reg.slug, record.pk])
    facts["barred"] = _ids(reg.workflow.barred(state, step_actors(record, reg.workflow)))
    if current is None:
        current = ToDo.objects.create(content_type=content_type, object_id=str(record.pk), opened_at=now, **facts)
    else:
        changed = [name for name, value in facts.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, facts[name])
        current.save(update_fields=[name.removesuffix("_id") if name.endswith("_id") else name for name in changed])
        if not set(changed) & WHO:  # the same people: nobody new to tell
            return current
    if tell and not _quiet.get():
        announce(current, told=told)
    return current


def close_for(model, pks) -> int:
    """Close the open to-dos of these records (they are gone)."""
    content_type = ContentType.objects.get_for_model(model)
    return ToDo.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in pks],
                               closed_at__isnull=True).update(closed_at=timezone.now())


def reconcile(model=None, pks=None, *, tell: bool = True) -> int:
    """Bring every to-do in line with its record (all registries with waiting states, or ``model``'s
    records, or those of ``pks``): opens the missing, closes those of records that moved on or are
    gone, refreshes those whose due time, assignee or scope changed behind the platform's back
    (``QuerySet.update``, a due time computed from other records). Returns how many it changed."""
    from yingji.core.framework.registry import registries

    regs = [r for r in registries() if _registry(r.model) is not None and model in (None, r.model)]
    told: dict = {}
    changed = 0
    for reg in regs:
        content_type = ContentType.objects.get_for_model(reg.model)
        waiting_states = list(reg.workflow.waiting)
        records = reg.model.objects.filter(**{f"{reg.state_field}__in": waiting_states})
        todos = ToDo.objects.filter(content_type=content_type, closed_at__isnull=True)
        if pks is not None:
            records = records.filter(pk__in=pks)
            todos = todos.filter(object_id__in=[str(pk) for pk in pks])
        open_ = {t.object_id: t for t in todos}
        computed = any(not isinstance(w.due, str | type(None)) for w in reg.workflow.waiting.values())
        for record in records.iterator(chunk_size=500):
            todo = open_.pop(str(record.pk), None)
            if todo is not None and not computed and all(
                    getattr(todo, k) == v for k, v in _facts(reg, record, getattr(record, reg.state_field)).items()):
                continue
            before = _snapshot(todo)
            changed += before != _snapshot(sync(record, told=told, tell=tell))
        if open_:  # records that left their waiting state (or the table) without the platform seeing it
            changed += ToDo.objects.filter(pk__in=[t.pk for t in open_.values()]).update(closed_at=timezone.now())
    return changed


def _snapshot(todo):
    return None if todo is None else (todo.pk, todo.state, todo.due_at, todo.assignee_id, todo.region_id,
                                      todo.organization_id, todo.title)


@contextmanager
def quietly():
    """Inside the block, to-dos are kept but nobody is told (the demo county's history is loaded)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@contextmanager
def holding():
    """Inside the block, records saved are synced once, at its end (a transition: after its log is
    written, so separation of duties sees the step just taken)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        held = _pending.get()
    finally:
        _pending.reset(token)
    for record in held.values():
        sync(record)


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the periodic reconcile catches up
        return
    held = _pending.get()
    if held is not None:
        held[(sender, instance.pk)] = instance
        return
    sync(instance)


def _bulk_written(model, instances) -> None:
    reconcile(model, [i.pk for i in instances])


# A bulk import (services._bulk_write) writes without signals; it calls this instead, once per batch.
_saved.after_bulk = _bulk_written


def _deleted(sender, instance, **kwargs):
    close_for(sender, [instance.pk])


def watch(model) -> None:
    """Keep the to-dos of ``model``'s records (a registry whose workflow declares waiting states)."""
    if model in _WATCHED:
        return
    _WATCHED.add(model)
    post_save.connect(_saved, sender=model, dispatch_uid=f"yingji-todos-{model._meta.label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"yingji-todos-delete-{model._meta.label}")


# ---- who ----------------------------------------------------------------------------------------

def for_user(user):
    """The open to-dos ``user`` may act on, in one query (sorted by due time, no due time last)."""
    from django.contrib.auth.models import Group

    todos = ToDo.objects.filter(closed_at__isnull=True)
    if not user.is_authenticated or not user.is_active:
        return todos.none()
    if not user.is_superuser:  # the model's change permission (Django caches the user's permissions)
        todos = todos.filter(permission__in=user.get_all_permissions())
    # A role among the next steps' roles: one of the user's groups, matched inside the same query.
    held = Group.objects.filter(user=user).filter(Contains(
        ExpressionWrapper(OuterRef("roles"), output_field=CharField()), Concat(Value(","), F("name"), Value(","))))
    role = Q(roles=ANY_ROLE) | Exists(held)
    if user.is_superuser:  # superusers hold "admin" (workflow.user_roles)
        role |= Q(roles__contains=",admin,")
    todos = todos.filter(role)
    todos = restrict(todos, user)
    return (todos.filter(Q(assignee__isnull=True) | Q(assignee=user))
            .exclude(barred__contains=f",{user.pk},").select_related("region"))


def count_for(user) -> int:
    return for_user(user).count() if user is not None and user.is_authenticated else 0


def users_for(todo: ToDo) -> list:
    """The active users who may act on ``todo`` (exactly those whose ``for_user`` holds it)."""
    from django.contrib.auth.models import Permission

    app_label, codename = todo.permission.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    users = get_user_model().objects.filter(is_active=True)
    if todo.assignee_id:
        users = users.filter(pk=todo.assignee_id)
    users = users.filter(Q(is_superuser=True) | Q(groups__permissions__in=permission)
                         | Q(user_permissions__in=permission))
    if todo.roles != ANY_ROLE:
        roles = todo.roles.strip(",").split(",")
        held = Q(groups__name__in=roles)
        if "admin" in roles:  # superusers hold "admin" (workflow.user_roles)
            held |= Q(is_superuser=True)
        users = users.filter(held)
    barred = [int(pk) for pk in todo.barred.strip(",").split(",") if pk]
    # The joins above repeat a user once per matching group and permission; taking the distinct ids
    # first keeps DISTINCT off the users' rows and their regions' outlines (a large JSON each).
    ids = users.exclude(pk__in=barred).values("pk")
    users = (get_user_model().objects.filter(pk__in=ids)
             .select_related("scope_region", "scope_organization__region")
             .defer("scope_region__geometry", "scope_organization__region__geometry"))
    return [u for u in users.order_by("pk") if in_scope(u, todo)]


def announce(todo: ToDo, *, told: dict | None = None) -> int:
    """Tell the users who may act on ``todo`` (each once per to-do: a reassigned task tells only its
    new assignee), in-app and through the configured channels."""
    from yingji.core.framework import notify
    from yingji.core.framework.choices import NotificationLevel

    key = (todo.permission, todo.roles, todo.region_id, todo.organization_id, todo.assignee_id, todo.barred)
    if told is not None and key in told:
        users = told[key]
    else:
        users = users_for(todo)
        if told is not None:
            told[key] = users
    if not users:
        return 0
    due = ""
    if todo.due_at:
        local = timezone.localtime(todo.due_at)
        due = f"期限 {local:%Y-%m-%d}" if todo.due_is_date else f"期限 {local:%Y-%m-%d %H:%M}"
    return notify.notify(users, f"待办·{todo.label}：{todo.title}", body=due, url=todo.url,
                         level=NotificationLevel.WARNING if todo.overdue else NotificationLevel.INFO,
                         key=f"todo-{todo.pk}", channels=True)


__all__ = ["announce", "close_for", "count_for", "for_user", "holding", "quietly", "reconcile", "sync", "users_for",
           "watch"]
