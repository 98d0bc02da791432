"""The left navigation, by business area (UI guide). Items appear when their module exists and the
user's role allows them; areas still to be built show their planned items as 建设中."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from yingji.core.registry import get_registry


@dataclass(frozen=True)
class Item:
    label: str
    registry: str = ""  # registry slug, or
    url_name: str = ""  # a named URL
    perm: str = ""
    admin_only: bool = False


MENU = [
    ("首页", [Item("首页", url_name="home"), Item("一张图", url_name="map")]),
    ("风险防控", [Item("风险点", registry="risk-points"), Item("风险评估", registry="risk-assessments"),
              Item("分级阈值", registry="risk-bands"), Item("重大危险源", registry="hazard-sources"),
              Item("危险化学品存量", registry="hazard-inventories"), Item("脆弱性目标", registry="vulnerable-targets"),
              Item("四色图", url_name="risk_map"), Item("三清单", url_name="risk_lists")]),
    ("隐患治理", [Item("隐患排查治理", registry="hazards"), Item("隐患统计", url_name="hazard_dashboard"),
              Item("群众举报", registry="tip-offs")]),
    ("监测预警", [Item("报警值守台", url_name="monitoring_live"), Item("监测点", registry="monitoring-points"),
              Item("传感器", registry="sensors"), Item("报警", registry="alarms"), Item("预警发布", registry="warnings"),
              Item("拒收数据", url_name="dead_letters", admin_only=True)]),
    ("应急指挥", [Item("接报登记", url_name="incident_intake", perm="incidents.add_incident"),
              Item("突发事件", registry="incidents"), Item("信息报送", registry="reports"),
              Item("处置任务", registry="tasks"), Item("应急响应", registry="responses"),
              Item("值班表", registry="duty-shifts"), Item("值班日志", registry="duty-logs"),
              Item("应急预案", registry="plans"), Item("预案响应级别", registry="plan-levels"),
              Item("预案任务清单", registry="plan-actions"), Item("预案演练", registry="drills"),
              Item("事件时间轴", registry="timeline")]),
    ("应急资源", [Item("救援队伍", registry="teams"), Item("队员", registry="team-members"),
              Item("队伍动态", registry="team-activities"), Item("专家", registry="experts"),
              Item("装备", registry="equipment"), Item("储备库", registry="warehouses"),
              Item("物资目录", registry="materials"), Item("库存", registry="stock"),
              Item("库存台账", registry="stock-movements"), Item("调拨单", registry="transfer-orders"),
              Item("避难场所", registry="shelters"), Item("社会力量登记", registry="social-force-applications"),
              Item("就近资源", url_name="nearest_resources"), Item("物资调度", url_name="dispatch_plan"),
              Item("覆盖分析", url_name="coverage")]),
    ("灾情救助", [Item("灾情报送")]),
    ("监管执法", [Item("检查与执法")]),
    ("统计分析", [Item("指标与指数")]),
    ("系统管理", [Item("行政区划", registry="regions"), Item("单位", registry="organizations"),
              Item("人员通讯录", registry="persons"), Item("用户与权限", url_name="admin:core_user_changelist",
                                                      admin_only=True),
              Item("操作日志", url_name="audit_log", admin_only=True),
              Item("后台任务", url_name="job_runs", admin_only=True),
              Item("API 文档", url_name="api_docs")]),
]


def menu_for(user, current_path: str) -> list[dict]:
    groups = []
    for title, items in MENU:
        entries = []
        for item in items:
            url, enabled = "", True
            if item.registry:
                reg = get_registry(item.registry)
                if reg is None or not user.has_perm(reg.perm("view")):
                    continue
                url = reverse("registry_list", args=[item.registry])
            elif item.url_name:
                if item.admin_only and not (user.is_superuser or user.is_staff):
                    continue
                if item.perm and not user.has_perm(item.perm):
                    continue
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    enabled = False
            else:
                enabled = False
            active = bool(url) and (current_path == url or (url != "/" and current_path.startswith(url)))
            entries.append({"label": item.label, "url": url, "enabled": enabled, "active": active})
        if entries:
            groups.append({"title": title, "items": entries, "open": any(e["active"] for e in entries)})
    return groups
