"""The one change history, read side: django-auditlog entries presented per record.

auditlog keeps every value as text as the database held it: a choice's code (``major``), a related
record's id (``17``), ``None``, a naive UTC time with microseconds (``2026-12-01 06:49:12.345678``),
a many-to-many manager's name (``resources.Expert.None``). ``describe`` turns each into what a person
reads: the field's label, the choice's label, the related record's name, 是/否, and times in
Asia/Shanghai to the minute (times.minute), with "" for nothing.
"""

from __future__ import annotations

import datetime
import json

from auditlog.models import LogEntry
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

from yingji.core.framework import times

ACTION_LABELS = {LogEntry.Action.CREATE: "新增", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除",
                 LogEntry.Action.ACCESS: "访问"}
M2M_OPERATIONS = {"add": "增加", "delete": "去掉"}
EMPTY = {"", "None", "null", "[]", "{}"}


def entries_for(record):
    return LogEntry.objects.get_for_object(record).select_related("actor").order_by("-timestamp")


def _reader(reg, name):
    try:
        return getattr(reg.field(name), "history_text", None) if reg else None
    except Exception:  # a field the model no longer has
        return None


def actor_name(user) -> str:
    return (getattr(user, "display_name", None) or str(user)) if user is not None else "系统"


def _field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except Exception:
        return None


def _related_names(model, raw_changes: dict) -> dict:
    """{(field name, raw id): the related record's name}, one query per relation."""
    wanted: dict[str, set] = {}
    for name, pair in raw_changes.items():
        f = _field(model, name)
        if f is not None and f.many_to_one:
            for value in (pair if isinstance(pair, list) else [pair]):
                if isinstance(value, str) and value not in EMPTY:
                    wanted.setdefault(name, set()).add(value)
    names = {}
    for name, ids in wanted.items():
        f = _field(model, name)
        target = f.remote_field.field_name
        try:
            found = f.related_model._default_manager.filter(**{f"{target}__in": list(ids)})
            for record in found:
                names[(name, str(getattr(record, target)))] = actor_name(record)
        except Exception:  # an id of the wrong form: shown as a deleted record below
            continue
    return names


def present(f, raw, related: dict | None = None, name: str = "") -> str:
    """One stored value as a person reads it ("" for nothing)."""
    if raw is None:
        return ""
    if isinstance(raw, dict | list) and not isinstance(f, models.JSONField):
        if isinstance(raw, dict) and raw.get("type") == "m2m":  # auditlog's many-to-many entry
            return "、".join(str(o) for o in raw.get("objects", []))
        raw = str(raw)
    text = str(raw)
    if text in EMPTY or text.endswith(".None"):  # "resources.Expert.None": a many-to-many manager
        return ""
    if isinstance(f, models.JSONField):  # auditlog keeps JSON with \uXXXX escapes: read back as written
        try:
            return json.dumps(raw if isinstance(raw, dict | list) else json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    if f is None:
        return text
    if f.choices and not f.is_relation:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(text, text)
    if isinstance(f, models.CharField) and callable(custom := getattr(f.model, f"display_{f.name}", None)):
        # A coded field whose model says how it reads (display_value in api.py: 21400 → 21400 事故灾难 / …),
        # asked of a record holding only this value; a reading that needs more of the record falls back.
        try:
            return str(custom(f.model(**{f.attname: text})))
        except (LookupError, ValueError, TypeError, AttributeError):
            return text
    if isinstance(f, models.BooleanField):
        return {"True": "是", "False": "否", "true": "是", "false": "否", "1": "是", "0": "否"}.get(text, text)
    if f.many_to_one:
        return (related or {}).get((name, text)) or f"（已删除的{f.related_model._meta.verbose_name}）"
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(text)
        if moment is not None and moment.tzinfo is None:  # auditlog keeps times naive, in UTC
            moment = moment.replace(tzinfo=datetime.UTC)
        return times.minute(moment) if moment else text
    if isinstance(f, models.DateField):
        day = parse_date(text[:10])
        return day.isoformat() if isinstance(day, datetime.date) else text
    return text


def _many(field, change) -> str:
    """A many-to-many change (auditlog's {"type": "m2m", "operation", "objects"}) in words: 增加：乡镇用户."""
    from yingji.core.framework.registry import reference_for

    ref = reference_for(field.related_model) if field is not None else None
    objects = [ref.label(o) if ref is not None else o for o in change.get("objects", [])]
    return f"{M2M_OPERATIONS.get(change.get('operation'), change.get('operation'))}：{'、'.join(objects)}"


def _registry_of(model):
    from yingji.core.framework.registry import registry_for_model

    return registry_for_model(model) if model is not None else None


def describe(entry, reg=None, masked=frozenset()) -> dict:
    """One history entry as plain data: who, when (a time and its text, Asia/Shanghai to the minute),
    what, and field-by-field old → new as people read them (related records by name, roles by their
    Chinese names; a many-to-many change as what was added or taken away)."""
    model = reg.model if reg is not None else (entry.content_type.model_class() if entry.content_type_id else None)
    raw = entry.changes_dict or {}
    related = _related_names(model, raw)
    declared = reg if reg is not None else _registry_of(model)  # the audit log's entries: their own registry's
    hidden = set(declared.hidden_fields) if declared is not None else set()
    codes = set(declared.code_fields) if declared is not None else set()
    changes = []
    for name, pair in raw.items():
        if name == "id":  # the record's own id, in auditlog's creation entry: not something people read
            continue
        f = _field(model, name)
        if reg is not None:
            label = reg.field_label(name)
        else:
            label = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else name
        if isinstance(pair, dict) and pair.get("type") == "m2m":
            changes.append({"field": name, "label": label, "old": "", "new": _many(f, pair), "many": True})
            continue
        if (f is not None and f.auto_created and not f.concrete) or name in hidden:
            continue  # the records pointing here (not this record's); columns the platform does not show
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if name in masked:  # personal data the reader may not see (registry.personal_fields)
            changes.append({"field": name, "label": label, "old": "***" if old else "", "new": "***" if new else ""})
            continue
        read = _reader(reg, name)  # a field people read in a unit of its own (yuan kept, 万元 shown)
        if read:
            old, new = read(old), read(new)
            changes.append({"field": name, "label": label, "old": "" if old is None else str(old),
                            "new": "" if new is None else str(new)})
            continue
        change = {"field": name, "label": label, "old": present(f, old, related, name),
                  "new": present(f, new, related, name)}
        if name in codes:  # a value people type (a login name): the page shows it as code
            change["code"] = True
        changes.append(change)
    if entry.action == LogEntry.Action.CREATE:  # a new record: what it was given, not every empty field
        changes = [c for c in changes if c["new"]]
    return {
        "id": entry.pk,
        "action": ACTION_LABELS.get(entry.action, str(entry.action)),
        "actor": actor_name(entry.actor),
        "timestamp": entry.timestamp,
        "time": times.minute(entry.timestamp),
        "changes": changes,
    }
