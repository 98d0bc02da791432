"""Make a record of any registry inside a given region/organization — the generic tests' factory.

Scope fields are set from the model's own declaration (scope_region / scope_organization), every
other required field is filled by model_bakery, so a new registry needs nothing here.
"""

from itertools import count

from model_bakery import baker

_serial = count(1)
_CHILD_LEVEL = {"province": "city", "city": "county", "county": "township", "township": "village"}


def make_record(reg, region, organization=None):
    from yingji.core.framework.access import scope_fields

    model = reg.model
    n = next(_serial)
    kwargs = {}
    region_field, org_field = scope_fields(model)  # a DomainModel's declaration, or an account's own scope
    if region_field == "self":
        parent = region.parent if region.level == "village" else region  # villages have no children
        level = _CHILD_LEVEL[parent.level]
        suffix = {"city": f"{n % 90 + 10:02d}00", "county": f"{n % 90 + 10:02d}", "township": f"{n % 899 + 100:03d}",
                  "village": f"{n % 899 + 100:03d}"}[level]
        code = parent.code[:{"city": 2, "county": 4}.get(level, len(parent.code))] + suffix
        kwargs.update(parent=parent, level=level, code=code, name=f"样例区划{n}")
    else:
        kwargs[region_field] = region
    if org_field == "self":
        from tests.conftest import credit

        kwargs["credit_code"] = credit(100000 + n)
    elif org_field and organization is not None:
        kwargs[org_field] = organization
    # Required links to other registries are made inside the same region/organization, recursively.
    from yingji.core.framework.registry import registry_for_model

    for f in model._meta.concrete_fields:
        if f.is_relation and not f.null and f.name not in kwargs and f.name != region_field:
            target = registry_for_model(f.related_model)
            if target is not None and f.related_model.__name__ not in ("Region", "Organization"):
                kwargs[f.name] = make_record(target, region, organization)
    kwargs.update(reg.example)
    if hasattr(model, "lon"):
        kwargs.update(lon=113.5 + n / 1000, lat=28.1)
    if "name" in {f.name for f in model._meta.fields} and "name" not in kwargs:
        kwargs["name"] = f"样例{model._meta.verbose_name}{n}"
    return baker.make(model, **kwargs)
