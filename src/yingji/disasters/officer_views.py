"""Pages and endpoints of the 灾害信息员 network: the coverage card on the home page and its API."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from yingji.core.framework.readviews import read_api
from yingji.disasters import officer_coverage

VIEW_OFFICERS = "disasters.view_disasterofficer"


def coverage_panel(request) -> dict | None:
    """The home-page card (declared in apps.py): left out for those who may not see the officers, and
    for accounts of one organization (an enterprise, a rescue team: not theirs to staff) and for a scope
    holding no village."""
    if not request.user.has_perm(VIEW_OFFICERS) or request.user.scope_organization_id:
        return None
    s = officer_coverage.summary(request.user)
    return {"coverage": s} if s["villages"] else None


# Not an operation: a computed check (GET), it reads.
@extend_schema(summary="灾害信息员覆盖检查：每个村社区有在岗 A岗，灾害易发村社区另有 B岗；按乡镇列出缺口",
               tags=["灾情管理"], responses=OpenApiTypes.OBJECT)
@read_api("disaster-officers")
def coverage_api(request):
    return Response(officer_coverage.summary(request.user))
