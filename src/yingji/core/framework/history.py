"""The one change history, read side: django-auditlog entries presented per record."""

from __future__ import annotations

from auditlog.models import LogEntry

ACTION_LABELS = {LogEntry.Action.CREATE: "新增", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除",
                 LogEntry.Action.ACCESS: "访问"}


def entries_for(record):
    return LogEntry.objects.get_for_object(record).select_related("actor").order_by("-timestamp")


def _reader(reg, name):
    try:
        return getattr(reg.field(name), "history_text", None) if reg else None
    except Exception:  # a field the model no longer has
        return None


def describe(entry, reg=None) -> dict:
    """One history entry as plain data: who, when, what, and field-by-field old → new."""
    changes = []
    raw = entry.changes_dict or {}
    for name, pair in raw.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label = reg.field_label(name) if reg else name
        read = _reader(reg, name)  # a field people read in a unit of its own (yuan kept, 万元 shown)
        if read:
            old, new = read(old), read(new)
        changes.append({"field": name, "label": label, "old": old, "new": new})
    return {
        "id": entry.pk,
        "action": ACTION_LABELS.get(entry.action, str(entry.action)),
        "actor": entry.actor.display_name if entry.actor else "系统",
        "timestamp": entry.timestamp,
        "changes": changes,
    }
