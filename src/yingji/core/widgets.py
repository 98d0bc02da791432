"""Form widgets shared by every registry."""

from django import forms
from django.utils.html import format_html


class AutocompleteInput(forms.TextInput):
    """A related record entered by its natural key (区划代码, 统一社会信用代码 …) with suggestions.

    Select boxes do not scale to 100,000 organizations; this input asks the related registry's
    ``suggest`` endpoint (scoped to the user) as the user types and offers matches in a datalist.
    Works without JavaScript too: typing the key itself is always accepted.
    """

    def __init__(self, suggest_url: str, current_label=None, attrs=None):
        super().__init__(attrs)
        self.suggest_url = suggest_url
        self.current_label = current_label

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"dl-{attrs.get('id', name)}"
        attrs.update({"list": list_id, "autocomplete": "off", "hx-get": self.suggest_url,
                      "hx-trigger": "input changed delay:250ms, focus once", "hx-target": f"#{list_id}",
                      "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        field = super().render(name, value, attrs, renderer)
        current = ""
        if value not in (None, "") and self.current_label:
            label = self.current_label(value)
            if label:
                current = format_html('<option value="{}">{}</option>', value, label)
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, current)
