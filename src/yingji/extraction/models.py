"""What the officers corrected (提取校正记录): for every form filled from a pasted text and then saved,
one row per filled field — the value proposed, the value saved, the text and the span it came from,
the page, who and when. Append-only (written by services.record_corrections only): the bureau's own
growing evaluation set, exported as .xlsx like every registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yingji.core.models import DomainModel, Region


class ExtractionCorrection(DomainModel):
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               help_text="保存的记录所在的区划")
    recorded_at = models.DateTimeField("保存时间", default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="保存人", null=True, editable=False,
                                    on_delete=models.SET_NULL, related_name="+")
    page = models.CharField("来源页面", max_length=40, db_index=True, help_text="填表映射的标识，如 incidents-intake")
    page_label = models.CharField("页面名称", max_length=40)
    record = models.CharField("保存的记录", max_length=120, blank=True, help_text="如事件编号、报告名称")
    field = models.CharField("表单字段", max_length=60)
    field_label = models.CharField("字段名称", max_length=60)
    source = models.CharField("提取项", max_length=40, help_text="提取结果中的项：deaths、occurred_date、places …")
    proposed = models.TextField("提取值", blank=True)
    saved = models.TextField("保存值", blank=True)
    corrected = models.BooleanField("已更正", default=False, db_index=True, help_text="保存值与提取值不同")
    span = models.CharField("原文片段", max_length=200, blank=True)
    span_start = models.PositiveIntegerField("片段起点", null=True, blank=True)
    span_end = models.PositiveIntegerField("片段终点", null=True, blank=True)
    confidence = models.FloatField("置信度", null=True, blank=True)
    approximate = models.BooleanField("约数", default=False)
    text = models.TextField("原文", help_text="超过 32,000 字的只保存前 32,000 字（Excel 单元格的上限）")

    class Meta:
        verbose_name = verbose_name_plural = "提取校正记录"
        ordering = ["-recorded_at", "id"]

    def __str__(self):
        return f"{self.page_label} {self.field_label}：{self.proposed or '—'} → {self.saved or '—'}"
