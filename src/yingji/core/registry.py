"""The generic registry layer: a model joins by declaring a ``Registry``.

From one declaration the platform builds the list page (search, filters, sort, pagination), detail,
create/edit form, delete confirmation, history, attachments, Excel export, Excel/CSV import with a
template, the REST endpoints, the map layer (for models with lon/lat) and the generic tests.
Later modules call ``register(Registry(...))`` in their own ``registries.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import django_filters
from auditlog.registry import auditlog
from django import forms
from django.db import models

from yingji.core.models import GeoPoint, GeoShape, Region

_REGISTRIES: dict[str, Registry] = {}


@dataclass(eq=False)
class Registry:
    model: type[models.Model]
    slug: str  # URL and API name, plural English: "organizations"
    menu_group: str  # left-menu area in Chinese
    list_fields: list[str]
    search_fields: list[str]
    natural_key: tuple[str, ...]  # what identifies a row across imports
    filter_fields: list[str] = field(default_factory=list)
    form_fields: list[str] | None = None  # default: every editable field
    ordering: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    icon: str = "▦"
    description: str = ""

    # ---- names -------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def perm_prefix(self) -> str:
        return self.model._meta.app_label

    def perm(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    @property
    def has_point(self) -> bool:
        return issubclass(self.model, GeoPoint)

    @property
    def has_shape(self) -> bool:
        return issubclass(self.model, GeoShape)

    # ---- fields ------------------------------------------------------------------------------
    @cached_property
    def editable_fields(self) -> list[str]:
        if self.form_fields is not None:
            return list(self.form_fields)
        skip = {"id", "created_at", "updated_at"}
        return [f.name for f in self.model._meta.get_fields()
                if getattr(f, "editable", False) and f.concrete and not f.auto_created and f.name not in skip
                and not f.many_to_many]

    def field(self, name: str):
        return self.model._meta.get_field(name)

    @property
    def search_hint(self) -> str:
        return "、".join(self.field_label(n) for n in self.search_fields)

    def field_label(self, name: str) -> str:
        try:
            return str(self.field(name).verbose_name)
        except Exception:
            return name

    def related_key(self, name: str) -> str | None:
        """For a foreign key, the related registry's natural key field used in files and the API."""
        f = self.field(name)
        if not f.is_relation:
            return None
        target = registry_for_model(f.related_model)
        if target and len(target.natural_key) == 1:
            return target.natural_key[0]
        return "pk"

    # ---- querysets ---------------------------------------------------------------------------
    def queryset(self, user):
        qs = self.model.objects.for_user(user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.order_by(*(self.ordering or self.model._meta.ordering or ("pk",)))

    # ---- forms -------------------------------------------------------------------------------
    def form_class(self, user, *, for_import: bool = False):
        """A ModelForm over the editable fields with related choices limited to the user's scope."""
        reg = self

        class RegistryForm(forms.ModelForm):
            class Meta:
                model = reg.model
                fields = reg.editable_fields

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, form_field in self.fields.items():
                    model_field = reg.field(name)
                    if model_field.is_relation:
                        target = registry_for_model(model_field.related_model)
                        qs = model_field.related_model.objects.all()
                        if target:
                            qs = target.queryset(user)
                        form_field.queryset = qs
                        if for_import:
                            key = reg.related_key(name)
                            form_field.to_field_name = key
                            key_label = model_field.related_model._meta.get_field(key).verbose_name if key != "pk" else "编号"
                            form_field.error_messages["invalid_choice"] = (
                                f"找不到{key_label}为“%(value)s”的{model_field.related_model._meta.verbose_name}，"
                                "或不在您的管辖范围内")
                        elif model_field.related_model is Region:
                            form_field.label_from_instance = lambda r: f"{r.code} {r.name}"
                    if model_field.is_relation and hasattr(form_field, "empty_label"):
                        form_field.empty_label = "请选择"
                    elif getattr(form_field, "choices", None) and list(form_field.choices)[:1] == [("", "---------")]:
                        form_field.choices = [("", "请选择"), *list(form_field.choices)[1:]]
                    if model_field.choices and not model_field.is_relation:
                        allowed = "、".join(str(label) for _, label in model_field.choices)
                        form_field.error_messages["invalid_choice"] = f"“%(value)s”不是有效的选项；可选：{allowed}"
                    if isinstance(model_field, models.JSONField):
                        form_field.widget = forms.Textarea(attrs={"rows": 4, "class": "font-monospace"})
                    css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
                    if isinstance(form_field.widget, forms.CheckboxInput):
                        css = "form-check-input"
                    form_field.widget.attrs.setdefault("class", css)

        RegistryForm.__name__ = f"{self.model.__name__}Form"
        return RegistryForm

    # ---- filters -----------------------------------------------------------------------------
    def filterset_class(self, user=None):
        """django-filter FilterSet for pages and API; region filters take the whole subtree."""
        reg = self
        declared = {}
        for name in self.filter_fields:
            f = self.field(name)
            if f.is_relation and f.related_model is Region:
                declared[name] = RegionSubtreeFilter(field_name=name, label=self.field_label(name), empty_label="全部",
                                                     subtree_of=name if name != "parent" else None)
            elif f.is_relation:
                target = registry_for_model(f.related_model)
                declared[name] = django_filters.ModelChoiceFilter(
                    field_name=name, label=self.field_label(name), to_field_name=self.related_key(name), empty_label="全部",
                    queryset=(lambda request, t=target, m=f.related_model:
                              t.queryset(request.user) if t and request else m.objects.none()))
            elif isinstance(f, models.CharField) and not f.choices:
                declared[name] = django_filters.CharFilter(field_name=name, lookup_expr="startswith",
                                                           label=f"{self.field_label(name)}（前缀）")
        meta = type("Meta", (), {"model": reg.model,
                                 "fields": [n for n in self.filter_fields if n not in declared]})
        return type(f"{self.model.__name__}FilterSet", (django_filters.FilterSet,), {**declared, "Meta": meta})


class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """Filter by a region code, matching that region and everything under it."""

    def __init__(self, *args, subtree_of=None, **kwargs):
        self.subtree_of = subtree_of
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("queryset", lambda request: Region.objects.for_user(request.user) if request
                          else Region.objects.none())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.subtree_of:
            return qs.filter(**{f"{self.subtree_of}__path__startswith": value.path})
        return qs.filter(**{self.field_name: value})


def register(reg: Registry) -> Registry:
    if reg.slug in _REGISTRIES:
        raise ValueError(f"registry {reg.slug} declared twice")
    _REGISTRIES[reg.slug] = reg
    auditlog.register(reg.model, exclude_fields=["created_at", "updated_at", "path", "centroid_lon",
                                                 "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat"])
    return reg


def registries() -> list[Registry]:
    return list(_REGISTRIES.values())


def get_registry(slug: str) -> Registry | None:
    return _REGISTRIES.get(slug)


def registry_for_model(model) -> Registry | None:
    for reg in _REGISTRIES.values():
        if reg.model is model:
            return reg
    return None
