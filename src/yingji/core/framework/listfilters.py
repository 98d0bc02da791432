"""Query parameters that apps contribute to registry list pages and map layers beside a registry's own
filters (contributions.ListFilter, e.g. the profile app's ``?tag=``): the framework applies them without
knowing the app, the app decides where its parameter applies."""

from __future__ import annotations

from yingji.core.framework import contributions


def apply(reg, qs, params) -> tuple[object, list[tuple[str, str, str]]]:
    """(``qs`` restricted by every contributed filter named in ``params``, [(param, label, value)] of
    those that applied — shown above the list as 仅显示…)."""
    shown = []
    for declared in contributions.list_filters():
        value = (params.get(declared.param) or "").strip()
        if not value:
            continue
        restricted = contributions.resolve(declared.apply)(reg, qs, value)
        if restricted is not None:
            qs = restricted
            shown.append((declared.param, declared.label, value))
    return qs, shown
