"""Declared operations: what ``Registry`` does for records, an ``Operation`` does for actions.

An operation is an action on one record (启动响应, add a timeline entry, dispatch a team, take a
workflow transition …) or on a registry's collection (接报登记, import a CAP message, move stock). It
is declared once, in the app's ``operations.py``:

- the registry it acts on (``registry``: the slug) and whether on one record (``detail``);
- who may take it: a model permission (``permission``: add/change/view/delete, or "app.codename"),
  optionally a set of roles, and a ``refusal(user, record)`` rule that says in Chinese why not;
- its inputs: one Django form class (an ``OperationForm``), which is the page form and, through
  ``request_serializer``, the API's documented request body (files and photos included);
- ``run(user, record, **inputs)`` (or ``run(user, **inputs)`` for a collection): the service that
  does the work; it runs in one transaction with the user as the change history's actor.

From that one declaration the platform serves the page action (``OperationView``: the form, located
errors, what was typed kept on error), the API endpoint (an action on the registry's viewset, so in
the OpenAPI schema, token and session auth, JSON errors and never a login redirect) and the generic
tests (404 out of scope, 403 wrong role, 400 bad input with the field named, 409 conflict).

Errors, the same way everywhere: no such record in the user's scope → 404; the role may not → 403
with the reason; inputs invalid → 400 with each field's messages (a service's ValidationError keyed
by field lands on that field); the record's state forbids it now (``Conflict`` or a workflow's
TransitionError) → 409 with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import set_actor
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from yingji.core.framework.statemachine import TransitionError

_OPERATIONS: dict[tuple[str, str], Operation] = {}
RESERVED = {"history", "transitions", "export", "import", "import_file", "import_job", "do"}


class Conflict(TransitionError):
    """The record's state forbids the operation now (HTTP 409); ``str(exc)`` says why, in Chinese."""


class OperationForm(forms.Form):
    """An operation's inputs. Built with the acting user and the record (scoped choices, defaults
    from the record); ``user`` is None when the API schema is generated, so choices must cope."""

    def __init__(self, *args, user=None, record=None, **kwargs):
        self.user, self.record = user, record
        super().__init__(*args, **kwargs)
        for f in self.fields.values():  # the look of every other form on the platform
            widget = f.widget
            css = ("form-select" if isinstance(widget, forms.Select) else
                   "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control")
            widget.attrs.setdefault("class", css)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files in one input (photos of a finished rectification, of a task on site)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] if data else ([] if not self.required else single(None))
        return [single(data, initial)] if data else ([] if not self.required else single(None))


@dataclass(frozen=True)
class Operation:
    registry: str  # the slug of the registry whose records (or collection) it acts on
    name: str  # URL segment and API action: "activate", "add-entry" …
    label: str  # button and page title: 启动响应
    run: Callable[..., Any]
    form: type[OperationForm] | None = None
    detail: bool = True
    permission: str = "change"
    roles: Collection[str] = ()  # when given: one of these roles too (superusers hold "admin")
    refusal: Callable[[Any, Any], str | None] | None = None  # (user, record) → why not (403), or None
    summary: str = ""  # one line for the API documentation
    message: Callable[[Any], str] | None = None  # the page's success message from the result
    next_url: Callable[[Any, Any], str] | None = None  # (record, result) → where the page goes next
    result: Callable[[Any], dict] | None = None  # the API's answer from the result (with ok and message)
    page: bool = True  # offered as a page action (False: an API-only action, e.g. a map's JSON call)
    # The page's own template in place of operations/form.html (the same context: op, form, conflict,
    # next, back, multipart), for an action whose page explains more (登记出入库, 导入 CAP).
    template: str = ""
    # result -> [services.Secret] to show once (a one-time password): the page shows them in its answer
    # instead of going on (no message, nothing stored, not cached); the API answers each by its name
    # beside ok and message.
    shown_once: Callable[[Any], list] | None = None
    shown_once_names: tuple[tuple[str, str], ...] = ()  # (name, label) of each, for the API schema
    record_button: bool = False  # offered as a button on the generic record page
    offered: Callable[[Any], bool] | None = None  # record -> whether its page offers the button now (state)
    # Taken at most once per submission: the page form carries a key made when it is rendered (hidden
    # field ``idempotency_key``), the API takes an ``Idempotency-Key`` header; the same key again is
    # answered with the first answer and changes nothing (a desk on a phone resending after a dropped
    # connection). See :func:`perform_once`.
    idempotent: bool = False
    # For an operation that imports a file into its record (导入安置名单): (user, record, filename, content,
    # progress=) → services.ImportResult. A file above settings.IMPORT_BACKGROUND_ROWS rows is imported by a
    # background ImportJob that calls it (services.start_operation_import), as a registry import is.
    importer: Callable[..., Any] | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    # The workflow transition this operation is the generic form of (made from the state machine by
    # transition_operation); "" for an operation an app declares, even one named after a transition.
    transition: str = ""

    @property
    def reg(self):
        from yingji.core.framework.registry import get_registry

        return get_registry(self.registry)

    @property
    def model(self):
        return self.reg.model

    def perm(self) -> str:
        return self.permission if "." in self.permission else self.reg.perm(self.permission)

    def refused(self, user, record=None) -> str | None:
        """Why ``user`` may not take this operation (on ``record``); None if they may."""
        from yingji.core.framework.workflow import user_roles

        if not user.is_authenticated or not user.has_perm(self.perm()):
            return f"您的角色不能{self.label}"
        if self.roles and not user_roles(user) & set(self.roles):
            return f"您的角色不能{self.label}"
        if self.refusal is not None:
            return self.refusal(user, record)
        return None

    def bind(self, user, record=None, data=None, files=None) -> OperationForm | None:
        if self.form is None:
            return None
        return self.form(data, files, user=user, record=record)


class InvalidInput(Exception):
    """The inputs did not pass (HTTP 400): ``form`` holds every field's messages."""

    def __init__(self, form):
        super().__init__("invalid input")
        self.form = form


def register(*operations: Operation) -> None:
    for op in operations:
        if op.name in RESERVED or "_" in op.name:
            raise ValueError(f"operation name {op.name!r} is reserved or not kebab-case")
        key = (op.registry, op.name)
        if key in _OPERATIONS and _OPERATIONS[key] is not op:
            raise ValueError(f"operation {key} declared twice")
        _OPERATIONS[key] = op


def get(registry: str, name: str) -> Operation | None:
    _declare_transitions()
    return _OPERATIONS.get((registry, name))


def operations(registry: str | None = None) -> list[Operation]:
    _declare_transitions()
    return [op for (slug, _), op in _OPERATIONS.items() if registry in (None, slug)]


# ---- workflow transitions: each one an operation, from the state machine's declaration -------------

_transitions_declared = False


def kebab(name: str) -> str:
    return name.replace("_", "-")


def _declare_transitions() -> None:
    """Every transition of every registry's workflow becomes an operation (POST /api/<slug>/<id>/<name>/
    with its declared inputs, photos included): declared once, in the state machine."""
    global _transitions_declared
    if _transitions_declared:
        return
    from django.apps import apps

    if not apps.ready:
        return
    _transitions_declared = True
    from yingji.core.framework.registry import registries

    for reg in registries():
        if (reg.slug, "attach") not in _OPERATIONS:
            register(attach_operation(reg))
        if reg.workflow is None:
            continue
        for t in reg.workflow.transitions:
            if not t.automatic and (reg.slug, kebab(t.name)) not in _OPERATIONS:
                register(transition_operation(reg, t))


class AttachForm(OperationForm):
    file = forms.FileField(label="文件", error_messages={"required": "请选择文件"})
    description = forms.CharField(label="说明", required=False, max_length=200)


def _attach(user, record, *, file, description=""):
    from yingji.core.framework import services

    try:
        return services.attach_file(user, record, file, description)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc.messages}) from None


def _may_attach(user, record) -> str | None:
    from yingji.core.framework.services import may_attach

    return None if record is None or may_attach(user, record) else "您的角色不能上传附件"


def attach_operation(reg) -> Operation:
    """上传附件, for every registry's records: the record page's upload form and POST /api/<slug>/<id>/attach/.
    Who may: whoever may change the registry's records, and the record's creator (its model's
    ``creator_field``: a grid worker adds photos later to the hazard they reported), in scope."""
    return Operation(reg.slug, "attach", "上传附件", _attach, form=AttachForm, permission="view", refusal=_may_attach,
                     summary="为记录上传附件（照片、文书扫描件等；类型与大小受限）",
                     message=lambda a: f"已上传附件“{a.original_name}”",
                     next_url=lambda record, a: reverse("registry_detail", args=[reg.slug, record.pk]) + "#attachments",
                     result=lambda a: {"name": a.original_name, "size_bytes": a.size_bytes,
                                       "url": reverse("attachment", args=[a.pk])})


def transition_operation(reg, t) -> Operation:
    machine = reg.workflow
    fields = {}

    def needed(name):  # the state machine's own words for a missing input, on the field
        return {"required": f"{t.label}须填写{machine.input_labels.get(name, name)}"}

    for name in ("comment", "reason"):
        fields[name] = forms.CharField(label=machine.input_labels.get(name, name), required=name in t.requires,
                                       max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                       error_messages=needed(name))
    for name, label, choices in machine.choice_inputs(t):
        fields[name] = (forms.ChoiceField(label=label, choices=list(choices), error_messages=needed(name)) if choices
                        else forms.CharField(label=label, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                             error_messages=needed(name)))
    # Photos may come with any step (a task's feedback from the site); some steps require them.
    fields["photos"] = PhotosField(label=machine.input_labels.get("photos", "照片"), required="photos" in t.requires,
                                   error_messages=needed("photos"))
    form = type(f"{kebab(t.name).title().replace('-', '')}TransitionForm", (OperationForm,), fields)

    def run(user, record, *, comment="", photos=(), **inputs):
        from yingji.core.framework import services, workflow

        ids = [services.attach_file(user, record, upload, f"{t.label}时上传的照片").pk for upload in photos]
        if ids:
            inputs["photos"] = ids
        return workflow.apply(user, record, t.name, comment=comment.strip(), inputs=inputs)

    def refusal(user, record):
        from yingji.core.framework.statemachine import ANY_ROLE
        from yingji.core.framework.workflow import separation, user_roles

        if ANY_ROLE not in t.roles and not user_roles(user) & set(t.roles):
            return f"您的角色不能执行“{t.label}”"
        if record is not None and t.separate_from:  # separation of duties: 403 with the reason
            return separation(user, record, t.name)
        return None

    return Operation(reg.slug, kebab(t.name), t.label, run, form=form, refusal=refusal, transition=t.name,
                     summary=f"流程操作：{t.label}（{'、'.join(machine.label(x) for x in t.sources)} → "
                             f"{machine.label(t.target)}）；非当前状态可执行的操作返回 409",
                     message=lambda log: f"已{log.label}：{machine.label(log.to_state)}",
                     result=lambda log: {"state": log.to_state, "state_label": machine.label(log.to_state)})


def step_operation(reg, t) -> Operation | None:
    """The operation an app declares for workflow transition ``t`` of ``reg`` (named after it, with its
    own inputs and service), or None where the transition has only the generic one."""
    op = get(reg.slug, kebab(t.name))
    return op if op is not None and op.transition != t.name else None


def available(user, record) -> list[Operation]:
    """The page actions ``user`` may take on ``record`` (buttons on its page)."""
    from yingji.core.framework.registry import registry_for_model

    reg = registry_for_model(type(record))
    if reg is None:
        return []
    return [op for op in operations(reg.slug) if op.detail and op.page and op.refused(user, record) is None
            and (op.offered is None or op.offered(record))]


def on_list(user, slug: str) -> list[Operation]:
    """The collection actions ``user`` may take from the list page of registry ``slug`` (its buttons), by
    each operation's own declared permission, roles and refusal."""
    return [op for op in operations(slug) if not op.detail and op.page and op.refused(user) is None]


def record_for(op: Operation, user, pk):
    """The record ``pk`` as ``user`` may see it: 403 if their role sees none of these records, 404 if
    it is not in their scope (or does not exist)."""
    from yingji.core.framework.access import can

    if not can(user, "view", op.model):
        raise PermissionDenied(f"您的角色不能查看{op.reg.label}")
    try:
        return op.reg.queryset(user).get(pk=pk)
    except (op.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def perform(op: Operation, user, record=None, data=None, files=None):
    """Take ``op``: check, bind and clean the inputs, run the service in one transaction. Returns the
    service's result; raises PermissionDenied (403), InvalidInput (400) or Conflict/TransitionError (409)."""
    reason = op.refused(user, record)
    if reason:
        raise PermissionDenied(reason)
    form = op.bind(user, record, data, files)
    if form is not None and not _valid(form):
        raise InvalidInput(form)
    inputs = dict(form.cleaned_data) if form is not None else {}
    try:
        with transaction.atomic(), set_actor(user):
            return op.run(user, record, **inputs) if op.detail else op.run(user, **inputs)
    except ValidationError as exc:
        if form is None:  # an operation without inputs: the service's reasons as the form's own errors
            form = OperationForm({}, user=user, record=record)
            form.is_valid()
        _locate(form, exc)
        raise InvalidInput(form) from exc


KEY_FIELD, KEY_HEADER = "idempotency_key", "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Replay:
    """The first answer to a submission sent again with the same idempotency key."""

    answer: dict
    next_url: str


def new_key() -> str:
    import uuid

    return uuid.uuid4().hex


def clean_submission_keys(now=None) -> int:
    """Delete the submission keys older than ``YINGJI_SUBMISSION_KEY_DAYS`` (the daily job
    submission-keys-cleanup): a key only has to outlive the resends of one dropped connection. Returns
    how many went."""
    import datetime

    from django.utils import timezone

    from yingji import config
    from yingji.core.framework.models import SubmissionKey

    cutoff = (now or timezone.now()) - datetime.timedelta(days=int(config.env("YINGJI_SUBMISSION_KEY_DAYS")))
    deleted, _ = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def perform_once(op: Operation, user, record=None, data=None, files=None, key: str = "", *,
                 next_url: Callable[[Any], str] | None = None):
    """``perform``, at most once per ``key``: the first time, the operation runs and its answer (the
    API's body, and the page's next address from ``next_url(result)``) is kept with the key in the same
    transaction; a second send of the key returns that :class:`Replay` and changes nothing. Returns
    (result, None) or (None, Replay). Without a key (or for an operation not declared idempotent) it is
    ``perform``. A key used for another operation, record or user is refused (409)."""
    from django.db import IntegrityError

    from yingji.core.framework.models import SubmissionKey

    key = (key or "").strip()
    if not key or not op.idempotent:
        return perform(op, user, record, data, files), None
    if not _KEY.match(key):
        form = OperationForm({}, user=user, record=record)
        form.is_valid()
        form.add_error(None, "提交标识（idempotency key）应为 16–64 位字母、数字、- 或 _")
        raise InvalidInput(form)
    name, pk = f"{op.registry}/{op.name}", str(getattr(record, "pk", "") or "")

    def replay(found):
        if found.user_id != user.pk or found.operation != name or found.record_pk != pk:
            raise Conflict("该提交标识已用于另一项提交，请重新打开表单")
        return None, Replay(found.answer, found.next_url)

    found = SubmissionKey.objects.filter(key=key).first()
    if found is not None:
        return replay(found)
    try:
        with transaction.atomic():
            result = perform(op, user, record, data, files)
            SubmissionKey.objects.create(key=key, user=user, operation=name, record_pk=pk,
                                         answer=_jsonable(answer(op, result)),
                                         next_url=next_url(result) if next_url is not None else "")
    except IntegrityError:  # the same key, sent twice at once: the first one's answer
        found = SubmissionKey.objects.filter(key=key).first()
        if found is None:
            raise
        return replay(found)
    return result, None


def _jsonable(body: dict) -> dict:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


MISSHAPEN = "应为文本或数字（多个值时为其数组），不能是对象或嵌套数组"


def _valid(form) -> bool:
    """``form.is_valid()``, where a JSON body's object or nested array at a field that takes text is
    refused at that field (the form field itself would fail on it with a server error) and the other
    fields are checked as usual. A JSON field takes them; a field of rows says so with ``takes_objects``."""
    getlist = getattr(form.data, "getlist", None)
    misshapen = [name for name, field in form.fields.items()
                 if getlist is not None and not isinstance(field, forms.JSONField)
                 and not getattr(field, "takes_objects", False)
                 and any(isinstance(v, dict | list) for v in getlist(form.add_prefix(name)))]
    if misshapen:
        data = form.data.copy()
        for name in misshapen:
            data.pop(form.add_prefix(name), None)
        form.data = data
    valid = form.is_valid()
    for name in misshapen:
        form.errors[name] = form.error_class([MISSHAPEN])
        form.cleaned_data.pop(name, None)
    return valid and not misshapen


def _locate(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, [e for err in errors for e in err.messages])
    else:
        form.add_error(None, exc.messages)


def errors_of(form) -> dict[str, list[str]]:
    """The form's errors as the API answers them: field → messages, ``non_field_errors`` for the rest."""
    return {("non_field_errors" if name == "__all__" else name): list(messages)
            for name, messages in form.errors.items()}


def answer(op: Operation, result) -> dict:
    """The API's body for a taken operation."""
    body = {"ok": True, "message": op.message(result) if op.message else f"已{op.label}"}
    pk = getattr(result, "pk", None)
    if pk is not None:
        body["id"] = pk
    if op.result is not None:
        body.update(op.result(result))
    if op.shown_once is not None:
        body.update({secret.name: secret.value for secret in op.shown_once(result)})
    return body
