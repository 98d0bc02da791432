"""A record page's related records: the panels of records pointing at it from other registries (an
organization's people, risk points, hazards …) and the map layers of its located parts.

One statement finds which related registries hold records for the page's record (an EXISTS each,
not scoped: it only spares the empty ones a query); each that does is read with **one** scoped
query: its first rows in the registry's order, their total counted in the same statement (a scalar
subquery), and only light columns (JSON columns such as boundaries are left out, of the rows and of
the records joined to them). A record with thousands of parts costs what a record with a few costs;
the panel links to the filtered list for the rest. The located parts' dots are not in the page: the
record's map asks the map-layer API for them (``?<relation>=<key>``, the filter of the panel's
"查看全部" link), as the situation map does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import CASCADE, Func, IntegerField, Subquery
from django.urls import reverse
from django.utils.http import urlencode

PANEL_ROWS = 10  # rows each related panel lists; "查看全部" opens the list filtered to this record
TREE_ROWS = 50  # a division's own children (a township's villages) listed on its page


def heavy_fields(model) -> list[str]:
    """Columns a row on a list or panel never shows: JSON (boundaries, parameters, payloads)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]


def light(reg, qs, known: str = "", keep=()):
    """``qs`` without the heavy columns of its model and of the records it joins (select_related):
    a village's boundary is not read to print the village's name beside a hazard. ``known``: a
    relation whose record the caller has already (the page's own record), not joined again; ``keep``:
    the model's own fields that are shown all the same (a list's columns)."""
    joins = [p for p in reg.select_related if p.split("__")[0] != known]
    if len(joins) < len(reg.select_related):
        qs = qs.select_related(None)
        if joins:
            qs = qs.select_related(*joins)
    skip = [n for n in heavy_fields(reg.model) if n not in keep]
    for path in joins:
        model = reg.model
        for hop in path.split("__"):
            model = model._meta.get_field(hop).related_model
        skip += [f"{path}__{n}" for n in heavy_fields(model)]
    return qs.defer(*skip) if skip else qs


def first_rows(qs, limit: int) -> tuple[list, int]:
    """(the first ``limit`` records of ``qs``, how many there are in all): one statement. The total
    is an uncorrelated scalar subquery (run once, on the filter's own index), not ``COUNT(*) OVER ()``:
    PostgreSQL 15 costs a window under a LIMIT as if it could stop early, and then walks the whole
    ordering index to count (90 ms instead of 1 ms for 900 of 133,000 people)."""
    total = qs.order_by().annotate(_n=Func("pk", function="COUNT")).values("_n")
    rows = list(qs.annotate(_yingji_total=Subquery(total, output_field=IntegerField()))[:limit])
    return rows, (rows[0]._yingji_total if rows else 0)


def parent_links(reg, params) -> list[tuple[str, str, str]]:
    """(field, key, value) of each record named in ``params`` (a query string) by a foreign key that
    is no declared filter of ``reg`` (``?organization=<信用代码>``, the panel's "查看全部" link): the
    list page and the map layer show what points at that record."""
    out = []
    for name, value in params.items():
        if name in reg.filter_fields or not value:
            continue
        field = next((f for f in reg.model._meta.concrete_fields if f.name == name), None)
        if field is not None and field.many_to_one:
            out.append((name, reg.related_key(name) or "pk", value))
    return out


def of_parents(qs, links):
    """``qs`` restricted to the records pointing at each of ``links`` (parent_links)."""
    for name, key, value in links:
        try:
            qs = qs.filter(**{f"{name}__{key}": value})
        except (ValueError, ValidationError):  # not a key of that registry: nothing points at it
            qs = qs.none()
    return qs


def _key_value(reg, lookup: str, obj):
    key = reg.related_key(lookup)
    return getattr(obj, key) if key != "pk" else obj.pk


def _holding(obj, kinds) -> set[int]:
    """Which of ``kinds`` (relation, registry) hold any record pointing at ``obj``: one statement of
    an EXISTS per registry on the relation's index, written from the models' own table and column
    names. Not scoped: it only spares the panels without records their query — what a panel shows,
    its rows and total, is read through the registry's scoped queryset. (Fourteen scoped EXISTS cost
    8 ms of Python to build on an enterprise's page; this costs none.)"""
    if not kinds:
        return set()
    connection = connections[obj._state.db or DEFAULT_DB_ALIAS]
    q = connection.ops.quote_name
    checks, values = [], []
    for rel, _ in kinds:
        if rel.many_to_many:  # the rows of the relation's own table that point at obj
            table, column, target = rel.through._meta.db_table, rel.field.m2m_reverse_name(), obj._meta.pk
        else:
            table, column, target = rel.related_model._meta.db_table, rel.field.column, rel.field.target_field
        checks.append(f"EXISTS(SELECT 1 FROM {q(table)} WHERE {q(column)} = %s)")
        values.append(target.get_db_prep_value(getattr(obj, target.attname), connection))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(checks)}", values)
        row = cursor.fetchone()
    return {i for i, held in enumerate(row) if held}


def panels(user, obj) -> tuple[list[dict], list[dict]]:
    """(the related panels, the map layers of the located parts) of ``obj`` as ``user`` sees them.
    One statement finds which related registries hold records for it; each that does is read once.
    A layer is (slug, label, query): the map asks ``/api/map/<slug>.geojson?<query>`` for its dots."""
    from yingji.core.framework.registry import registry_for_model

    out, layers = [], []
    own = registry_for_model(type(obj))
    obj_locked = bool(own and own.locked(obj))
    kinds = []
    for rel in obj._meta.related_objects:
        target = registry_for_model(rel.related_model)
        if target and rel.related_model is not type(obj) and user.has_perm(target.perm("view")):
            kinds.append((rel, target))
    holding = _holding(obj, kinds)
    for i, (rel, target) in enumerate(kinds):
        lookup = rel.field.name
        rows, total = [], 0
        if i in holding:
            qs = light(target, target.queryset(user).filter(**{lookup: obj}), known=lookup)
            rows, total = first_rows(qs, PANEL_ROWS)
        if not rel.many_to_many:
            for item in rows:  # the record they point at is this one: no query to name it
                rel.field.set_cached_value(item, obj)
        if not (total or (target.allow_create and rel.on_delete is CASCADE)):
            continue  # nothing to show, and not a part of this record one would add here
        can_add = target.allow_create and user.has_perm(target.perm("add")) and not (
            obj_locked and target.locked_with == lookup)  # parts of a locked record stay as they are
        query = urlencode({lookup: _key_value(target, lookup, obj)})
        if target.has_point and total:
            layers.append({"slug": target.slug, "label": target.label, "query": query})
        out.append({"reg": target, "title": target.label, "total": total, "items": rows,
                    "url": _detail_prefix(target),
                    "add_url": f"{reverse('registry_create', args=[target.slug])}?{query}" if can_add else "",
                    "more_url": f"{reverse('registry_list', args=[target.slug])}?{query}"})
    if own and _is_tree(type(obj)):  # a tree (the division tree): its children come first
        rows, total = first_rows(light(own, own.queryset(user).filter(parent=obj), known="parent"), TREE_ROWS)
        for item in rows:
            type(obj)._meta.get_field("parent").set_cached_value(item, obj)
        if total:
            query = urlencode({"parent": _key_value(own, "parent", obj)})
            out.insert(0, {"reg": own, "title": f"下级{own.label}", "total": total, "items": rows,
                           "url": _detail_prefix(own), "more_url": f"{reverse('registry_list', args=[own.slug])}?{query}"})
    return out, layers


def _detail_prefix(reg) -> str:
    """A record page's address less its id (``/registry/hazards/``): reversed once per panel, the
    id appended per row (a reverse per row was a tenth of the page's rendering)."""
    return reverse("registry_detail", args=[reg.slug, 0])[:-2]


def _is_tree(model) -> bool:
    field = next((f for f in model._meta.concrete_fields if f.name == "parent"), None)
    return bool(field and field.is_relation and field.related_model is model)
