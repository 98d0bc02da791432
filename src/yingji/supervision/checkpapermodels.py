"""The papers of an on-site check (现场检查记录, 责令限期整改指令书, 整改复查意见书, 现场处理措施决定书), numbered
when issued per kind, county and year, with their 送达 — the check's counterpart of a case's papers."""

from __future__ import annotations

from django.db import models

from yingji.core.models import Organization
from yingji.supervision.casemodels import Paper
from yingji.supervision.choices import PAPERS_SERVED, PaperKind


class CheckPaper(Paper):
    """A paper of a check, numbered per kind, county and year."""

    scope_parent = "inspection"
    scope_organization = "organization"

    inspection = models.ForeignKey("supervision.Inspection", verbose_name="检查记录", on_delete=models.PROTECT,
                                   related_name="papers")
    kind = models.CharField("文书种类", max_length=12, choices=PaperKind.choices, db_index=True)
    deadline = models.DateField("整改期限", null=True, blank=True, help_text="责令限期整改指令书：整改完毕的日期")
    order = models.ForeignKey("self", verbose_name="对应整改指令书", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="reviews", help_text="整改复查意见书所复查的责令限期整改指令书")
    organization = models.ForeignKey(Organization, verbose_name="被检查单位", null=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查文书"
        ordering = ["inspection", "issued_at", "id"]

    @property
    def served_to_party(self) -> bool:
        return self.kind in PAPERS_SERVED
