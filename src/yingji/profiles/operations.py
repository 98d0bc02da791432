"""立即重算标签: the rules' job run now over the user's scope (the periodic job runs it over every
enterprise every 6 hours). Manual tags are the registry's own create (who, when: the history)."""

from __future__ import annotations

from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.models import Organization
from yingji.profiles import services


class RecomputeForm(OperationForm):
    pass


def _run(user, **kw):
    return services.recompute(organizations=Organization.objects.for_user(user))


operations.register(
    Operation("tag-rules", "recompute", "立即重算标签", _run, form=RecomputeForm, detail=False, permission="change",
              summary="按启用的标签规则重算本辖区企业的规则标签（后台每6小时自动重算全部企业）",
              message=lambda r: f"已重算：{r['tagged']} 家企业有规则标签（新增 {r['added']}，去掉 {r['removed']}）",
              next_url=lambda record, r: reverse("registry_list", args=["enterprise-tags"]),
              result=lambda r: dict(r)),
)
