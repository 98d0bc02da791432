"""The actions beyond the declared transitions (page button + API + OpenAPI): 生成评估方案 and 记录观察 on a
drill evaluation. Every workflow step (报告落实, 复核, 销号, 提交调查报告, 批复结案 …) is generated from
workflow.py by the platform."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.reviews import services
from yingji.reviews.choices import EvaluationState
from yingji.reviews.models import Criterion
from yingji.reviews.workflow import EVALUATORS

SLUG = "drill-evaluations"


class ObserveForm(OperationForm):
    criterion = forms.ModelChoiceField(label="评估标准", queryset=Criterion.objects.none(),
                                       error_messages={"required": "请选择评估标准",
                                                       "invalid_choice": "该评估标准不属于本次演练评估"})
    score = forms.IntegerField(label="得分（0–100）", min_value=0, max_value=100,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label="观察情况", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["criterion"].queryset = self.record.criteria.all()


def _page(record, result):
    return reverse("registry_detail", args=[SLUG, record.pk])


def _field(record, result):
    return reverse("reviews_field", args=[record.pk])


operations.register(
    Operation(SLUG, "build-criteria", "生成评估方案", lambda user, ev: services.build_criteria(user, ev),
              roles=EVALUATORS, record_button=True, offered=lambda ev: ev.state == EvaluationState.PLANNED,
              summary="按 AQ/T 9009 评估项目和预案的任务清单、指挥机构生成评估标准（权重、时限）；评估开始后 409",
              message=lambda rows: f"已生成 {len(rows)} 项评估标准", next_url=_page,
              result=lambda rows: {"criteria": len(rows)}),
    Operation(SLUG, "observe", "记录观察", lambda user, ev, **kw: services.observe(user, ev, **kw), form=ObserveForm,
              roles=EVALUATORS, record_button=True, offered=lambda ev: ev.state == EvaluationState.OBSERVING,
              idempotent=True, next_url=_field,
              summary="演练中记录一条观察（评估标准、得分、情况），时间自动登记；非演练评估中 409",
              message=lambda o: f"已记录：{o.criterion.section} {o.score} 分",
              result=lambda o: {"id": o.pk, "at": o.at.isoformat()}),
)
