"""Plan evaluation's actions, declared once each (page button + API + OpenAPI). 公开征求意见 and 定稿 are
generated from workflow.py; 计算评估结果 is declared here."""

from __future__ import annotations

from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.evaluation import services
from yingji.evaluation.choices import EvaluationState
from yingji.evaluation.workflow import PLANNERS


class ComputeForm(OperationForm):
    pass


operations.register(
    Operation("plan-evaluations", "compute", "计算评估结果", lambda user, e: services.generate(user, e),
              form=ComputeForm, roles=PLANNERS, record_button=True,
              offered=lambda e: e.state == EvaluationState.DRAFT,
              summary="按规划指标的公式和当前数据（录入的基础统计优先，其余取平台记录）计算到评估年度的各年指标值、"
                      "直线进度和亮灯，连同重点项目和任务进展保存到报告；公开征求意见后不能再计算（409）",
              message=lambda e: f"已计算 {len(e.results.get('indicators', []))} 项指标，可下载评估报告",
              next_url=lambda e, result: reverse("registry_detail", args=["plan-evaluations", e.pk]),
              result=lambda e: {"indicators": len(e.results.get("indicators", [])), "generated_at": e.generated_at}),
)
