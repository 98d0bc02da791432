"""Every change to a registry record goes through here: permission, scope, validation, history.

History is written by django-auditlog's signals with the actor taken from the request (middleware)
or set here for work that has no request (CLI imports, demo loading).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from yingji.core import tabular
from yingji.core.access import can, in_scope
from yingji.core.models import Attachment


def _require(user, action, model):
    if not can(user, action, model):
        raise PermissionDenied(f"您没有{ {'add': '新增', 'change': '修改', 'delete': '删除'}[action] }"
                               f"{model._meta.verbose_name}的权限")


def _refuse_locked(instance):
    from yingji.core.registry import registry_for_model

    reg = registry_for_model(type(instance))
    reason = reg.locked(instance) if reg else None
    if reason:
        raise PermissionDenied(reason)


def save_form(user, form):
    """Save a validated ModelForm for ``user``; refuses records that would leave their scope."""
    instance = form.instance
    _require(user, "change" if instance.pk else "add", type(instance))
    _refuse_locked(instance)
    if not in_scope(user, instance):
        raise PermissionDenied("该记录不在您的管辖范围内")
    with transaction.atomic(), set_actor(user):
        return form.save()


def save_instance(user, instance):
    """Validate and save a model instance (used by the API)."""
    _require(user, "change" if instance.pk else "add", type(instance))
    _refuse_locked(instance)
    instance.full_clean()
    if not in_scope(user, instance):
        raise PermissionDenied("该记录不在您的管辖范围内")
    with transaction.atomic(), set_actor(user):
        instance.save()
    return instance


def delete_instance(user, instance):
    _require(user, "delete", type(instance))
    _refuse_locked(instance)
    try:
        with transaction.atomic(), set_actor(user):
            instance.delete()
    except ProtectedError as exc:
        blockers = {str(o._meta.verbose_name) for o in exc.protected_objects}
        raise ValidationError(f"还有关联的{'、'.join(sorted(blockers))}，不能删除；请先处理这些记录") from exc


# ---- import -----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.errors


def import_file(user, reg, filename: str, content: bytes) -> ImportResult:
    """Import an .xlsx/.csv file into a registry: all rows or none.

    Rows are validated and saved one by one inside one transaction (so a row may refer to one above
    it, e.g. a village to its township); any error anywhere rolls everything back and every bad
    row and field is reported.
    """
    _require(user, "add", reg.model)
    _require(user, "change", reg.model)
    result = ImportResult()
    try:
        rows = tabular.read_rows(filename, content)
    except tabular.FileFormatError as exc:
        result.errors.append(str(exc))
        return result
    columns = _map_header(reg, rows[0], result)
    if not result.ok:
        return result
    form_class = reg.form_class(user, for_import=True)
    visible = reg.model.objects.for_user(user)
    seen_keys: dict[tuple, int] = {}
    with transaction.atomic(), set_actor(user):
        for offset, row in enumerate(rows[1:], start=2):
            if not any(row):
                continue
            data = _row_data(reg, columns, row)
            key = tuple(data.get(k, "") for k in reg.natural_key)
            if any(key) and key in seen_keys:
                result.errors.append(f"第 {offset} 行, {_key_label(reg)}: 与第 {seen_keys[key]} 行重复")
                continue
            seen_keys[key] = offset
            existing = None
            if all(key):
                try:
                    existing = reg.model.objects.filter(**dict(zip(reg.natural_key, key, strict=True))).first()
                except (ValueError, TypeError):
                    result.errors.append(f"第 {offset} 行, {_key_label(reg)}: “{'+'.join(key)}”格式不正确")
                    continue
                if existing is None and reg.natural_key == ("id",):
                    result.errors.append(f"第 {offset} 行, 编号: 没有编号为 {key[0]} 的记录（新增请留空）")
                    continue
            if existing is not None and not visible.filter(pk=existing.pk).exists():
                result.errors.append(f"第 {offset} 行, {_key_label(reg)}: 该记录已存在且不在您的管辖范围内")
                continue
            form = form_class(_complete(reg, columns, data, existing), instance=existing)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    label = reg.field_label(name) if name != "__all__" else "整行"
                    result.errors.extend(f"第 {offset} 行, {label}: {m}" for m in messages)
                continue
            if not in_scope(user, form.instance):
                result.errors.append(f"第 {offset} 行: 该记录不在您的管辖范围内")
                continue
            if existing is not None and not form.has_changed():
                result.unchanged += 1
                continue
            form.save()
            if existing is None:
                result.created += 1
            else:
                result.updated += 1
        if not result.ok:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
    return result


def _key_label(reg):
    return "+".join(reg.field_label(k) for k in reg.natural_key)


def _map_header(reg, header: list[str], result: ImportResult) -> list[str | None]:
    fields = tabular.tabular_fields(reg)
    by_name = {reg.field_label(n): n for n in fields} | {n: n for n in fields}
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


def _complete(reg, columns, data, existing) -> dict[str, str]:
    """Columns absent from the file keep the existing record's values."""
    if existing is None:
        return data
    complete = dict(data)
    for name in reg.editable_fields:
        if name in data:
            continue
        value = getattr(existing, name if not reg.field(name).is_relation else f"{name}_id")
        if reg.field(name).is_relation and value is not None:
            related = getattr(existing, name)
            value = getattr(related, reg.related_key(name))
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


def attach_file(user, record, upload, description: str = "", *, public: bool = False) -> Attachment:
    """Attach an uploaded file to a record the user may change (or, ``public``, to a record the public
    just created through a public form); size and type are limited."""
    if not public:
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
