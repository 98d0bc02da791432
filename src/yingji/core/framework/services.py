"""Every change to a registry record goes through here: permission, scope, validation, history.

History is written by django-auditlog's signals with the actor taken from the request (middleware)
or set here for work that has no request (CLI imports, demo loading).
"""

from __future__ import annotations

import copy
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import set_actor
from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import validators
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError

from yingji.core.framework import tabular
from yingji.core.framework.access import can, in_scope
from yingji.core.framework.models import Attachment, creator_field, is_creator


def _stamp_creator(user, instance) -> None:
    """A new record of a model that declares ``creator_field`` remembers who created it."""
    field = creator_field(type(instance))
    if field and instance.pk is None and user is not None and user.is_authenticated \
            and getattr(instance, f"{field}_id", None) is None:
        setattr(instance, field, user)


def _attach_photos(user, record, photos) -> None:
    """Photos sent with a new record (its registry's ``photos_on_create``), in the caller's transaction."""
    from yingji.core.framework.registry import registry_for_model

    reg = registry_for_model(type(record))
    for upload in photos or ():
        attach_file(user, record, upload, reg.photos_on_create if reg else "照片", creator=True)


def _require(user, action, model):
    if not can(user, action, model):
        raise PermissionDenied(f"您没有{ {'add': '新增', 'change': '修改', 'delete': '删除'}[action] }"
                               f"{model._meta.verbose_name}的权限")


def _refuse_locked(instance, user=None):
    """A record whose state allows no direct change (its registry's ``locked``), or that this user may
    not change although role and scope allow it (its registry's ``refusal``): PermissionDenied with why."""
    from yingji.core.framework.registry import registry_for_model

    reg = registry_for_model(type(instance))
    reason = reg.locked(instance) if reg else None
    if not reason and reg is not None and reg.refusal is not None and user is not None and instance.pk is not None:
        reason = reg.refusal(user, type(instance)._default_manager.get(pk=instance.pk))
    if reason:
        raise PermissionDenied(reason)


@dataclass(frozen=True)
class Secret:
    """A value shown once to whoever caused it (a new account's one-time password): in that page or
    API answer only, never in a message, the session, a log or the history."""

    name: str  # in the API: "password"
    label: str  # on the page: 一次性密码
    value: str


SHOWN_ONCE = "_yingji_shown_once"


def shown_once(record) -> list[Secret] | None:
    """What the registry's ``on_create`` gave for a record just created (a one-time password): for the
    page or answer of that request only, never stored."""
    return getattr(record, SHOWN_ONCE, None)


def _on_create(user, instance):
    from yingji.core.framework.registry import registry_for_model

    reg = registry_for_model(type(instance))
    if instance.pk is None and reg is not None and reg.on_create is not None:
        setattr(instance, SHOWN_ONCE, reg.on_create(user, instance))


def save_form(user, form):
    """Save a validated ModelForm for ``user``; refuses records that would leave their scope."""
    instance = form.instance
    _require(user, "change" if instance.pk else "add", type(instance))
    _refuse_locked(instance, user)
    if not in_scope(user, instance):
        raise PermissionDenied("该记录不在您的管辖范围内")
    creating = instance.pk is None
    _stamp_creator(user, instance)
    with transaction.atomic(), set_actor(user):
        _on_create(user, instance)
        saved = form.save()
        if creating:
            _attach_photos(user, saved, form.cleaned_data.get("photos"))
        from yingji.core.framework.registry import registry_for_model

        reg = registry_for_model(type(saved))
        if reg is not None and reg.on_form_saved is not None:
            reg.on_form_saved(user, saved, form)
        return saved


def save_instance(user, instance, many: dict | None = None, *, photos=()):
    """Validate and save a model instance (used by the API), with its many-to-many values if given;
    ``photos`` with a new record (its registry's ``photos_on_create``) are attached in the same
    transaction."""
    from yingji.core.framework.registry import registry_for_model

    _require(user, "change" if instance.pk else "add", type(instance))
    _refuse_locked(instance, user)
    reg = registry_for_model(type(instance))
    instance.full_clean(exclude=list(reg.secret_fields) if reg else None)  # secrets are the platform's to set
    if not in_scope(user, instance):
        raise PermissionDenied("该记录不在您的管辖范围内")
    creating = instance.pk is None
    _stamp_creator(user, instance)
    with transaction.atomic(), set_actor(user):
        _on_create(user, instance)
        instance.save()
        for name, values in (many or {}).items():
            getattr(instance, name).set(values)
        if creating:
            _attach_photos(user, instance, photos)
    return instance


def delete_instance(user, instance):
    _require(user, "delete", type(instance))
    _refuse_locked(instance, user)
    try:
        with transaction.atomic(), set_actor(user):
            instance.delete()
    except ProtectedError as exc:
        blockers = {str(o._meta.verbose_name) for o in exc.protected_objects}
        raise ValidationError(f"还有关联的{'、'.join(sorted(blockers))}，不能删除；请先处理这些记录") from exc


# ---- import -----------------------------------------------------------------------------------
#
# An import validates every row first and writes only when all of them pass, in one transaction.
# Per-row work stays in Python: related records are resolved by natural key in one query per
# relation for the whole file, existing rows are found in one query per 500 keys, uniqueness is
# checked in bulk, and records whose saving is plain (no save() of their own, no signal receivers
# but the change history's) are written with bulk_create/bulk_update and their history entries in
# bulk. Other records are saved one by one in file order, so their own save logic and signals run.

BATCH = 500
ANALYZE_ROWS = 1000  # rows written by one import above which PostgreSQL statistics are refreshed


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (the new record's key, {label: value}) from the registry's on_create, for this answer only
    shown_once: list = field(default_factory=list)
    # Located notes that do not stop the import (a sheet's own figure for a computed column that
    # differs from the computed one: "第 5 行, 风险值（D 或 R）: …"), in row order.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


@dataclass
class _Row:
    offset: int  # the row's number in the file (header = 1)
    instance: object
    old: object = None  # a copy of the existing record before the row changed it; None when new
    changed: list = field(default_factory=list)  # attnames that differ from the existing record
    many: dict = field(default_factory=dict)  # many-to-many field -> the records the row gives it


class _Errors:
    """Located errors, reported in row order whichever check found them."""

    def __init__(self):
        self.items: list[tuple[int, int, str]] = []
        self.rows: set[int] = set()

    def add(self, offset: int, message: str):
        self.items.append((offset, len(self.items), message))
        self.rows.add(offset)

    def __bool__(self):
        return bool(self.items)

    def sorted(self) -> list[str]:
        return [m for _, _, m in sorted(self.items)]


def _no_progress(phase, done, total):
    pass


def start_import(user, reg, filename: str, content: bytes):
    """Import a file now (an ImportResult) or, above ``settings.IMPORT_BACKGROUND_ROWS`` rows, as a
    background job (an ImportJob the user follows on its page or through the API). Either way the
    user's permissions are checked first and the import runs with the user's scope."""
    from yingji.core.framework.models import ImportJob

    _require(user, "add", reg.model)
    _require(user, "change", reg.model)
    try:
        rows = tabular.count_rows(filename, content)
    except tabular.FileFormatError as exc:
        return ImportResult(errors=[str(exc)])
    if rows <= settings.IMPORT_BACKGROUND_ROWS:
        return import_file(user, reg, filename, content)
    job = ImportJob.objects.create(owner=user, registry=reg.slug, filename=Path(filename).name[:200],
                                   content=content, total_rows=rows)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def start_operation_import(user, op, record, filename: str, content: bytes):
    """An operation's file import into ``record`` (``op.importer``), run now or, above
    ``settings.IMPORT_BACKGROUND_ROWS`` rows, as a background ImportJob as start_import does; the
    operation's own checks (role, scope, state) have been made by the operation layer."""
    from yingji.core.framework.models import ImportJob

    try:
        rows = tabular.count_rows(filename, content)
    except tabular.FileFormatError as exc:
        return ImportResult(errors=[str(exc)])
    if rows <= settings.IMPORT_BACKGROUND_ROWS:
        return op.importer(user, record, filename, content)
    job = ImportJob.objects.create(owner=user, registry=op.registry, operation=op.name, record=str(record.pk),
                                   filename=Path(filename).name[:200], content=content, total_rows=rows)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _run_job(job, progress) -> ImportResult:
    from yingji.core.framework import operations
    from yingji.core.framework.registry import get_registry

    if not job.operation:
        return import_file(job.owner, get_registry(job.registry), job.filename, bytes(job.content), progress=progress)
    op = operations.get(job.registry, job.operation)
    record = op.model.objects.for_user(job.owner).filter(pk=job.record).first() if op is not None else None
    why = op.refused(job.owner, record) if record is not None else "该记录不在您的管辖范围内"
    if why:  # the owner's roles or scope changed since the upload
        return ImportResult(errors=[why])
    return op.importer(job.owner, record, job.filename, bytes(job.content), progress=progress)


def _dispatch(job_id: int):
    """A worker runs the job when a broker is configured; in the embedded default, a thread of this
    process does (Celery's eager mode would run it inside the request)."""
    if settings.CELERY_EMBEDDED:
        import threading

        threading.Thread(target=_run_in_thread, args=(job_id,), name=f"yingji-import-{job_id}", daemon=True).start()
    else:
        from yingji.core.framework.tasks import run_import

        run_import.delay(job_id)


def _run_in_thread(job_id: int):
    from django.db import connections

    try:
        run_import_job(job_id)
    finally:
        connections.close_all()  # this thread's connections


def run_import_job(job_id: int):
    """Run a queued import job for its owner; the job records progress and the result."""
    import logging

    from django.utils import timezone

    from yingji.core.framework.models import ImportJob

    job = ImportJob.objects.select_related("owner").filter(pk=job_id, state=ImportJob.State.QUEUED).first()
    if job is None:  # already taken (a redelivered task) or gone
        return
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.VALIDATING, started_at=timezone.now())
    progress = _JobProgress(job.pk)
    try:
        result = _run_job(job, progress)
    except PermissionDenied as exc:  # the owner's roles changed since the upload
        result = ImportResult(errors=[str(exc)])
    except Exception:
        logging.getLogger(__name__).exception("import job %s failed", job.pk)
        result = ImportResult(errors=["导入时发生内部错误，没有写入任何数据；请联系管理员"])
    finally:
        progress.close()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE if result.ok else ImportJob.State.FAILED, created=result.created,
        updated=result.updated, unchanged=result.unchanged, errors=result.errors, warnings=result.warnings, content=b"",
        written_rows=result.created + result.updated, finished_at=timezone.now())


class _JobProgress:
    """Progress of a job, written where pollers can read it. Validation runs outside the write
    transaction, so its counts are plain updates; inside the transaction they would stay invisible
    until the end, so on PostgreSQL they go through a second connection, and on SQLite (one writer at
    a time) the job shows 写入中 until it commits."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None

    def __call__(self, phase, done, total):
        from django.db import connections

        from yingji.core.framework.models import ImportJob

        fields = ({"state": ImportJob.State.VALIDATING, "validated_rows": done, "total_rows": total}
                  if phase == "validate" else {"state": ImportJob.State.WRITING, "written_rows": done})
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection("default")
            quote = connection.ops.quote_name
            columns = ", ".join(f"{quote(name)} = %s" for name in fields)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {quote(ImportJob._meta.db_table)} SET {columns} WHERE id = %s",
                               [*fields.values(), self.job_id])

    def close(self):
        if self.side is not None:
            self.side.close()


def import_file(user, reg, filename: str, content: bytes, *, progress=None) -> ImportResult:
    """Import an .xlsx/.csv file into a registry: all rows or none.

    Every row is validated first with the registry's ModelForm (the page's rules and messages;
    related records by natural key within the user's scope; a row may refer to one above it, e.g. a
    village to its township). Any error anywhere means nothing is written and every bad row and
    field is reported; else all rows are written in one transaction. ``progress(phase, done,
    total)`` is called every few hundred rows, phase "validate" or "write" (background jobs).
    """
    _require(user, "add", reg.model)
    _require(user, "change", reg.model)
    progress = progress or _no_progress
    result = ImportResult()
    try:
        rows = tabular.read_rows(filename, content)
    except tabular.FileFormatError as exc:
        result.errors.append(str(exc))
        return result
    columns = _map_header(reg, rows[0], result)
    if not result.ok:
        return result
    errors, notes = _Errors(), _Errors()
    if _refers_to_itself(reg.model):
        # Rows may refer to rows above them (a village to its new township): each valid row is saved
        # as soon as it is validated, inside one transaction rolled back if any row fails.
        with transaction.atomic(), set_actor(user):
            plan = _validate(user, reg, columns, rows, errors, progress, save=True, notes=notes)
            if errors:
                transaction.set_rollback(True)
        result.warnings = notes.sorted()
        if errors:
            result.errors = errors.sorted()
        else:
            result.shown_once = _shown_once(reg, plan)
            result.created = sum(1 for r in plan if r.old is None)
            result.updated = sum(1 for r in plan if r.old is not None and r.changed)
            result.unchanged = len(plan) - result.created - result.updated
        return result
    plan = _validate(user, reg, columns, rows, errors, progress, notes=notes)
    result.warnings = notes.sorted()
    if errors:
        result.errors = errors.sorted()
        return result
    try:
        _write(user, reg, plan, result, progress)
        result.shown_once = _shown_once(reg, plan)
    except IntegrityError:
        # Another writer got there between validation and writing, or a database rule the form does
        # not know. Said without the database's text, which may quote another record's values.
        result.created = result.updated = result.unchanged = 0
        result.errors = ["写入时与已有记录冲突（可能有人同时录入了相同的记录），没有写入任何数据；请稍后重新导入"]
    return result


def _shown_once(reg, plan) -> list:
    return [(reg.key_of(r.instance), shown) for r in plan if r.old is None and (shown := shown_once(r.instance))]


def _save_many(row: _Row):
    """The row's many-to-many values (an account's roles), after its record is saved (signals on:
    the change history records what was added and removed)."""
    for name, values in row.many.items():
        getattr(row.instance, name).set(values)


def _refers_to_itself(model) -> bool:
    return any(f.related_model is model for f in model._meta.concrete_fields if f.is_relation)


def _validate(user, reg, columns, rows, errors: _Errors, progress, *, save=False, notes: _Errors | None = None
              ) -> list[_Row]:
    model = reg.model
    form_class = reg.form_class(user, for_import=True)
    prototype = form_class()  # the fields as the page has them for this user: scoped choices, messages
    key_label = _key_label(reg)
    parsed: list[tuple[int, dict, tuple]] = []
    seen_keys: dict[tuple, int] = {}
    for offset, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        data = _row_data(reg, columns, row)
        key = tuple(data.get(k, "") for k in reg.natural_key)
        if any(key) and key in seen_keys:
            errors.add(offset, f"第 {offset} 行, {key_label}: 与第 {seen_keys[key]} 行重复")
            continue
        seen_keys[key] = offset
        parsed.append((offset, data, key))

    # Existing rows are looked up among the records the user can see only: a key that exists outside
    # the user's scope is treated exactly like one that does not exist (no existence oracle).
    existing = _existing(user, reg, [(o, k) for o, _, k in parsed if all(k)], errors)
    related_keys = _related_keys_of(reg, columns, list(existing.values()))
    complete = {}
    for offset, data, key in parsed:
        if offset in errors.rows:
            continue
        if all(key) and offset not in existing and reg.natural_key == ("id",):
            errors.add(offset, f"第 {offset} 行, 编号: 没有编号为 {key[0]} 的记录（新增请留空）")
            continue
        complete[offset] = _complete(reg, columns, data, existing.get(offset), related_keys)

    resolved = _resolve_related(prototype, complete.values())
    self_refs = [n for n in resolved if reg.field(n).related_model is model]
    import_form = _import_form_class(form_class, prototype, resolved, bulk_unique=not save)

    plan: list[_Row] = []
    exclusions: dict[int, set] = {}
    total = len(parsed)
    for done, offset in enumerate(complete, start=1):
        if done % BATCH == 0:
            progress("validate", done, total)
        current = existing.get(offset)
        old = copy.copy(current) if current is not None else None
        form = import_form(complete[offset], instance=current)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = reg.field_label(name) if name != "__all__" else "整行"
                for m in messages:
                    errors.add(offset, f"第 {offset} 行, {label}: {m}")
        elif not in_scope(user, form.instance):
            errors.add(offset, f"第 {offset} 行: 该记录不在您的管辖范围内")
        elif notes is not None:
            _check_computed(reg, offset, complete[offset], form.instance, notes)
        instance = form.instance
        exclusions[offset] = getattr(form, "unique_exclusions", set())
        entry = _Row(offset, instance, old)
        if form.is_valid():
            entry.many = {n: list(form.cleaned_data.get(n) or []) for n in reg.many_fields}
        if old is not None:
            _keep_sub_second_times(model, old, instance)
            _keep_spreadsheet_precision(model, old, instance)
            entry.changed = [f.attname for f in model._meta.concrete_fields
                             if getattr(old, f.attname) != getattr(instance, f.attname)]
            entry.changed += [n for n, values in entry.many.items()
                              if {v.pk for v in values} != {v.pk for v in getattr(old, n).all()}]
            reason = reg.refusal(user, current) if reg.refusal is not None and entry.changed else None
            if reason and offset not in errors.rows:
                errors.add(offset, f"第 {offset} 行: {reason}")
        plan.append(entry)
        if save and offset not in errors.rows:
            if old is None or entry.changed:
                if old is None:
                    _on_create(user, instance)
                instance.save()
                _save_many(entry)
            for name in self_refs:  # later rows may refer to this one
                key = prototype.fields[name].to_field_name or "pk"
                value = getattr(instance, key, None)
                if value not in (None, ""):
                    resolved[name][value] = instance
    progress("validate", total, total)
    if not save:
        _check_unique(reg, plan, exclusions, errors)
    return plan


def _check_computed(reg, offset, data, instance, notes: _Errors):
    """A valid row's own figures for computed columns, checked against what the platform computes."""
    for name, column in reg.computed_columns.items():
        text = str(data.get(name, "")).strip()
        note = column.check(instance, text) if text else None
        if note:
            notes.add(offset, f"第 {offset} 行, {reg.field_label(name)}: {note}")


def _keep_sub_second_times(model, old, instance):
    """A time the file gives to the second (as exports write it) that is the stored time without its
    fraction of a second is the stored time: an exported file imported back changes nothing."""
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateTimeField) and not (f.auto_now or f.auto_now_add):
            before, after = getattr(old, f.attname), getattr(instance, f.attname)
            if before is not None and after is not None and before != after and before.replace(microsecond=0) == after:
                setattr(instance, f.attname, before)


def _keep_spreadsheet_precision(model, old, instance):
    """A number the file gives to 15 significant digits (what Excel, and calamine reading a file, keep
    of a double: 116.81700000000001 reads back as 116.817) that is the stored number so rounded is the
    stored number: an exported file imported back changes nothing."""
    for f in model._meta.concrete_fields:
        if isinstance(f, models.FloatField):
            before, after = getattr(old, f.attname), getattr(instance, f.attname)
            if (before is not None and after is not None and before != after
                    and float(f"{before:.15g}") == float(f"{after:.15g}")):
                setattr(instance, f.attname, before)


def _normal(model, name, value):
    """A value from the file as the field holds it (raises ValidationError when it cannot)."""
    field_ = model._meta.get_field(name) if name != "pk" else model._meta.pk
    return field_.to_python(value)


def _existing(user, reg, keyed: list[tuple[int, tuple]], errors: _Errors) -> dict:
    """offset → the visible record with that natural key, in one query per BATCH keys."""
    model = reg.model
    names = list(reg.natural_key)
    wanted: dict[tuple, int] = {}
    for offset, key in keyed:
        try:
            wanted[tuple(_normal(model, n, v) for n, v in zip(names, key, strict=True))] = offset
        except ValidationError:
            errors.add(offset, f"第 {offset} 行, {_key_label(reg)}: “{'+'.join(key)}”格式不正确")
    visible = model.objects.for_user(user)
    if reg.many_fields:
        visible = visible.prefetch_related(*reg.many_fields)
    found = {}
    keys = list(wanted)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        # Filter on each key field's values (a superset for compound keys), then match whole keys.
        lookup = {f"{n}__in": {k[i] for k in chunk} for i, n in enumerate(names)}
        for obj in visible.filter(**lookup).order_by():
            offset = wanted.get(tuple(getattr(obj, n) for n in names))
            if offset is not None:
                found[offset] = obj
    return found


def _related_keys_of(reg, columns, records) -> dict[str, dict]:
    """For relations absent from the file: related id → natural key, for the existing records."""
    out = {}
    for name in reg.editable_fields:
        f = reg.field(name)
        if name in columns or not f.is_relation or f.many_to_many:
            continue
        key = reg.related_key(name)
        ids = {getattr(r, f.attname) for r in records} - {None}
        out[name] = dict(f.related_model._default_manager.filter(pk__in=ids).values_list("pk", key)) if ids else {}
    return out


def _resolve_related(prototype, rows) -> dict[str, dict]:
    """For every relation in the form: natural key → record, among the choices the page would offer
    this user (so a related record outside the scope is "not found", like one that does not exist),
    in one query per relation and BATCH keys."""
    resolved = {}
    rows = list(rows)
    for name, form_field in prototype.fields.items():
        if not isinstance(form_field, forms.ModelChoiceField) or isinstance(form_field, forms.ModelMultipleChoiceField):
            continue  # several values in one cell: the field looks them up itself (ManyChoiceField)
        target = form_field.queryset.model
        key = form_field.to_field_name or "pk"
        values = set()
        for data in rows:
            value = data.get(name)
            if value in (None, ""):
                continue
            try:
                values.add(_normal(target, key, value))
            except ValidationError:
                pass  # cannot be a key: the form reports it as not found
        found = {}
        values = list(values)
        for start in range(0, len(values), BATCH):
            for obj in form_field.queryset.filter(**{f"{key}__in": values[start:start + BATCH]}):
                found[getattr(obj, key)] = obj
        _attach_scope_owners(target, found.values())
        resolved[name] = found
    return resolved


def _attach_scope_owners(model, records):
    """Load the owning regions of related records in one query (clean() and scope checks read them)."""
    from yingji.core.framework.access import scope_fields

    region_field = scope_fields(model)[0]
    if not records or region_field in (None, "self"):
        return
    f = model._meta.get_field(region_field)
    ids = {getattr(r, f.attname) for r in records} - {None}
    heavy = [x.name for x in f.related_model._meta.concrete_fields if isinstance(x, models.JSONField)]
    owners = f.related_model._default_manager.defer(*heavy).in_bulk(ids)
    for r in records:
        if getattr(r, f.attname) in owners:
            f.set_cached_value(r, owners[getattr(r, f.attname)])


class _SharedFields(dict):
    """The import form's fields, built once per file and shared by every row's form (Django would
    deep-copy them per form: a fifth of the time per row)."""

    def __deepcopy__(self, memo):
        return self


def _import_form_class(form_class, prototype, resolved, *, bulk_unique=True):
    """The registry's form for one file: its fields as built for the user, relations answered from
    ``resolved`` (same messages), uniqueness left to the bulk check (``bulk_unique``) or checked per
    row as Django does."""
    fields = _SharedFields(prototype.fields)
    for name, found in resolved.items():
        form_field = copy.copy(fields[name])
        target, key = form_field.queryset.model, form_field.to_field_name or "pk"

        def to_python(value, form_field=form_field, found=found, target=target, key=key):
            if value in form_field.empty_values:
                return None
            try:
                obj = found.get(_normal(target, key, value))
            except ValidationError:
                obj = None
            if obj is None:
                raise ValidationError(form_field.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": value})
            return obj

        form_field.to_python = to_python
        form_field.get_limit_choices_to = lambda: None  # applied once, to the prototype's queryset
        fields[name] = form_field

    # Plain fields: the form has cleaned them (type, required, choices, length); of the model's own
    # cleaning of them only its validators the form field lacks are run (_model_validators), on the
    # value the model holds, instead of the whole second pass (a sixth of an import's time). A
    # choice's length is not re-checked (Django's checks make the choices fit the column).
    model = form_class._meta.model
    extra_validators = {}
    for name, form_field in fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        choice = isinstance(form_field, forms.ChoiceField)
        if not model_field.concrete or model_field.is_relation or (model_field.choices and not choice):
            continue
        extra_validators[name] = (model_field, [
            v for v in model_field.validators if v not in form_field.validators
            and not (choice and isinstance(v, validators.MaxLengthValidator))])
    covered = set(extra_validators)

    def __init__(self, data, instance=None):
        forms.models.BaseModelForm.__init__(self, data, instance=instance)

    def validate_unique(self):
        """Checked for the whole file at once (_check_unique); here only what it would exclude."""
        self.unique_exclusions = self._get_validation_exclusions()

    def _post_clean(self):
        # As ModelForm._post_clean, with the model's constraints checked here except total unique
        # ones (fields only, no condition), which _check_unique checks in bulk with Django's messages.
        opts = self._meta
        exclude = self._get_validation_exclusions()
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as e:
            self._update_errors(e)
        # Related records came from the database (or this file) through the resolver: the model's
        # own existence check of each foreign key (a query per row and relation) is skipped for them.
        found = {n for n in resolved if self.cleaned_data.get(n) is not None}
        field_errors = _model_validators(self.instance, extra_validators, exclude)
        if hasattr(self.instance, "control_character_errors"):
            for name, messages in self.instance.control_character_errors(only=covered - exclude).items():
                field_errors.setdefault(name, []).extend(messages)
        try:
            self.instance.full_clean(exclude=exclude | found | covered, validate_unique=False,
                                     validate_constraints=False)
        except ValidationError as e:
            field_errors = e.update_error_dict(field_errors)
        if field_errors:
            self._update_errors(ValidationError(field_errors))
        exclude = exclude | {n for n in self._errors if n != "__all__"}
        errors = {}
        for model_class, constraints in self.instance.get_constraints():
            bulk = model_class._meta.total_unique_constraints
            for constraint in constraints:
                if constraint in bulk:
                    continue
                try:
                    constraint.validate(model_class, self.instance, exclude=exclude)
                except ValidationError as e:
                    if getattr(e, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            self._update_errors(ValidationError(errors))
        self.validate_unique()

    overrides = {"__init__": __init__}
    if bulk_unique:
        overrides |= {"validate_unique": validate_unique, "_post_clean": _post_clean}
    cls = type(f"{form_class.__name__}Import", (form_class,), overrides)
    cls.base_fields = fields
    return cls


def _model_validators(instance, extra_validators, exclude) -> dict:
    """What the model's clean_fields would add for fields the form cleaned: its validators the form
    field lacks, run as Django's Field.run_validators runs them (empty values skipped, the field's
    own messages for a code), on the value the instance holds."""
    errors = {}
    for name, (model_field, extra) in extra_validators.items():
        if not extra or name in exclude:
            continue
        value = getattr(instance, model_field.attname)
        if value in model_field.empty_values:
            continue
        for validator in extra:
            try:
                validator(value)
            except ValidationError as e:
                if getattr(e, "code", None) in model_field.error_messages:
                    e.message = model_field.error_messages[e.code]
                errors.setdefault(name, []).extend(e.error_list)
    return errors


def _check_unique(reg, plan: list[_Row], exclusions: dict[int, set], errors: _Errors):
    """The model's unique fields, unique_together and total unique constraints for every row at
    once: against the database (all records, whoever's: the database refuses duplicates whatever
    the scope) and between rows of the file, with the message Django's form would give. The message
    names only the field, never the other record."""
    model = reg.model
    if not plan:
        return
    sample = plan[0].instance
    checks, _ = sample._get_unique_checks(include_meta_constraints=True)
    custom = {tuple(c.fields): c for _, cs in sample.get_constraints() for c in cs
              if c in model._meta.total_unique_constraints
              and c.violation_error_message != c.default_violation_error_message}
    for model_class, names in checks:
        names = tuple(names)
        if names == (model._meta.pk.name,):
            continue
        fields_ = [model._meta.get_field(n) for n in names]
        values: dict[tuple, _Row] = {}
        for row in plan:
            if any(n in exclusions.get(row.offset, ()) for n in names):
                continue
            value = tuple(getattr(row.instance, f.attname) for f in fields_)
            if any(v is None or (v == "" and connection.features.interprets_empty_strings_as_nulls) for v in value):
                continue
            if row.old is not None and not any(f.attname in row.changed for f in fields_):
                continue  # unchanged: it is already the database's row with these values
            if value in values:
                _unique_error(reg, row, model_class, names, custom, errors)
                continue
            values[value] = row
        keys = list(values)
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            lookup = {f"{f.attname}__in": {k[i] for k in chunk} for i, f in enumerate(fields_)}
            for found in model_class._default_manager.filter(**lookup).values_list("pk", *[f.attname for f in fields_]):
                row = values.get(tuple(found[1:]))
                if row is not None and row.instance.pk != found[0]:
                    _unique_error(reg, row, model_class, names, custom, errors)


def _unique_error(reg, row, model_class, names, custom, errors):
    constraint = custom.get(names)
    if constraint is not None:
        error = ValidationError(constraint.get_violation_error_message())
        label = "整行"
    else:
        error = row.instance.unique_error_message(model_class, names)
        label = reg.field_label(names[0]) if len(names) == 1 else "整行"
    for m in error.messages:
        errors.add(row.offset, f"第 {row.offset} 行, {label}: {m}")


def _plain_saving(model) -> bool:
    """Whether records of ``model`` may be written in bulk: no save() beyond DomainModel's (whose
    scope inheritance is done here) and no signal receivers but the change history's."""
    from django.db.models import signals

    from yingji.core.framework.models import DomainModel

    if any("save" in vars(c) for c in model.__mro__ if c not in (DomainModel, models.Model)):
        return False  # its own save() (a region's path, a shape's bounding box …) must run
    for signal in (signals.pre_save, signals.post_save):
        try:
            sync, asynchronous = signal._live_receivers(model)
        except Exception:
            return False
        if any(not getattr(r, "__module__", "").startswith("auditlog") and not hasattr(r, "after_bulk")
               for r in [*sync, *asynchronous]):
            return False
    return connection.features.can_return_rows_from_bulk_insert


def _after_bulk(model, instances) -> None:
    """Receivers that follow a bulk write instead of each save (the to-do inbox: todos._saved) are
    told of the batch once it is written."""
    from django.db.models import signals

    for receiver in signals.post_save._live_receivers(model)[0]:
        follow = getattr(receiver, "after_bulk", None)
        if follow is not None:
            follow(model, instances)


def _write(user, reg, plan: list[_Row], result: ImportResult, progress):
    model = reg.model
    total = len(plan)
    writes = [r for r in plan if r.old is None or r.changed]
    for row in writes:
        if row.old is None:
            _stamp_creator(user, row.instance)
    result.unchanged = total - len(writes)
    progress("write", 0, len(writes))
    with transaction.atomic(), set_actor(user):
        for row in writes:
            if row.old is None:
                _on_create(user, row.instance)
        if not _plain_saving(model):
            for done, row in enumerate(writes, start=1):
                row.instance.save()  # its own save() and signals: history as for a page edit
                _save_many(row)
                if done % BATCH == 0:
                    progress("write", done, len(writes))
        else:
            _bulk_write(user, model, writes, progress)
            for row in writes:
                _save_many(row)
        if len(writes) >= ANALYZE_ROWS:
            # PostgreSQL's advice after a bulk load: fresh statistics, or the next queries on the
            # table (the next import's lookups, scoped lists) are planned as if it were still small;
            # autovacuum would do it only up to a minute later. Its search indexes' pending entries
            # are merged too (search.refresh_statistics).
            from yingji.core.framework.search import refresh_statistics

            refresh_statistics([model._meta.db_table], using=connection.alias)
    result.created = sum(1 for r in writes if r.old is None)
    result.updated = len(writes) - result.created
    progress("write", len(writes), len(writes))


def _bulk_write(user, model, writes: list[_Row], progress):
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_value
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.utils import timezone
    from django.utils.encoding import smart_str

    context = auditlog_value.get({}) or {}
    content_type = ContentType.objects.get_for_model(model)
    cid = get_cid()
    now = timezone.now()
    auto_now = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    creation_diff = _creation_diff(model)
    concrete = {f.attname for f in model._meta.concrete_fields}
    done = 0
    for start in range(0, len(writes), BATCH):
        batch = writes[start:start + BATCH]
        new = [r.instance for r in batch if r.old is None]
        for instance in new:
            instance.inherit_scope()
        _insert_rows(model, new, returning=True)
        changed = [r for r in batch if r.old is not None]
        if changed:
            for row in changed:
                for f in auto_now:
                    setattr(row.instance, f.attname, now)
            names = {a for r in changed for a in r.changed} | {f.attname for f in auto_now}
            _update_rows(model, [r.instance for r in changed], sorted(names))
        _after_bulk(model, [r.instance for r in batch])
        entries = []
        for row in batch:
            if row.old is None:
                changes = creation_diff(row.instance)
            else:  # (many-to-many changes are recorded by their own signal, when they are set)
                changes = model_instance_diff(row.old, row.instance,
                                              fields_to_check=[a for a in row.changed if a in concrete])
            if not changes:
                continue
            entries.append(LogEntry(
                content_type=content_type, object_pk=str(row.instance.pk), object_id=row.instance.pk,
                object_repr=smart_str(row.instance), action=LogEntry.Action.CREATE if row.old is None
                else LogEntry.Action.UPDATE, changes=changes, actor=user, actor_email=getattr(user, "email", None),
                remote_addr=context.get("remote_addr"), remote_port=context.get("remote_port"), cid=cid,
                timestamp=now))
        _insert_rows(LogEntry, entries, returning=False)
        done += len(batch)
        progress("write", done, len(writes))


def bulk_create_with_history(user, model, instances: list, *, progress=None) -> list:
    """Write new records of ``model`` as an import writes them: scope copied from the parent
    (``inherit_scope``), multi-row INSERTs of 500, one creation entry each in the one change history
    (what each save() would have written, ``user`` the actor) and the receivers that follow bulk
    writes (the to-do inbox) told once per batch. For services that create many records of one kind
    at once (a household list, a draw's checks): the caller validates them first, and does whatever
    its model's own save() would (save() is not called). The caller's transaction, if any, holds it."""
    rows = [_Row(offset=i, instance=instance) for i, instance in enumerate(instances)]
    for row in rows:
        _stamp_creator(user, row.instance)
    with transaction.atomic(), set_actor(user):
        _bulk_write(user, model, rows, progress or _no_progress)
    return instances


def _creation_diff(model):
    """A function giving what auditlog's ``model_instance_diff(None, record)`` gives for a new
    record (the history entry its post_save signal would write), with the work that is the same for
    every record done once: which fields auditlog tracks for the model (its include/exclude lists)
    and the "before" side, which for a new record is auditlog's value of no record ("None") for every
    field. Each value is auditlog's own representation (``get_field_value``, inlined for the plain
    and foreign-key fields that are most of them); a field is in the diff when it differs from
    "None", as auditlog decides. The reverse relations (a dozen related managers per record, each
    rendered as "app.Model.None") are the same for every new record and are diffed once.
    Masked fields or JSON-stored changes: auditlog's own diff per record."""
    from auditlog.diff import get_field_value, model_instance_diff, track_field
    from auditlog.registry import auditlog
    from django.db.models import DateTimeField, ForeignObjectRel, JSONField
    from django.utils.encoding import smart_str

    config = auditlog.get_model_fields(model)
    if config["mask_fields"] or settings.AUDITLOG_STORE_JSON_CHANGES:
        return lambda instance: model_instance_diff(None, instance)
    fields = [f for f in model._meta.get_fields() if track_field(f)]
    if config["include_fields"]:
        fields = [f for f in fields if f.name in config["include_fields"]]
    fields = [f for f in fields if f.name not in (config["exclude_fields"] or ())]
    reverse = [f.name for f in fields if isinstance(f, ForeignObjectRel)]
    per_record = []
    for f in fields:
        if isinstance(f, ForeignObjectRel):
            continue
        if isinstance(f, DateTimeField | JSONField) or not f.concrete:
            kind = "other"
        elif (not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION and (f.one_to_one or f.many_to_one)
              and hasattr(f, "rel_class")):
            kind = "key"
        else:
            kind = "plain"
        before = get_field_value(None, f)
        per_record.append((f, f.name, f.attname if kind == "key" else f.name, kind, before, smart_str(before)))
    constant = None

    def diff(instance):
        nonlocal constant
        if constant is None:
            constant = (model_instance_diff(None, instance, fields_to_check=reverse) or {}) if reverse else {}
        changes = dict(constant)
        for f, name, attname, kind, before, before_text in per_record:
            if kind == "plain":
                value = getattr(instance, attname)
                if type(value) is not str:
                    value = smart_str(value)
                    if type(value).__name__ == "__proxy__":
                        value = str(value)
            elif kind == "key":
                value = smart_str(getattr(instance, attname), strings_only=True)
            else:
                value = get_field_value(instance, f)
            if before != value:
                changes[name] = (before_text, smart_str(value))
        return changes or None

    return diff


def _insert_rows(model, objs, *, returning: bool):
    """On SQLite, INSERT new records as bulk_create does (auto_now_add and other pre_save values,
    related ids, the new primary key set on each object when ``returning``) with plain SQL:
    bulk_create's SQL compilation per value was most of its time, in statements of 32 rows (Django
    assumes SQLite's old 999-parameter limit). With ``returning``: multi-row ``INSERT … VALUES (…),
    (…) RETURNING pk``, up to 500 rows within the library's real limit; without (history entries):
    one single-row INSERT through ``executemany``. PostgreSQL takes the same statements through a
    server-side-binding cursor (``_bulk_cursor``): bulk_create's ``UNNEST`` insert through Django's
    client-side-binding cursor spent most of its time escaping array elements in Python. Models with
    other database-returned fields, generated fields or special placeholders,
    and records that already have a key, go through bulk_create too."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    if (not objs or opts.db_returning_fields != [opts.pk] or any(f.generated for f in opts.concrete_fields)
            or any(hasattr(f, "get_placeholder") for f in fields) or any(o.pk is not None for o in objs)
            or connection.vendor not in ("sqlite", "postgresql")
            or (returning and not connection.features.can_return_rows_from_bulk_insert)):
        model._base_manager.bulk_create(objs)
        return
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def values(obj):
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]

    if connection.vendor == "postgresql":
        _copy_rows(model, fields, objs, values, returning=returning)
        return
    with _bulk_cursor() as cursor:
        if not returning:
            cursor.executemany(head + row, [values(obj) for obj in objs])
        else:
            if connection.vendor == "sqlite":
                import sqlite3

                limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            else:
                limit = 65535  # PostgreSQL's bind parameters per statement
            per_statement = max(1, min(BATCH, limit // len(fields)))
            tail = f" RETURNING {quote(opts.pk.column)}"
            for start in range(0, len(objs), per_statement):
                chunk = objs[start:start + per_statement]
                cursor.execute(head + ", ".join([row] * len(chunk)) + tail, [v for obj in chunk for v in values(obj)])
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy_rows(model, fields, objs, values, *, returning: bool):
    """PostgreSQL: the new records' keys drawn from the table's own sequence in one query (when
    ``returning``), then every row sent with ``COPY … FROM STDIN``. A multi-row INSERT made the
    driver parse a statement of thousands of placeholders per batch and the server plan it; COPY
    has neither. Keys from the sequence are what the INSERT would have taken (and a rolled-back
    import leaves a gap, as an INSERT does)."""
    opts = model._meta
    quote = connection.ops.quote_name
    columns = [f.column for f in fields]
    with _bulk_cursor() as cursor:
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(opts.db_table), opts.pk.column, len(objs)])
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
            columns = [opts.pk.column, *columns]
        with cursor.copy(f"COPY {quote(opts.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([obj.pk, *values(obj)] if returning else values(obj))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _bulk_cursor():
    """A cursor for the bulk writes. On PostgreSQL one with server-side binding: Django's cursors bind
    client-side, quoting every value (and, in bulk_create's UNNEST insert, escaping every array
    element by regular expression) in Python, which was most of a large import's time there."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(connection.connection)
    return connection.cursor()


def _update_rows(model, instances, attnames):
    """UPDATE … WHERE pk = … for each record through one executemany: what bulk_update does, without
    its CASE expression per record and field (most of its time)."""
    fields_ = [f for f in model._meta.concrete_fields if f.attname in attnames]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields_)} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields_] + [obj.pk]
              for obj in instances]
    if connection.vendor == "postgresql":
        # The new values COPYed into a scratch table, then one UPDATE … FROM: a statement per record
        # (even pipelined) was most of an update import's writing time there.
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = [quote(f.column) for f in fields_]
        with _bulk_cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE yingji_import_update ON COMMIT DROP AS "
                           f"SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY yingji_import_update ({', '.join(columns)}, {pk}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            # Without statistics the planner takes the scratch table for a large one and scans the
            # whole table per batch (an import of 50,000 changed rows slowed as it went).
            cursor.execute("ANALYZE yingji_import_update")
            cursor.execute(f"UPDATE {table} SET {', '.join(f'{c} = u.{c}' for c in columns)} "
                           f"FROM yingji_import_update u WHERE {table}.{pk} = u.{pk}")
            cursor.execute("DROP TABLE yingji_import_update")
        return
    with _bulk_cursor() as cursor:
        cursor.executemany(sql, params)


def _key_label(reg):
    return "+".join(reg.field_label(k) for k in reg.natural_key)


def _map_header(reg, header: list[str], result: ImportResult) -> list[str | None]:
    fields = tabular.tabular_fields(reg)
    by_name = {reg.field_label(n): n for n in fields} | {n: n for n in fields}
    for name, column in reg.computed_columns.items():  # accepted and checked, never written
        by_name |= {title: name for title in (reg.field_label(name), name, *column.aliases)}
    columns = []
    for col, title in enumerate(header, start=1):
        if not title:
            columns.append(None)
            continue
        if title not in by_name:
            result.errors.append(f"第 1 行, 第 {col} 列: 未知列“{title}”（请使用导入模板中的列名）")
        columns.append(by_name.get(title))
    missing = [reg.field_label(n) for n in fields if not reg.field(n).blank and n not in columns]
    if missing:
        result.errors.append(f"第 1 行: 缺少必填列 {'、'.join(missing)}")
    return columns


def _row_data(reg, columns, row) -> dict[str, str]:
    data = {}
    for name, value in zip(columns, row, strict=False):
        if name is None:
            continue
        f = reg.field(name)
        if f.choices and value:
            labels = {str(label): key for key, label in f.choices}
            value = labels.get(value, value)
        data[name] = value
    return data


def _complete(reg, columns, data, existing, related_keys) -> dict[str, str]:
    """Columns absent from the file keep the existing record's values."""
    if existing is None:
        return data
    complete = dict(data)
    for name in reg.editable_fields:
        if name in data:
            continue
        f = reg.field(name)
        if f.many_to_many:  # what the record has (prefetched with it)
            key = reg.related_key(name)
            complete[name] = [getattr(v, key) for v in getattr(existing, name).all()]
            continue
        value = getattr(existing, name if not f.is_relation else f.attname)
        if f.is_relation and value is not None:
            value = related_keys[name].get(value)
        complete[name] = "" if value is None else value
    return complete


# ---- attachments ------------------------------------------------------------------------------

def validate_upload(upload, extensions=None):
    """Refuse files of a type or size the platform does not accept, saying which and why."""
    extensions = extensions or settings.UPLOAD_EXTENSIONS
    suffix = Path(upload.name).suffix.lower().lstrip(".")
    if suffix not in extensions:
        raise ValidationError(f"不支持的文件类型 .{suffix}；允许：{'、'.join(extensions)}")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"文件过大（{upload.size / 1048576:.1f} MB），上限 "
                              f"{settings.UPLOAD_MAX_BYTES // 1048576} MB")


def may_attach(user, record) -> bool:
    """Who may add files to a record: a user who may change records of its kind, or the one who
    created it (a grid worker adding photos later to the hazard they reported). Scope is the caller's
    to check (the record as the user may see it)."""
    return can(user, "change", type(record)) or (can(user, "view", type(record)) and is_creator(user, record))


def attach_file(user, record, upload, description: str = "", *, public: bool = False,
                creator: bool = False) -> Attachment:
    """Attach an uploaded file to a record the user may change or created (``may_attach``), or,
    ``public``, to a record the public just created through a public form; ``creator``: to the record
    the user is creating now (its photos). Size and type are limited."""
    if not public and not creator and not may_attach(user, record):
        _require(user, "change", type(record))
    validate_upload(upload)
    with set_actor(user):
        return Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk), file=upload,
            original_name=Path(upload.name).name[:200], size_bytes=upload.size,
            mime_type=mimetypes.guess_type(upload.name)[0] or "", description=description[:200],
            uploaded_by=user if user and user.is_authenticated else None)


def attachments_of(record):
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                     object_id=str(record.pk)).select_related("uploaded_by")
