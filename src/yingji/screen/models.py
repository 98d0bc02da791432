"""事件关联: one incident led to another (次生 or 衍生), recorded by the duty desk — what the 事理图谱
counts, beside the incident numbers its timelines name. The incidents are the incidents app's; this
app refers to them by name ("incidents.Incident") and reads them through their registry."""

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.framework.models import ScopedPart
from yingji.screen.choices import Relation


class IncidentLink(ScopedPart):
    scope_parent = "cause"  # seen where the first incident is

    cause = models.ForeignKey("incidents.Incident", verbose_name="原生事件", on_delete=models.CASCADE,
                              related_name="+")
    effect = models.ForeignKey("incidents.Incident", verbose_name="次生/衍生事件", on_delete=models.CASCADE,
                               related_name="+")
    relation = models.CharField("关系", max_length=10, choices=Relation.choices, default=Relation.SECONDARY)
    note = models.CharField("说明", max_length=200, blank=True, help_text="如：强降雨致后山滑坡，滑坡体阻断县道")

    class Meta:
        verbose_name = verbose_name_plural = "事件关联（次生衍生）"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["cause", "effect"], name="incident_link_unique")]

    def __str__(self):
        return f"{self.cause.number} → {self.effect.number}（{self.get_relation_display()}）"

    def clean(self):
        super().clean()
        if self.cause_id and self.effect_id:
            if self.cause_id == self.effect_id:
                raise ValidationError({"effect": "次生/衍生事件不能是原生事件本身"})
            if self.effect.occurred_at < self.cause.occurred_at:
                raise ValidationError({"effect": "次生/衍生事件的发生时间不能早于原生事件"})
            if IncidentLink.objects.filter(cause_id=self.effect_id, effect_id=self.cause_id).exists():
                raise ValidationError({"effect": "已登记相反方向的关联（两起事件不能互为原生）"})
