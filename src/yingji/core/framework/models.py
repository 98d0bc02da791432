"""The framework's records: the base of every domain model (scope declaration, scoped manager,
timestamps), map geometry mixins, attachments, job runs, transition log, notifications, live events,
import jobs and document number sequences. They name no directory model except by "core.Region"-style
lazy references, so the framework imports nothing of the directory (core/directory/).

Every domain model declares where its owning region and organization are (``scope_region`` /
``scope_organization``, a field path or ``"self"``); access.py turns that into the one queryset
restriction used by every page, API, export and map layer.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.framework import geo
from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.validators import (
    control_character_error,
    control_character_pattern,
    validate_geometry,
    validate_lat,
    validate_lon,
)


@functools.cache
def _text_fields(model) -> tuple:
    """(field, control-character pattern, multi-line) of each text field of ``model``, worked out once."""
    out = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.CharField | models.TextField):
            multiline = isinstance(f, models.TextField)
            out.append((f, control_character_pattern(multiline=multiline), multiline))
    return tuple(out)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the rows inside ``user``'s scope (access.py is the one place that decides)."""
        from yingji.core.framework.access import restrict

        return restrict(self, user)


class DomainModel(models.Model):
    """Base of every registry record: scope declaration, scoped manager, timestamps."""

    scope_region = "region"
    scope_organization: str | None = None
    # A part of another record (an assessment of its risk point, a sensor of its monitoring point)
    # names that record here and takes its region and organization from it, on clean and on save.
    scope_parent: str | None = None
    # The user who created the record (a non-editable foreign key to the user model), set by
    # services.py on create through a page, the API or an import: who reported a hazard. Separation of
    # duties refers to it (statemachine.CREATED), and the creator may add files to the record later.
    creator_field: str | None = None

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.inherit_scope()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """Field checks, and no control characters in any text (every path: pages, API, imports)."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name, messages in self.control_character_errors(exclude).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def control_character_errors(self, exclude=None, only=None) -> dict[str, list[str]]:
        """{field: [message]} for each text value holding a control character (one precompiled search
        per value), in every text field but ``exclude`` or in ``only`` these."""
        errors = {}
        for f, pattern, multiline in _text_fields(type(self)):
            if (exclude and f.name in exclude) or (only is not None and f.name not in only):
                continue
            value = getattr(self, f.attname)
            if isinstance(value, str) and pattern.search(value):
                errors.setdefault(f.name, []).append(
                    control_character_error(value, str(f.verbose_name), multiline=multiline))
        return errors

    def clean(self):
        """A part takes its parent's place; a record's region must agree with its organization's."""
        super().clean()
        self.inherit_scope()
        org_field, region_field = self.scope_organization, self.scope_region
        if not org_field or "self" in (org_field, region_field) or self.scope_parent:
            return  # a part's region and organization are its parent's, checked with the parent
        if getattr(self, f"{org_field}_id", None) and getattr(self, f"{region_field}_id", None):
            org, region = getattr(self, org_field), getattr(self, region_field)
            org_region = org.region
            # An organization may say how far its records reach (a county department's stations stand
            # in every township); by default, its own region's line.
            reach = org.records_reach_path() if hasattr(org, "records_reach_path") else org_region.path
            if not (reach.startswith(region.path) or region.path.startswith(reach)) \
                    and not getattr(self, "region_mismatch_confirmed", False):
                # A service may let a person confirm it (接报: the call's place beats the register).
                raise ValidationError({region_field: ValidationError(
                    f"所属区划与所属单位的区划（{org_region}）不一致", code="region_mismatch")})

    def inherit_scope(self):
        """Copy the region and organization of ``scope_parent`` (set before scope checks and on save)."""
        if not self.scope_parent or not getattr(self, f"{self.scope_parent}_id"):
            return
        parent = getattr(self, self.scope_parent)
        setattr(self, f"{self.scope_region}_id", getattr(parent, f"{parent.scope_region}_id"))
        if self.scope_organization and parent.scope_organization not in (None, "self"):
            setattr(self, f"{self.scope_organization}_id", getattr(parent, f"{parent.scope_organization}_id"))


def creator_field(model) -> str | None:
    """The field of ``model`` naming who created its records, if it declares one."""
    return getattr(model, "creator_field", None)


def is_creator(user, record) -> bool:
    """Whether ``user`` created ``record`` (its model's ``creator_field``)."""
    field = creator_field(type(record))
    return bool(field and user is not None and user.is_authenticated
                and getattr(record, f"{field}_id", None) == user.pk)


class ScopedPart(DomainModel):
    """A part of another record (a team's member, a warehouse's stock line): it names the parent in
    ``scope_parent`` and keeps copies of the parent's region and organization, filled on save, so
    scope filters need no join. Subclasses declare the parent foreign key."""

    scope_organization = "organization"

    region = models.ForeignKey("core.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey("core.Organization", verbose_name="所属单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        abstract = True


class GeoPoint(models.Model):
    """A WGS-84/CGCS2000 lon/lat point, indexed for map windows."""

    lon = models.FloatField("经度", null=True, blank=True, validators=[validate_lon])
    lat = models.FloatField("纬度", null=True, blank=True, validators=[validate_lat])

    class Meta:
        abstract = True
        indexes = []

    def clean(self):
        super().clean()
        if (self.lon is None) != (self.lat is None):
            raise ValidationError({"lat" if self.lat is None else "lon": "经度和纬度须同时填写"})


class GeoShape(models.Model):
    """A GeoJSON geometry with its centroid and bounding box kept in indexed columns."""

    geometry = models.JSONField("边界（GeoJSON）", null=True, blank=True, validators=[validate_geometry])
    geometry_note = models.CharField("边界来源", max_length=100, blank=True)
    centroid_lon = models.FloatField("中心经度", null=True, blank=True, editable=False)
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True, editable=False)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        summary = dict.fromkeys(("centroid_lon", "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat"))
        if self.geometry:
            summary = geo.summarize(geo.parse_geometry(self.geometry))
        for key, value in summary.items():
            setattr(self, key, value)
        super().save(*args, **kwargs)


def attachment_path(instance, filename):
    return f"attachments/{instance.content_type.app_label}/{instance.content_type.model}/{instance.object_id}/{filename}"


class Attachment(models.Model):
    """A file or photo attached to any record; visible exactly when its record is."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    size_bytes = models.PositiveBigIntegerField("大小（字节）")
    mime_type = models.CharField("类型", max_length=100, blank=True)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return Path(self.original_name).suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".webp")


class SubmissionKey(models.Model):
    """One use of an operation's idempotency key (the hidden field of its page form, or the API's
    Idempotency-Key header): the operation it took and its first answer, so that the same submission
    sent again (a phone resending after a dropped connection) is answered the same, not taken twice.
    The key is unique: two sends racing each other write once (the second waits, then replays)."""

    key = models.CharField("提交标识", max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.CASCADE, related_name="+")
    operation = models.CharField("操作", max_length=120)  # "<registry>/<name>"
    record_pk = models.CharField("记录", max_length=64, blank=True)
    answer = models.JSONField("首次回答", default=dict)
    next_url = models.CharField("页面去向", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "提交标识"

    def __str__(self):
        return f"{self.operation} {self.key}"


class JobRun(models.Model):
    """One run of a background job, so operators can see the scheduler is alive."""

    name = models.CharField("任务", max_length=100, db_index=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True)
    ok = models.BooleanField("成功", default=False)
    detail = models.TextField("结果", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务记录"
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"


class TransitionLog(models.Model):
    """Every workflow transition of any record: who, when, from → to, comment and inputs."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    transition = models.CharField("操作", max_length=40)
    label = models.CharField("操作名称", max_length=40)
    from_state = models.CharField("原状态", max_length=40)
    to_state = models.CharField("新状态", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL)
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见", blank=True)
    inputs = models.JSONField("填写内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.label}: {self.from_state} → {self.to_state}"


class Notification(models.Model):
    """An in-app message to one user (the first dissemination channel; others plug in later)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="notifications")
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    level = models.CharField("级别", max_length=10, default=NotificationLevel.INFO, choices=NotificationLevel.choices)
    key = models.CharField(max_length=120, blank=True, db_index=True)  # de-duplicates repeated jobs
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title

    @property
    def badge_class(self) -> str:
        """The badge the notifications page puts before the title (none for 提示)."""
        return NOTIFICATION_BADGES.get(self.level, "")


NOTIFICATION_BADGES = {NotificationLevel.URGENT: "text-bg-danger", NotificationLevel.WARNING: "text-bg-warning"}


class LiveEvent(models.Model):
    """A change pushed to open pages (server-sent events). Rows give every web worker the same
    ordered feed and let a reconnecting page resume after its Last-Event-ID; the broker, when
    configured, only wakes the workers up. Who may hear an event is decided by the one access
    mechanism (scope over its region and organization). Pruned after a day."""

    scope_region = "region"
    scope_organization = "organization"

    channel = models.CharField(max_length=32, db_index=True)
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("core.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.channel}#{self.pk}"


class ImportJob(models.Model):
    """A large import run in the background: the uploaded file, who asked (the job runs with their
    permissions and scope, and only they see it), its state and progress, and the result — the same
    all-or-nothing result and located errors as an import inside the request."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        VALIDATING = "validating", "校验中"
        WRITING = "writing", "写入中"
        DONE = "done", "已完成"
        FAILED = "failed", "未导入"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.CASCADE,
                              related_name="+")
    registry = models.CharField("登记簿", max_length=64)
    # An operation's import into one record (operations.Operation.importer: 导入安置名单 into an activation)
    operation = models.CharField("操作", max_length=64, blank=True, default="")
    record = models.CharField("记录编号", max_length=64, blank=True, default="")
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("文件内容", editable=False)  # emptied when the job ends
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    validated_rows = models.PositiveIntegerField("已校验行数", default=0)
    written_rows = models.PositiveIntegerField("已写入行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)  # located notes that did not stop the import
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class NumberSequence(models.Model):
    """The last serial handed out in one series of document numbers: a kind of document (事件编号,
    预警编号, 调拨单号, a report's 期号) and what its numbers restart for (a day, an incident).
    Numbers come from ``core.numbering.next_serial`` only, never from max + 1 over the documents."""

    kind = models.CharField("单据类别", max_length=32)
    series = models.CharField("编号序列", max_length=32, help_text="编号重新从 1 起算的单位：日期（如 20261123）或事件")
    last = models.PositiveBigIntegerField("已用到", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号序列"
        constraints = [models.UniqueConstraint(fields=["kind", "series"], name="number_sequence_unique")]

    def __str__(self):
        return f"{self.kind} {self.series}: {self.last}"


class ToDo(models.Model):
    """One to-do (待办): a record in a workflow state that waits on someone (``StateMachine.waiting``),
    for the users who may take the next step — those holding ``permission`` and one of ``roles`` (or
    any role, "*"), whose scope covers ``region``/``organization`` (copied from the record, so the one
    access mechanism scopes to-dos as it scopes records), the ``assignee`` alone when the record names
    one, and never a user in ``barred`` (separation of duties). Kept by core/framework/todos.py only:
    opened when the record enters the state, closed (``closed_at``) when it leaves it."""

    scope_region = "region"
    scope_organization = "organization"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    registry = models.CharField("登记簿", max_length=64)
    state = models.CharField("状态", max_length=40)
    label = models.CharField("待办事项", max_length=60)
    title = models.CharField("记录", max_length=200)
    url = models.CharField("链接", max_length=300)
    permission = models.CharField(max_length=100)  # "app_label.change_model": who may act at all
    roles = models.CharField(max_length=200)  # ",township,staff," or "*"
    barred = models.CharField(max_length=400, blank=True, default="")  # ",12,34,": user ids kept out
    region = models.ForeignKey("core.Region", verbose_name="所属区划", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("core.Organization", verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField("期限", null=True, blank=True)
    due_is_date = models.BooleanField(default=False)  # the record's due is a day (整改期限), shown without a time
    opened_at = models.DateTimeField("产生时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待办"
        ordering = [models.F("due_at").asc(nulls_last=True), "opened_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["closed_at", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               condition=models.Q(closed_at__isnull=True), name="one_open_todo_per_record")]

    def __str__(self):
        return f"{self.label}：{self.title}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.due_at is not None and self.due_at < timezone.now()
