"""A money field kept in yuan and read and written by people in 万元 (decision 0012)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from rest_framework import serializers

from yingji.core.framework import money


class WanYuanFormField(forms.Field):
    """Typed in 万元 (or with its unit: 元, 万元, 亿元), cleaned to exact yuan. A Decimal it is given is
    a stored value (yuan): the import fills columns a file leaves out with the record's own values."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        try:
            return money.parse_yuan(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        return money.wan_text(value) if isinstance(value, Decimal) else value

    def api_field(self, **common):  # how an operation's API documents it (core/framework/operation_views.py)
        return serializers.CharField(allow_blank=True, **{**common, "help_text": common["help_text"] + (
            "。单位万元，如 \"1234.567\"；也可注明单位：\"12345670元\"、\"1.2亿元\"")})


class YuanField(models.DecimalField):
    """Decimal yuan to the fen (16 digits, 2 after the point). Pages and files speak 万元
    (``formfield``, ``to_sheet``); the API carries yuan under the field's ``_cny`` name (``api_field``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(0)])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 16), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        if kwargs.get("validators") == [MinValueValidator(0)]:
            del kwargs["validators"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        # Field.formfield, not DecimalField's: the form field takes 万元 text, not max_digits/decimal_places.
        kwargs["form_class"] = WanYuanFormField
        return super(models.DecimalField, self).formfield(**kwargs)

    def page_text(self, value) -> str:
        """The value on a page, as the field's label reads: 万元 (1,234.567)."""
        return money.wan_text(value, grouped=True)

    def history_text(self, text):
        """A change-history value (yuan, as text) as the field's label reads: 万元."""
        try:
            return money.wan_text(Decimal(text))
        except (TypeError, ArithmeticError, ValueError):
            return text  # "None", or a value from before the field was yuan

    def to_sheet(self, value):
        """The value in a spreadsheet cell: 万元 (a number), as the import reads it back."""
        return None if value is None else money.yuan_to_wan(value)

    def api_field(self):
        """The API's field: yuan, two places (core/framework/api.py takes it instead of the generated one)."""
        label = str(self.verbose_name).split("（")[0]
        return serializers.DecimalField(max_digits=self.max_digits, decimal_places=self.decimal_places, min_value=0,
                                        allow_null=self.null, required=not self.blank, label=f"{label}（元）",
                                        help_text=f"{label}，单位元，精确到分（页面和导入导出文件中按万元）")
