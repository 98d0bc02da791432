"""Online declarations (网上申报): a disaster or a loss reported by the public or a social rescue force from
a phone, without login — text, photos (the platform's attachments), the phone's position — with what the
extraction engine read in the text, the region it was placed in (and how), the duplicate group it joined,
and what the township made of it (a 灾情 entry or an incident)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yingji.core.framework.validators import validate_phone
from yingji.core.models import DomainModel, GeoPoint, Region
from yingji.declarations.choices import DeclarantKind, Kind, RegionSource, State


class Declaration(DomainModel, GeoPoint):
    tracking_code = models.CharField("查询码", max_length=12, unique=True, editable=False)
    kind = models.CharField("申报类别", max_length=10, choices=Kind.choices, default=Kind.DISASTER, editable=False)
    declarant_kind = models.CharField("申报人类型", max_length=12, choices=DeclarantKind.choices,
                                      default=DeclarantKind.PUBLIC, editable=False)
    text = models.TextField("申报内容", editable=False)
    place = models.CharField("地点描述", max_length=200, blank=True, editable=False)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="declarations",
                               editable=False)
    region_source = models.CharField("区划依据", max_length=10, choices=RegionSource.choices, editable=False)
    accuracy_m = models.PositiveIntegerField("定位精度（米）", null=True, blank=True, editable=False)
    # Editable: the township corrects them after calling back (a mistyped number); shown to the handlers only.
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # What the extraction engine read (yingji.extraction.engine.Extraction.as_dict()), and its event type.
    extracted = models.JSONField("提取结果", default=dict, blank=True, editable=False)
    event_type = models.CharField("事件类型（提取）", max_length=20, blank=True, editable=False)
    duplicate_of = models.ForeignKey("self", verbose_name="疑似重复（同组首条）", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates", editable=False)
    similarity = models.FloatField("与首条的文字相似度", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.NEW, db_index=True,
                             editable=False)
    disaster_report = models.ForeignKey("disasters.DisasterReport", verbose_name="纳入的灾情报告", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="declarations", editable=False)
    incident = models.ForeignKey("incidents.Incident", verbose_name="转为的突发事件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="declarations", editable=False)
    outcome = models.CharField("处理结果（申报人可见）", max_length=300, blank=True, editable=False)
    dismissed_reason = models.CharField("不予采纳理由", max_length=300, blank=True, editable=False)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    note = models.TextField("工作备注", blank=True, help_text="乡镇、县局的内部备注（申报人看不到）")

    class Meta:
        verbose_name = verbose_name_plural = "网上申报"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client_hash", "created_at"]), models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"网上申报 {self.tracking_code}"

    @property
    def title(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"

    def on_transition(self, name, before, after, inputs, actor=None):
        self.handled_at = timezone.now()
        if actor is not None:
            self.handled_by = actor
        elif inputs.get("by"):  # a conversion, taken by its operation as the system, names its officer
            self.handled_by_id = inputs["by"]
        if name == "dismiss":
            self.dismissed_reason = str(inputs.get("reason", ""))[:300]
            self.outcome = f"不予采纳：{self.dismissed_reason}"[:300]
        if name == "to_disaster":
            self.disaster_report_id = inputs.get("report")
            self.outcome = str(inputs.get("outcome", ""))[:300]
        if name == "to_incident":
            self.incident_id = inputs.get("incident")
            self.outcome = str(inputs.get("outcome", ""))[:300]
