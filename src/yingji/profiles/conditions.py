"""Conditions of the rule form (tagrules.parse_where) as database filters: every field of a path is
checked against the model, every operator against tagrules.LOOKUPS, values are data (never code), so a
rule a bureau writes can only ask what a list filter could."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q
from django.utils import timezone

from yingji.profiles import tagrules

TRANSFORMS = ("date", "year")


def check_path(model, path: str) -> None:
    """Raises ValueError unless ``path`` (``deadline``, ``sensor__point__name``) names a field of ``model``."""
    current = model
    for i, part in enumerate(path.split("__")):
        if part in TRANSFORMS and i > 0:
            continue
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            raise ValueError(f"{current._meta.verbose_name}没有字段 {part}") from None
        if field.is_relation:
            current = field.related_model


def clock():
    now = timezone.now()
    return now, timezone.localdate(now)


def q_of(model, tree, now=None, today=None) -> Q:
    """The filter of a parsed where-tree on ``model``'s records at the clock (now, today)."""
    if now is None:
        now, today = clock()
    kind = tree[0]
    if kind in ("all", "any"):
        parts = [q_of(model, t, now, today) for t in tree[1]]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if kind == "all" else (out | p)
        return out
    if kind == "not":
        return ~q_of(model, tree[1], now, today)
    _, path, op, (sort, value) = tree
    check_path(model, path)
    if sort == "field":
        check_path(model, value)
        value = F(value)
    elif sort == "moment":
        value = tagrules.moment(value, now, today)
    elif isinstance(value, tuple):
        value = list(value)
    return Q(**{f"{path}__{op}": value})


def where_q(model, where: dict, now=None, today=None) -> Q:
    """A raw where (a dict of the rule form) as a filter on ``model``."""
    tree = tagrules.parse_where(where or {})
    return Q() if tree is None else q_of(model, tree, now, today)
