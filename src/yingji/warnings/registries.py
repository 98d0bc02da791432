import datetime

from django.utils import timezone

from yingji.core.directory.choices import ContactRole
from yingji.core.framework.registry import Registry, register
from yingji.core.framework.widgets import CodeListCheckboxes, MapPickWidget
from yingji.warnings.documents import CAP_DOCUMENT
from yingji.warnings.models import Warning
from yingji.warnings.workflow import WARNING_FLOW

register(Registry(
    model=Warning, slug="warnings", menu_group="监测预警", icon="📢",
    list_fields=["code", "title", "event_type", "level", "state", "effective", "expires", "region"],
    search_fields=["code", "title", "content"],
    filter_fields=["state", "level", "event_type", "source", "region"],
    natural_key=("code",),
    form_fields=["event_type", "level", "title", "content", "measures", "effective", "expires", "issuer", "region",
                 "target_regions", "area", "target_roles", "ack_minutes", "source", "forecast", "alarm", "supersedes"],
    select_related=("region", "issuer"),
    workflow=WARNING_FLOW,
    locked_states=frozenset({"published", "updated", "cancelled"}),
    form_widgets={"target_regions": lambda: MapPickWidget("regions"), "area": lambda: MapPickWidget("area"),
                  "target_roles": lambda: CodeListCheckboxes(ContactRole.choices)},
    # A new warning takes effect now (to the minute) and runs for a day unless the drafter says otherwise.
    defaults={"effective": lambda: timezone.localtime().replace(second=0, microsecond=0),
              "expires": lambda: timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(days=1)},
    record_links=[("叫应看板", "warning_board"), ("CAP 1.2 报文", "warning_cap"), ("登记为事件", "incident_from_warning")],
    documents={"cap": CAP_DOCUMENT},  # also GET /api/warnings/<id>/documents/cap/
    page_links=[("导入 CAP 预警", "warning_cap_import", "add")],
    example={"event_type": "rainstorm", "level": "orange", "title": "暴雨橙色预警",
             "content": "预计未来6小时降雨量将达50毫米以上",
             "effective": "2026-11-22T08:00:00+08:00", "expires": "2099-11-23T08:00:00+08:00"},
    description="预警信息发布：拟稿 → 审核 → 发布（按区域和人群精准推送，站内/短信/邮件）→ 叫应确认、"
                "超时重发并告知上级 → 更新或解除；每条预警可导出 OASIS CAP 1.2 报文。",
))
