"""The generic registry layer: a model joins by declaring a ``Registry``.

From one declaration the platform builds the list page (search, filters, sort, pagination), detail,
create/edit form, delete confirmation, history, attachments, Excel export, Excel/CSV import with a
template, the REST endpoints, the map layer (for models with lon/lat) and the generic tests.
Later modules call ``register(Registry(...))`` in their own ``registries.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import django_filters
from auditlog.registry import auditlog
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse_lazy

from yingji.core.framework.access import restrict
from yingji.core.framework.models import GeoPoint, GeoShape
from yingji.core.framework.widgets import AutocompleteInput, ChecklistWidget

_REGISTRIES: dict[str, Registry] = {}
MASK = "***"  # what a masked personal field reads as


class _EmptyJSONField(forms.JSONField):
    """An empty JSON field re-shows as empty after a failed submit, not as the text ``null``."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


def ambiguous_key_message(model, key: str, value) -> str:
    meta = model._meta
    label = meta.get_field(key).verbose_name if key != "pk" else "编号"
    return (f"有多个{label}为“{value}”的{meta.verbose_name}，无法确定指的是哪一个；"
            f"请先在{meta.verbose_name}中将重名记录改名")


class NaturalKeyChoiceField(forms.ModelChoiceField):
    """A related record by its natural key: should two records share it (a database from before the key
    was made unique), a clear error instead of MultipleObjectsReturned (a 500)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except self.queryset.model.MultipleObjectsReturned:
            raise forms.ValidationError(ambiguous_key_message(self.queryset.model, self.to_field_name or "pk", value),
                                        code="ambiguous") from None


class ManyChoiceField(forms.ModelMultipleChoiceField):
    """Several related records in one field (an account's roles): on a page as checkboxes, in a file as
    one cell of keys or names separated by 、 or commas ("乡镇用户、村/网格员"); a value the user may
    not pick is refused naming it as people read it."""

    reference = None  # set by the registry form: the Reference of the related model, if it has one

    def clean(self, value):
        if isinstance(value, str):
            value = split_values(value)
        if self.reference is not None and value:
            value = [self.reference.key_for(v) for v in value]
        return super().clean(value)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "invalid_choice" or self.reference is None:
                raise
            shown = self.reference.label(str((exc.params or {}).get("value", "")))
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": shown}) from None

    def label_from_instance(self, obj):
        return self.reference.label(getattr(obj, self.reference.key)) if self.reference else str(obj)


def split_values(text: str) -> list[str]:
    """"乡镇用户、村/网格员" → ["乡镇用户", "村/网格员"]: a cell holding several values."""
    import re

    return [part.strip() for part in re.split(r"[、,，;；\n]", text) if part.strip()]


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.JSONField):
        kwargs["form_class"] = _EmptyJSONField
    if isinstance(model_field, models.ForeignKey):
        kwargs["form_class"] = NaturalKeyChoiceField
    if isinstance(model_field, models.ManyToManyField):
        kwargs["form_class"] = ManyChoiceField
    return model_field.formfield(**kwargs)


@dataclass(frozen=True)
class Reference:
    """A model that records refer to but that is no registry of its own — the roles (Django groups) an
    account holds. It names what a user may pick (``choices``: per user, so who may grant which role
    is decided in one place), the field that names a value in files and the API (``key``) and how a
    value reads on pages, in exports and in the history (``label``); a file may give the label
    instead of the key ("乡镇用户" for "township")."""

    model: type[models.Model]
    key: str
    label: Callable[[str], str]  # key -> how it reads
    choices: Callable[[Any], Any]  # user -> the queryset of what they may pick
    labels: Callable[[], dict[str, str]] | None = None  # every key -> label, to read labels back
    hint: Callable[[str], str] | None = None  # key -> one line on what it means, beside its check box

    def key_for(self, text: str) -> str:
        """A value as a file or form gives it — its key or its label — as the key."""
        text = str(text).strip()
        if self.labels is not None:
            by_label = {label: key for key, label in self.labels().items()}
            return by_label.get(text, text)
        return text


_REFERENCES: dict[type, Reference] = {}


def register_reference(ref: Reference) -> Reference:
    _REFERENCES[ref.model] = ref
    return ref


def reference_for(model) -> Reference | None:
    return _REFERENCES.get(model)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class RecordDocument:
    """A paper a registry offers for each record: an official .docx (督办单, 信息专报 …) by default, or
    another format (a warning's CAP 1.2 message). Served on the record page (Word papers, at
    ``/registry/<slug>/<id>/documents/<name>.docx``) and by ``GET /api/<slug>/<id>/documents/<name>/``,
    both under the record's own rules: the role must see the registry, the record must be in scope."""

    label: str
    build: Callable[[Any], bytes]  # record -> the file's bytes
    available: Callable[[Any], bool] | None = None  # record -> whether it has this paper now
    media_type: str = DOCX
    extension: str = "docx"
    filename: Callable[[Any], str] | None = None  # record -> file name; default "<label>-<record>.<extension>"
    inline: bool = False  # shown in the browser (an XML message) rather than downloaded
    # Built for the one reading it: ``build(record, user)`` (a paper holding personal data masks what
    # the reader's roles may not see, as Registry.personal_fields does on pages).
    for_reader: bool = False
    # Offered on the record page beside the Word papers (which always are), at
    # ``/registry/<slug>/<id>/documents/<name>.<extension>``: a printable page (inline HTML), a workbook.
    on_record_page: bool = False

    @property
    def offered_on_page(self) -> bool:
        return self.extension == "docx" or self.on_record_page

    def ready(self, record) -> bool:
        return self.available is None or bool(self.available(record))

    def name_for(self, record) -> str:
        return self.filename(record) if self.filename else f"{self.label}-{record}.{self.extension}"


@dataclass(frozen=True)
class ComputedColumn:
    """A column an imported sheet may carry for a field the platform computes (an assessment's D): the
    column is accepted, never written; ``check(instance, text)`` compares the sheet's figure with the
    computed one (the row's instance as validated, not yet saved) and returns a warning, or None when
    they agree. ``aliases``: the other headings real sheets use for it ("D", "风险值")."""

    check: Callable[[Any, str], str | None]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointColour:
    """The colour of a registry's dots on maps, from one field: ``colours`` maps its values to
    "#rrggbb" in order of precedence — a map cluster shows the colour of the first value it holds (the
    most severe level) — and ``other`` is every other value's. Declared as data so that a map layer
    reads one column and a cluster's colour is computed in SQL (decision 0014)."""

    field: str
    colours: dict
    other: str = "#999999"

    def __call__(self, record) -> str:
        return self.colours.get(getattr(record, self.field), self.other)

    def of(self, value) -> str:
        return self.colours.get(value, self.other)


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
    # name -> RecordDocument (or the short form (label, build(record) -> bytes, available(record)) for a .docx)
    documents: dict = field(default_factory=dict)
    record_links: list = field(default_factory=list)  # (label, url name taking the pk): printable pages …
    point_colour: PointColour | None = None  # the colour of its dots on maps (e.g. by risk level)
    # The value paths whose values, joined by a space, name a record on map layers (read with values(),
    # no record loaded); default: "name", else "title", else the natural key.
    map_name: tuple[str, ...] = ()
    allow_create: bool = True  # False: records arrive another way (e.g. public forms), staff only update them
    example: dict = field(default_factory=dict)  # valid values for fields with rules (used by generic tests)
    workflow: object = None  # a statemachine.StateMachine, for records with a declared lifecycle
    state_field: str = "state"
    # States in which a record changes only through its workflow: no edit form, no API update, no
    # delete (e.g. a released warning — a change is a new version, not an edit).
    locked_states: frozenset = frozenset()
    # A due date counted down on the record page while the record is in one of the states:
    # (date field, states, label), e.g. ("deadline", {"rectifying", "overdue"}, "整改期限").
    countdown: tuple | None = None
    # A ledger: rows are appended by a service only, never created, edited or deleted by hand.
    append_only: bool = False
    # Field name -> widget for the create/edit form, e.g. a map picker for target regions.
    form_widgets: dict = field(default_factory=dict)
    # A part whose record is locked while its parent is (a transfer order's lines once it is approved):
    # the name of the foreign key to that parent.
    locked_with: str | None = None
    # Pages that work on the whole registry, shown on its list page: (label, url name, action needed),
    # e.g. ("登记出入库", "stock_move", "add").
    page_links: list = field(default_factory=list)
    # Fields that hold secrets (an account's password hash): never shown, exported, sent by the API or
    # written in the history.
    secret_fields: tuple[str, ...] = ()
    # Fields whose changes are not changes of the record (an account's last login): not in the history.
    history_exclude: tuple[str, ...] = ()
    # (user, record) -> why ``user`` may not change or delete this record although role and scope allow
    # it (an account holding a role the user may not grant), or None. Refused with the reason (403).
    refusal: Callable[[Any, Any], str | None] | None = None
    # (user, new record) -> [services.Secret] shown once to whoever created it (an account's one-time
    # password), or None. Called before the record is first saved, on every path that creates one:
    # the page, the API (its answer's ``shown_once``), imports (the result page) and commands.
    on_create: Callable[[Any, Any], list | None] | None = None
    # (record, {many-to-many field: [records]}) -> None: checks of a record together with its
    # many-to-many values (an account's roles against its scope); raises ValidationError by field.
    clean_many: Callable[[Any, dict], None] | None = None
    # record -> [(heading, [lines])]: what the record means, in plain words, at the top of its page
    # (an account: what it can see and what it can do).
    summary: Callable[[Any], list] | None = None
    # Columns of the model the platform does not use (Django's own account columns): not on the
    # record page, not in the API.
    hidden_fields: tuple[str, ...] = ()
    # Fields a person reads through ``summary`` instead (a paper's words kept as JSON): not listed raw
    # on the record page; still in the API, the exports and the history.
    summarised_fields: tuple[str, ...] = ()
    # Fields whose values are codes people type, not words (an account's 用户名 ``township_admin``):
    # shown as code on the list, the record page and in the history.
    code_fields: tuple[str, ...] = ()
    # Other records name these by id, not by natural key (accounts: a task's assignee stays its id in
    # files and the API, whatever the account's user name becomes).
    referred_by_id: bool = False
    # Field name -> ComputedColumn: a computed field an import accepts and checks instead of refusing it.
    computed_columns: dict = field(default_factory=dict)
    # Field name -> callable giving the new-record form's starting value (a warning's 生效时间 now,
    # 失效时间 a day later); what the page's query string names wins.
    defaults: dict = field(default_factory=dict)
    # Field name -> callable(record) giving the choice values the page form offers for that record: the
    # ones a person may pick (a team's 出动 comes from a dispatch, never from the form). Others stay
    # refused by the model's own check on every path.
    offered_choices: dict = field(default_factory=dict)
    # Photos taken with the record when it is created (a field report from a phone: camera upload),
    # saved as its attachments in the same transaction — the label of the form's photo input, e.g.
    # "现场照片"; the API's create takes them as ``photos`` (multipart).
    photos_on_create: str = ""
    # Personal data (a victim's name and ID number): shown only to users holding one of
    # ``personal_roles``, masked (MASK) for everyone else on every path — list and record pages, the
    # API, exports and the history. Never searchable or filterable (a search would reveal them).
    personal_fields: tuple[str, ...] = ()
    personal_roles: tuple[str, ...] = ()
    # A template included at the top of the create/edit page's form (given ``form``, ``obj`` and
    # ``reg``): a helper that fills the form, such as the paste box of 粘贴文字提取 on 值班日志.
    form_include: str = ""
    # (user, saved record, bound form) -> None, called when the page's form has saved the record, in
    # the same transaction (what such a helper sent with the form is kept: extraction corrections).
    on_form_saved: Callable[[Any, Any, Any], None] | None = None

    def __post_init__(self):
        probed = set(self.personal_fields) & {n.split("__")[0] for n in [*self.search_fields, *self.filter_fields]}
        if probed:
            raise ValueError(f"{self.slug}: personal fields {sorted(probed)} may not be searched or filtered")
        if not self.map_name:
            names = {f.name for f in self.model._meta.concrete_fields}
            self.map_name = next(((n,) for n in ("name", "title") if n in names), tuple(self.natural_key))
        if self.append_only:
            self.allow_create = False
        self.documents = {name: d if isinstance(d, RecordDocument) else RecordDocument(*d) for name, d in self.documents.items()}

    def locked(self, record) -> str | None:
        """Why ``record`` may not be edited or deleted directly now, or None."""
        if self.append_only and record.pk is not None:
            return f"{self.label}是只追加的台账，记录不能修改或删除；如有差错请登记一笔更正业务"
        if self.locked_with and getattr(record, f"{self.locked_with}_id", None):
            parent = getattr(record, self.locked_with)
            parent_reg = registry_for_model(type(parent))
            reason = parent_reg.locked(parent) if parent_reg else None
            if reason:
                return f"所属{reason}"
        if not self.locked_states or record.pk is None:
            return None
        state = type(record).objects.filter(pk=record.pk).values_list(self.state_field, flat=True).first()
        if state not in self.locked_states:
            return None
        return f"{self.label}已处于“{self.workflow.label(state)}”状态，不能直接修改或删除，请通过流程操作"

    def masked_fields(self, user) -> frozenset[str]:
        """The personal fields ``user`` may not read (all of them unless they hold a personal role)."""
        if not self.personal_fields:
            return frozenset()
        from yingji.core.framework.roles import holds

        if user is not None and user.is_authenticated and (user.is_superuser or holds(user) & set(self.personal_roles)):
            return frozenset()
        return frozenset(self.personal_fields)

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
        names = [f.name for f in self.model._meta.get_fields()
                 if getattr(f, "editable", False) and f.concrete and not f.auto_created and f.name not in skip
                 and not f.many_to_many]
        # The location fields come from mixins declared first; on a form they belong after the
        # record's own fields (name first, where it is last).
        place = [n for n in ("lon", "lat", "geometry", "geometry_note") if n in names]
        return [n for n in names if n not in place] + place

    @cached_property
    def many_fields(self) -> list[str]:
        """The editable many-to-many fields (an account's roles)."""
        return [n for n in self.editable_fields if self.field(n).many_to_many]

    @cached_property
    def display_fields(self) -> list[str]:
        """What a record page shows: the editable fields, then computed results (level, R, calculation …)."""
        internal = {"id", "path", "centroid_lon", "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat",
                    "geometry", "created_at", "updated_at", self.state_field, *self.secret_fields,
                    *self.hidden_fields, *self.summarised_fields}
        # A field with no name of its own (Django's default verbose name is the attribute's, "rule
        # pending level") is bookkeeping: the rule engine's state, not something a person reads.
        computed = [f.name for f in self.model._meta.concrete_fields
                    if f.name not in self.editable_fields and f.name not in internal and not f.name.endswith("_hash")
                    and str(f.verbose_name) != f.name.replace("_", " ")]
        return ([n for n in self.editable_fields if n != "geometry" and n not in self.summarised_fields] + computed
                + ["created_at", "updated_at"])

    def days_left(self, obj) -> tuple[str, int] | None:
        """(label, days until the due date; negative when past) for the record page, or None."""
        if not self.countdown:
            return None
        name, states, label = self.countdown
        due = getattr(obj, name)
        if due is None or getattr(obj, self.state_field) not in states:
            return None
        from django.utils import timezone

        return label, (due - timezone.localdate()).days

    def field(self, name: str):
        return self.model._meta.get_field(name)

    @property
    def search_hint(self) -> str:
        return "、".join(self.field_label(n) for n in self.search_fields)

    def field_label(self, name: str) -> str:
        """A field's Chinese name; for a path through relations (``warehouse__name``) the related
        record's name and the field's, run together (储备库名称, 突发事件名称, 调拨单号)."""
        if name == "id":
            return "编号"
        return path_label(self.model, name)

    @property
    def natural_key_label(self) -> str:
        """What identifies a row across imports, in words: 统一社会信用代码, 姓名+手机号码, 编号."""
        return "+".join(self.field_label(k) for k in self.natural_key)

    def related_key(self, name: str) -> str | None:
        """For a foreign key, the related registry's natural key field used in files and the API."""
        f = self.field(name)
        if not f.is_relation:
            return None
        target = registry_for_model(f.related_model)
        if target and len(target.natural_key) == 1 and not target.referred_by_id:
            return target.natural_key[0]
        ref = reference_for(f.related_model)
        if ref is not None:
            return ref.key
        return "pk"

    # ---- querysets ---------------------------------------------------------------------------
    def queryset(self, user):
        qs = self.model.objects.for_user(user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.many_fields:  # read with the records, not once per record
            qs = qs.prefetch_related(*self.many_fields)
        return qs.order_by(*(self.ordering or self.model._meta.ordering or ("pk",)))

    def choice_queryset(self, user):
        """For pick lists and suggestions: scoped, without heavy columns such as geometry."""
        heavy = [f.name for f in self.model._meta.concrete_fields if isinstance(f, models.JSONField)]
        return self.model.objects.for_user(user).defer(*heavy).order_by(*self.natural_key)

    def key_of(self, obj) -> str:
        return "+".join(str(getattr(obj, k)) for k in self.natural_key)

    def suggest_label(self, obj) -> str:
        parent = getattr(obj, "parent", None) if is_scope_tree(self.model) else None
        return f"{obj}（{parent}）" if parent else str(obj)

    def autocomplete_widget(self, name: str):
        """Widget for the foreign key ``name``: natural key input with suggestions from its registry.
        It names its current value through the field's own (scoped) queryset only."""
        target = registry_for_model(self.field(name).related_model)
        url = reverse_lazy("registry_suggest", args=[target.slug])
        if self.related_key(name) == "pk":  # no single natural key (people): the suggestions offer ids
            from django.utils.text import format_lazy

            url = format_lazy("{}?key=pk", url)
        return AutocompleteInput(url, label_of=target.suggest_label)

    # ---- forms -------------------------------------------------------------------------------
    def form_class(self, user, *, for_import: bool = False):
        """A ModelForm over the editable fields with related choices limited to the user's scope."""
        reg = self
        masked = self.masked_fields(user)  # personal data the user may not read is not shown for editing either

        class RegistryForm(forms.ModelForm):
            class Meta:
                model = reg.model
                fields = [n for n in reg.editable_fields if n not in masked]
                formfield_callback = _formfield

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, form_field in self.fields.items():
                    model_field = reg.field(name)
                    if model_field.is_relation:
                        target = registry_for_model(model_field.related_model)
                        many = model_field.many_to_many
                        if many:
                            ref = form_field.reference = reference_for(model_field.related_model)
                            if not for_import:
                                form_field.widget = ChecklistWidget(hint=ref.hint if ref else None)
                        elif target and not target.referred_by_id and not for_import:  # before the queryset,
                            form_field.widget = reg.autocomplete_widget(name)  # which binds the widget to it
                        keep = None
                        if self.instance.pk:  # what the record links to already stays valid
                            keep = (list(getattr(self.instance, name).values_list("pk", flat=True)) if many
                                    else getattr(self.instance, model_field.attname))
                        form_field.queryset = related_queryset(model_field.related_model, user, keep=keep)
                        key = reg.related_key(name)
                        form_field.to_field_name = key
                        key_label = model_field.related_model._meta.get_field(key).verbose_name if key != "pk" else "编号"
                        form_field.error_messages["invalid_choice"] = not_found_message(model_field.related_model, key)
                        if many:
                            form_field.error_messages["invalid_choice"] = not_allowed_message(model_field)
                            form_field.help_text = model_field.help_text
                        elif target and not target.referred_by_id and not for_import:
                            form_field.help_text = f"输入{key_label}或名称关键字，从提示中选择"
                            related = getattr(self.instance, name, None) if self.instance.pk else None
                            if related is not None:
                                self.initial[name] = getattr(related, key)
                    if isinstance(form_field, forms.ModelChoiceField):
                        # Kept lazy, and not through .choices: that would run the scoped related queryset
                        # (every region, every organization) once per form, i.e. per imported row.
                        if form_field.empty_label is not None:
                            form_field.empty_label = "请选择"
                    elif getattr(form_field, "choices", None) and list(form_field.choices)[:1] == [("", "---------")]:
                        form_field.choices = [("", "请选择"), *list(form_field.choices)[1:]]
                    if name in reg.offered_choices and not for_import:
                        offered = set(reg.offered_choices[name](self.instance))
                        # Only the widget: a value sent anyway gets the model's reason, not "not a choice".
                        form_field.widget.choices = [(v, label) for v, label in form_field.choices
                                                     if v == "" or v in offered]
                    if model_field.choices and not model_field.is_relation:
                        allowed = "、".join(str(label) for _, label in model_field.choices)
                        form_field.error_messages["invalid_choice"] = f"“%(value)s”不是有效的选项；可选：{allowed}"
                    if isinstance(form_field.widget, forms.Textarea):
                        form_field.widget.attrs.setdefault("rows", 3)
                    if isinstance(form_field.widget, forms.TextInput) and ("phone" in name or name == "mobile"):
                        form_field.widget.input_type = "tel"  # the phone keypad on a phone
                    if isinstance(model_field, models.JSONField):
                        form_field.widget = forms.Textarea(attrs={"rows": 4, "class": "form-control font-monospace"})
                    if not for_import and isinstance(form_field, forms.DateTimeField):  # the browser's picker
                        form_field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                    elif not for_import and isinstance(form_field, forms.DateField):
                        form_field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                    if name in reg.form_widgets and not for_import:
                        form_field.widget = reg.form_widgets[name]()
                    css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
                    if isinstance(form_field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                        css = "form-check-input"
                    form_field.widget.attrs.setdefault("class", css)
                if reg.photos_on_create and not for_import and not self.instance.pk:
                    # right after what the report says (the description), where a phone user is
                    fields = list(self.fields.items())
                    at = next((i + 1 for i, (n, _) in enumerate(fields) if n == "description"), len(fields))
                    fields.insert(at, ("photos", CreatePhotosField(label=reg.photos_on_create)))
                    self.fields = dict(fields)

            def clean(self):
                cleaned = super().clean()
                if reg.clean_many is not None and not self.errors:
                    try:
                        reg.clean_many(self.instance_preview(), {n: list(cleaned.get(n) or []) for n in reg.many_fields})
                    except ValidationError as exc:
                        self._update_errors(exc)
                return cleaned

            def instance_preview(self):
                """The record as this form would save it (its plain fields and links; not yet saved)."""
                import copy

                preview = copy.copy(self.instance)
                for name in reg.editable_fields:
                    if name in self.cleaned_data and not reg.field(name).many_to_many:
                        setattr(preview, name, self.cleaned_data[name])
                return preview

        RegistryForm.__name__ = f"{self.model.__name__}Form"
        return RegistryForm

    # ---- filters -----------------------------------------------------------------------------
    def filterset_class(self, user=None):
        """django-filter FilterSet for pages and API; region filters take the whole subtree."""
        reg = self
        declared = {}
        for name in self.filter_fields:
            f = self.field(name)
            ref = reference_for(f.related_model) if f.is_relation else None
            if ref is not None:  # roles: every one by name, as people read it (filtering reveals nothing)
                declared[name] = django_filters.ChoiceFilter(
                    field_name=f"{name}__{ref.key}", label=self.field_label(name),
                    choices=lambda ref=ref: sorted(ref.labels().items(), key=lambda kv: kv[1]) if ref.labels else [])
            elif f.is_relation:
                options = {"field_name": name, "label": self.field_label(name), "to_field_name": self.related_key(name),
                           "widget": self.autocomplete_widget(name),
                           "queryset": (lambda request, m=f.related_model:
                                        related_queryset(m, request.user) if request else m._default_manager.none())}
                if is_scope_tree(f.related_model):
                    declared[name] = RegionSubtreeFilter(subtree_of=name if name != "parent" else None, **options)
                else:
                    declared[name] = django_filters.ModelChoiceFilter(**options)
            elif isinstance(f, models.CharField) and not f.choices:
                declared[name] = django_filters.CharFilter(field_name=name, lookup_expr="startswith",
                                                           label=f"{self.field_label(name)}（前缀）")
            elif isinstance(f, models.IntegerField) and not f.choices:  # was a decimal filter: 1.5 passed
                declared[name] = IntegerFilter(field_name=name, label=self.field_label(name))
            elif isinstance(f, models.BooleanField):  # was: any text but true/false meant "either"
                declared[name] = StrictBooleanFilter(field_name=name, label=self.field_label(name))
        meta = type("Meta", (), {"model": reg.model,
                                 "fields": [n for n in self.filter_fields if n not in declared]})
        return type(f"{self.model.__name__}FilterSet", (django_filters.FilterSet,), {**declared, "Meta": meta})


PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "heic")


def check_photo(upload) -> None:
    """A photo taken with a record: an image of a type the platform accepts, within the size limit."""
    from pathlib import Path

    from django.conf import settings

    from yingji.core.framework.services import validate_upload

    suffix = Path(upload.name).suffix.lower().lstrip(".")
    if suffix not in PHOTO_EXTENSIONS:
        raise ValidationError(f"“{Path(upload.name).name}”不是照片；请上传 {'、'.join(PHOTO_EXTENSIONS)} 格式的图片")
    validate_upload(upload, [e for e in PHOTO_EXTENSIONS if e in settings.UPLOAD_EXTENSIONS] or PHOTO_EXTENSIONS)


class CreatePhotosField(forms.FileField):
    """The create form's photo input: several photos, from the phone's camera (``capture``)."""

    def __init__(self, **kwargs):
        from yingji.core.framework.operations import MultipleFileInput

        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "可拍照或从相册选择，可多张")
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment",
                                                             "multiple": True, "class": "form-control"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        single = super().clean
        cleaned = [single(d, initial) for d in files]
        for upload in cleaned:
            check_photo(upload)
        return cleaned


class IntegerFilter(django_filters.NumberFilter):
    """An integer field's filter: a whole number, as the schema says (django-filter's default takes decimals)."""

    field_class = forms.IntegerField


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    def value_from_datadict(self, data, files, name):
        return data.get(name)  # as sent: the field decides (Django's select maps anything unknown to "either")


class StrictNullBooleanField(forms.NullBooleanField):
    """A yes/no filter: true/false (True/False, 1/0); empty or "unknown" (the page's 全部) for either;
    anything else is an error naming the field, not silently "either"."""

    widget = StrictNullBooleanSelect

    def to_python(self, value):
        if value in (None, "", "unknown"):
            return None
        if value in (True, "True", "true", "1"):
            return True
        if value in (False, "False", "false", "0"):
            return False
        raise forms.ValidationError("应为 true 或 false", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


def path_label(model, path: str) -> str:
    """The Chinese name of ``path`` on ``model``: a field's verbose name, or along relations the
    related field's label and the next one's merged where they overlap (突发事件 + 事件名称 →
    突发事件名称, 调拨单 + 调拨单号 → 调拨单号, 储备库 + 名称 → 储备库名称)."""
    label = ""
    for hop in path.split("__"):
        if hop in ("id", "pk"):
            part = "编号"
        else:
            try:
                f = model._meta.get_field(hop)
            except Exception:
                return label or path
            part = str(getattr(f, "verbose_name", "") or f.related_model._meta.verbose_name)
            if f.is_relation and f.related_model is not None:
                model = f.related_model
        label = _merge_labels(label, part)
    return label


def _merge_labels(head: str, tail: str) -> str:
    if not head:
        return tail
    for n in range(min(len(head), len(tail)), 0, -1):
        if head.endswith(tail[:n]):
            return head + tail[n:]
    return head + tail


def is_scope_tree(model) -> bool:
    """The model that is its own scope region (the division tree: a record's ``path`` is its place)."""
    return getattr(model, "scope_region", None) == "self"


class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """Filter by a region code, matching that region and everything under it."""

    def __init__(self, *args, subtree_of=None, **kwargs):
        self.subtree_of = subtree_of
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.subtree_of:
            return qs.filter(**{f"{self.subtree_of}__path__startswith": value.path})
        return qs.filter(**{self.field_name: value})


def related_queryset(model, user, *, keep=None):
    """The records of ``model`` that ``user`` may pick for a relation: every related-field choice
    (page, import and filter forms, their widgets, API relation fields, ids taken from a request)
    comes from here, so a key outside the user's scope is answered exactly like a key nobody has.
    Records of a registry: its pick-list queryset; accounts: those whose own scope lies within the
    user's (access.scope_q). ``keep``: the pk the record being edited already links to, which stays
    valid (the record shows it anyway), so editing another field neither drops nor refuses it."""
    target = registry_for_model(model)
    ref = reference_for(model)
    if target is not None:
        qs = target.choice_queryset(user)
    elif ref is not None:
        qs = ref.choices(user) if user is not None and user.is_authenticated else model._default_manager.none()
    else:
        qs = restrict(model._default_manager.all(), user)
    if isinstance(keep, list | tuple | set):
        qs = (qs | model._default_manager.filter(pk__in=keep)) if keep else qs
    elif keep is not None:
        qs = qs | model._default_manager.filter(pk=keep)
    return qs


def unknown_relations(user, instance, names) -> dict:
    """``{field: [error]}`` for each foreign key in ``names`` whose id, set on ``instance`` straight
    from a request, is not among the records ``user`` may pick (related_queryset): the same words
    for an id nobody has and one out of scope, so the answer tells nothing more."""
    errors = {}
    for name in names:
        field = instance._meta.get_field(name)
        raw = getattr(instance, field.attname)
        if raw in (None, ""):
            continue
        try:
            value = field.to_python(raw)
            found = related_queryset(field.related_model, user).filter(
                **{field.remote_field.field_name: value}).exists()
        except (ValidationError, ValueError, TypeError):
            continue  # malformed: the model's own clean_fields says so
        if not found:
            key = "pk" if field.remote_field.field_name == field.related_model._meta.pk.name else field.remote_field.field_name
            errors[name] = [ValidationError(not_found_message(field.related_model, key), code="invalid_choice",
                                            params={"value": value})]
    return errors


def not_allowed_message(model_field) -> str:
    """How a many-to-many value the user may not pick is refused (a role they may not grant)."""
    return f"不能选择“%(value)s”：不在您可以选择的{model_field.verbose_name}之内"


def not_found_message(model, key: str) -> str:
    """How a related key that is not among the user's choices is refused, whether nobody has it or it
    lies outside the user's scope (the same words for both)."""
    key_label = model._meta.get_field(key).verbose_name if key != "pk" else "编号"
    return f"找不到{key_label}为“%(value)s”的{model._meta.verbose_name}，或不在您的管辖范围内"


def register(reg: Registry) -> Registry:
    if reg.slug in _REGISTRIES:
        raise ValueError(f"registry {reg.slug} declared twice")
    _REGISTRIES[reg.slug] = reg
    if reg.workflow is not None and reg.workflow.waiting:  # its waiting states give to-dos
        from yingji.core.framework import todos

        todos.watch(reg.model)
    auditlog.register(reg.model, exclude_fields=["created_at", "updated_at", "path", "centroid_lon",
                                                 "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat",
                                                 *reg.secret_fields, *reg.history_exclude],
                      m2m_fields=set(reg.many_fields))
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
