"""Form widgets shared by every registry."""

from django import forms
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.utils.html import format_html


class AutocompleteInput(forms.TextInput):
    """A related record entered by its natural key (区划代码, 统一社会信用代码 …) with suggestions.

    Select boxes do not scale to 100,000 organizations; this input asks the related registry's
    ``suggest`` endpoint (scoped to the user) as the user types and offers matches in a datalist.
    Works without JavaScript too: typing the key itself is always accepted.

    The current value is named (``label_of(record)``) only when the field's own queryset — the
    user's scope — finds it: the ModelChoiceField binds itself to ``self.choices``, and the record
    is looked up exactly as the field validates it, so an out-of-scope key is named no more than a
    key nobody has. A widget bound to no such field names nothing.
    """

    def __init__(self, suggest_url: str, label_of=None, attrs=None):
        super().__init__(attrs)
        self.suggest_url = suggest_url
        self.label_of = label_of

    def current_label(self, value) -> str:
        field = getattr(getattr(self, "choices", None), "field", None)
        if field is None or self.label_of is None or not hasattr(field, "queryset"):
            return ""
        try:
            record = field.to_python(value)
        except (ValidationError, ObjectDoesNotExist, MultipleObjectsReturned, ValueError, TypeError):
            return ""
        return self.label_of(record) if record is not None else ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"dl-{attrs.get('id', name)}"
        attrs.update({"list": list_id, "autocomplete": "off", "hx-get": self.suggest_url,
                      "hx-trigger": "input changed delay:250ms, focus once", "hx-target": f"#{list_id}",
                      "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        field = super().render(name, value, attrs, renderer)
        current, label = "", ""
        if value not in (None, ""):
            label = self.current_label(value)
            if label:
                current = format_html('<option value="{}">{}</option>', value, label)
        # The record's name beside its key, now and after each pick (autocomplete.js fills it from the
        # picked option): the box holds the key, the person reads the name.
        return format_html('{}<datalist id="{}">{}</datalist><div class="form-text yj-picked" data-picked-for="{}">{}</div>',
                           field, list_id, current, attrs.get("id", name), label)


class MapPickWidget(forms.Textarea):
    """A text field filled by picking on a map, still editable by hand (and usable without JavaScript).

    ``mode="regions"``: click township/village polygons to add or remove their codes (comma-separated).
    ``mode="area"``: click a centre and give a radius for ``{"circle": [lon, lat, km]}``, or click the
    corners of a polygon, written as GeoJSON. Declared per field with ``Registry.form_widgets``.
    """

    def __init__(self, mode: str, level: str = "township", attrs=None):
        super().__init__({"rows": 2, "class": "form-control font-monospace", **(attrs or {})})
        self.mode, self.level = mode, level

    class Media:
        css = {"all": ("vendor/leaflet-1.9.4/leaflet.css",)}
        js = ("vendor/leaflet-1.9.4/leaflet.js", "yingji/map.js", "yingji/pick.js")

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id", f"id_{name}")
        return format_html('{}<div class="yj-pick-map mt-1" data-pick="{}" data-for="{}" data-level="{}" '
                           'role="application" aria-label="在地图上选择"></div>', field, self.mode, field_id, self.level)


class ChecklistWidget(forms.CheckboxSelectMultiple):
    """Several choices (an account's roles) as a list of check boxes, each with a line saying what it
    means (``hint(value)``), large enough to tap on a phone."""

    def __init__(self, hint=None, attrs=None):
        super().__init__(attrs)
        self.hint = hint

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        base = attrs.get("id", f"id_{name}")
        chosen = {str(v) for v in (value or [])}
        items = []
        for i, (option, label) in enumerate(self.choices):
            key = str(option)
            hint = self.hint(key) if self.hint else ""
            items.append(format_html(
                '<div class="form-check mb-1"><input class="form-check-input" type="checkbox" name="{}" value="{}" '
                'id="{}_{}"{}><label class="form-check-label" for="{}_{}">{}{}</label></div>',
                name, key, base, i, " checked" if key in chosen else "", base, i, label,
                format_html(' <span class="small text-muted">{}</span>', hint) if hint else ""))
        return format_html('<div id="{}" class="yj-checklist border rounded p-2" role="group">{}</div>', base,
                           format_html("".join(["{}"] * len(items)), *items) if items else "")


class CodeListCheckboxes(forms.CheckboxSelectMultiple):
    """A comma-separated list of codes (``township_leader,village_cadre``) ticked by their Chinese
    labels. The field stays a text field, so imports and the API keep taking the codes."""

    def __init__(self, choices, attrs=None):
        # plain boxes: Bootstrap's form-check-input, without a .form-check wrapper, slides under the label before it
        super().__init__({"class": "me-1", **(attrs or {})}, choices=choices)

    def format_value(self, value):
        if isinstance(value, str):
            value = [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        picked = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(picked, str | type(None)):
            return picked or ""
        return ",".join(v for v in picked if v)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked is a value: none
