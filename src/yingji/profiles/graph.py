"""The relationship view (关系图): enterprise ↔ sites ↔ hazard sources ↔ people ↔ cases ↔ accidents, read
from the foreign keys the records already have — no graph database. A node is a record of one of
``KINDS`` (registry slugs); its neighbours are the records it points at and the records pointing at it,
among those kinds, each relation read once through the registry's scoped queryset (first rows and their
total in one statement, related.first_rows), so a node never shows what its user may not see."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from yingji.core.framework.registry import get_registry, registry_for_model
from yingji.core.framework.related import first_rows, light

# What the view walks, as data: the registries of the profile's relationship view.
KINDS = ("organizations", "risk-points", "hazard-sources", "monitoring-points", "persons", "hazards", "inspections",
         "enforcement-cases", "incidents", "credit-listings")
NEIGHBOURS = 12  # records per relation; the rest are counted ("还有 n 个")


def node_id(reg, pk) -> str:
    return f"{reg.slug}:{pk}"


def _node(reg, record) -> dict:
    return {"id": node_id(reg, record.pk), "kind": reg.slug, "kind_label": reg.label, "label": str(record)[:40],
            "url": reverse("registry_detail", args=[reg.slug, record.pk])}


def record_of(user, ident: str):
    """(registry, record) of a node id ``slug:pk`` the user may see, else Http404."""
    slug, _, pk = (ident or "").partition(":")
    reg = get_registry(slug)
    if slug not in KINDS or reg is None or not pk.isdigit() or not user.has_perm(reg.perm("view")):
        raise Http404("没有这个节点")
    record = light(reg, reg.queryset(user)).filter(pk=int(pk)).first()
    if record is None:
        raise Http404("没有这个节点")
    return reg, record


def neighbours(user, ident: str) -> dict:
    """{"node", "nodes": [...], "edges": [{"from", "to", "label"}], "more": [{"kind", "label", "count"}]}."""
    reg, record = record_of(user, ident)
    me = _node(reg, record)
    nodes, edges, more = [], [], []
    for field in reg.model._meta.concrete_fields:  # what it points at
        if not field.many_to_one:
            continue
        target = registry_for_model(field.related_model)
        pk = getattr(record, field.attname)
        if target is None or target.slug not in KINDS or pk is None or not user.has_perm(target.perm("view")):
            continue
        other = light(target, target.queryset(user)).filter(pk=pk).first()
        if other is not None:
            nodes.append(_node(target, other))
            edges.append({"from": me["id"], "to": node_id(target, pk), "label": str(field.verbose_name)})
    for rel in reg.model._meta.get_fields(include_hidden=True):  # what points at it
        if not (rel.one_to_many and rel.auto_created) or rel.related_model is reg.model:
            continue
        source = registry_for_model(rel.related_model)
        if source is None or source.slug not in KINDS or not user.has_perm(source.perm("view")):
            continue
        rows, total = first_rows(light(source, source.queryset(user).filter(**{rel.field.name: record}),
                                       known=rel.field.name), NEIGHBOURS)
        for row in rows:
            nodes.append(_node(source, row))
            edges.append({"from": node_id(source, row.pk), "to": me["id"], "label": str(rel.field.verbose_name)})
        if total > len(rows):
            more.append({"kind": source.slug, "label": source.label, "count": total - len(rows),
                         "url": f"{reverse('registry_list', args=[source.slug])}?{rel.field.name}="
                                f"{getattr(record, source.related_key(rel.field.name) or 'pk', record.pk)}"})
    return {"node": me, "nodes": nodes, "edges": edges, "more": more}
