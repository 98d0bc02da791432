"""The one change history, read side: django-auditlog entries presented per record."""

from __future__ import annotations

from auditlog.models import LogEntry

ACTION_LABELS = {LogEntry.Action.CREATE: "新增", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除",
                 LogEntry.Action.ACCESS: "访问"}
M2M_OPERATIONS = {"add": "增加", "delete": "去掉"}


def entries_for(record):
    return LogEntry.objects.get_for_object(record).select_related("actor").order_by("-timestamp")


def _field(reg, name):
    if reg is None:
        return None
    try:
        return reg.field(name)
    except Exception:
        return None


def _related_name(field, value):
    """A foreign key's stored id as people read it (大瑶镇, not 12); the id itself if it is gone."""
    if value in (None, "None", ""):
        return None
    record = field.related_model._default_manager.filter(pk=value).first()
    return str(record) if record is not None else value


def _many(field, change) -> str:
    """A many-to-many change (auditlog's {"type": "m2m", "operation", "objects"}) in words: 增加：乡镇用户."""
    from yingji.core.framework.registry import reference_for

    ref = reference_for(field.related_model) if field is not None else None
    objects = [ref.label(o) if ref is not None else o for o in change.get("objects", [])]
    return f"{M2M_OPERATIONS.get(change.get('operation'), change.get('operation'))}：{'、'.join(objects)}"


def describe(entry, reg=None) -> dict:
    """One history entry as plain data: who, when, what, and field by field old → new (related
    records by name, roles by their Chinese names)."""
    changes = []
    raw = entry.changes_dict or {}
    for name, pair in raw.items():
        field = _field(reg, name)
        label = reg.field_label(name) if reg else name
        if isinstance(pair, dict) and pair.get("type") == "m2m":
            changes.append({"field": name, "label": label, "old": None, "new": _many(field, pair), "many": True})
            continue
        if reg is not None and (name in reg.hidden_fields or (field is not None and field.auto_created
                                                               and not field.concrete and name != "id")):
            continue  # columns the platform does not show; the records pointing here (not this record's)
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if field is not None and field.many_to_one:
            old, new = _related_name(field, old), _related_name(field, new)
        changes.append({"field": name, "label": label, "old": old, "new": new})
    return {
        "id": entry.pk,
        "action": ACTION_LABELS.get(entry.action, str(entry.action)),
        "actor": entry.actor.display_name if entry.actor else "系统",
        "timestamp": entry.timestamp,
        "changes": changes,
    }
