"""The papers of an on-site check (现场检查记录, 责令限期整改指令书, 整改复查意见书, 现场处理措施决定书), numbered
when issued per kind, county and year, with their 送达 — the check's counterpart of a case's papers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yingji.core.models import DomainModel, Organization, Region
from yingji.supervision.casechoices import ServiceMethod
from yingji.supervision.choices import PAPERS_SERVED, PaperKind


class CheckPaper(DomainModel):
    """A paper of a check. What it says is kept as issued (``content``); the .docx is drawn from that."""

    scope_parent = "inspection"
    scope_organization = "organization"

    inspection = models.ForeignKey("supervision.Inspection", verbose_name="检查记录", on_delete=models.PROTECT,
                                   related_name="papers")
    kind = models.CharField("文书种类", max_length=12, choices=PaperKind.choices, db_index=True)
    number = models.CharField("文书编号", max_length=48, unique=True)
    issued_at = models.DateTimeField("制作时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制作人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField("整改期限", null=True, blank=True, help_text="责令限期整改指令书：整改完毕的日期")
    order = models.ForeignKey("self", verbose_name="对应整改指令书", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="reviews", help_text="整改复查意见书所复查的责令限期整改指令书")
    content = models.JSONField("文书内容", default=dict)
    served_method = models.CharField("送达方式", max_length=16, choices=ServiceMethod.choices, blank=True)
    served_at = models.DateTimeField("送达时间", null=True, blank=True)
    served_to = models.CharField("受送达人", max_length=64, blank=True)
    served_by = models.CharField("送达人", max_length=64, blank=True)
    receipt = models.CharField("回执情况", max_length=200, blank=True,
                               help_text="签收人及签收情况；留置送达写明见证人；邮寄送达写明邮件号")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    organization = models.ForeignKey(Organization, verbose_name="被检查单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查文书"
        ordering = ["inspection", "issued_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def served_to_party(self) -> bool:
        return self.kind in PAPERS_SERVED
