"""The compliance actions, declared once each (page button + API + OpenAPI). 说明情况, 核销 and 说明不成立 are
generated from workflow.py; 运行核查 runs the rules now over the user's scope (the job does it every hour)."""

from __future__ import annotations

from django.urls import reverse

from yingji.compliance import services
from yingji.compliance.workflow import RESPONDERS
from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm


class RunForm(OperationForm):
    pass


def _ran(result):
    opened, cleared = result
    return f"已运行核查：新预警 {opened} 条，自动消除 {cleared} 条"


operations.register(
    Operation("compliance-alerts", "run-checks", "运行核查", lambda user, **kw: services.refresh(user=user), form=RunForm,
              detail=False, permission="view", roles=RESPONDERS,
              summary="按安责险和持证、培训规则核查本辖区（企业账号：本企业）的保单、证书和培训学时，提出新预警、消除已整改的",
              message=_ran, next_url=lambda r, result: reverse("registry_list", args=["compliance-alerts"]),
              result=lambda result: {"opened": result[0], "cleared": result[1]}),
)
