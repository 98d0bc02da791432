"""One model shape for a jurisdiction's own value of a rule an app ships as data (core/framework/rulebook.py),
and the lookup that lays the regions' values over the national defaults, the nearest region winning: a
province's or city's value holds for the counties under it unless the county sets its own.

An app subclasses ``JurisdictionRule`` with its ``rule_defaults`` (the national defaults) and Meta; the key is
chosen from those defaults on the form and checked against them on save."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.directory.models import Region
from yingji.core.framework.models import DomainModel
from yingji.core.framework.rulebook import Rule, with_overrides


def _key_choices(model) -> list[tuple[str, str]]:
    return [(key, f"{rule.label}（{rule.unit}）" if rule.unit else rule.label) for key, rule in model.rule_defaults().items()]


class RuleKeyField(models.CharField):
    """The rule's key, offered from the model's defaults. The choices are the app's data, not the schema's:
    migrations see a plain CharField."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        if not cls._meta.abstract:  # before Django adds get_key_display for fields with choices
            self.choices = functools.partial(_key_choices, cls)
        super().contribute_to_class(cls, name, *args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class JurisdictionRule(DomainModel):
    scope_shared_down = True  # a province's or city's value holds for the counties under it

    key = RuleKeyField("规则", max_length=40)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    source = models.CharField("依据文件", max_length=200)
    article = models.CharField("条款", max_length=64, blank=True)
    effective = models.DateField("施行日期", null=True, blank=True)
    confirmed = models.BooleanField("已对照原文核实", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")

    rule_defaults: Callable[[], dict[str, Rule]]  # the national defaults of the app's data file

    class Meta:
        abstract = True
        ordering = ["region", "key"]

    def __str__(self):
        return f"{self.region} {self.key} = {self.value}"

    def clean(self):
        super().clean()
        known = type(self).rule_defaults()
        if self.key not in known:
            raise ValidationError({"key": f"没有名为“{self.key}”的规则；可选：{'、'.join(known)}"})

    def as_override(self) -> dict:
        return {"value": self.value, "source": self.source, "article": self.article,
                "date": self.effective.isoformat() if self.effective else "", "confirmed": self.confirmed,
                "note": self.note}


def rules_for(model: type[JurisdictionRule], region: Region | None) -> dict[str, Rule]:
    """The national defaults of ``model`` with the values of ``region`` and the regions above it (nearest wins)."""
    defaults = model.rule_defaults()
    if region is None:
        return defaults
    codes = [c for c in region.path.split("/") if c]
    rows = sorted(model.objects.filter(region__code__in=codes).select_related("region"), key=lambda r: len(r.region.path))
    return with_overrides(defaults, {row.key: row.as_override() for row in rows})
