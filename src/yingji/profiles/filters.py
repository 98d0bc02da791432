"""``?tag=<code>`` on registry list pages and map layers (a contributions.ListFilter): the organizations
carrying the tag, or the records of a registry whose ``organization`` is one of them (hazards of the
enterprises tagged 重大危险源+隐患超期). Elsewhere the parameter does not apply."""

from __future__ import annotations

from yingji.core.models import Organization
from yingji.profiles.models import EnterpriseTag


def by_tag(reg, qs, value: str):
    tagged = EnterpriseTag.objects.filter(code=value).values("organization_id")
    if reg.model is Organization:
        return qs.filter(pk__in=tagged)
    field = next((f for f in reg.model._meta.concrete_fields if f.name == "organization"), None)
    if field is not None and field.many_to_one and field.related_model is Organization:
        return qs.filter(organization_id__in=tagged)
    return None
