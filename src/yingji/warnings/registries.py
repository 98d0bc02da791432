import datetime

from django.utils import timezone

from yingji.core.directory.choices import ContactRole
from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.core.framework.widgets import CodeListCheckboxes, MapPickWidget
from yingji.warnings.documents import CAP_DOCUMENT
from yingji.warnings.models import CapColourRule, CapFeed, CapMessage, Warning
from yingji.warnings.workflow import WARNING_FLOW

register(Registry(
    model=Warning, slug="warnings", menu_group="监测预警", icon="📢",
    list_fields=["code", "title", "event_type", "level", "state", "effective", "expires", "region"],
    search_fields=["code", "title", "content"],
    filter_fields=["state", "level", "event_type", "source", "region"],
    natural_key=("code",),
    form_fields=["event_type", "level", "title", "content", "measures", "effective", "expires", "issuer", "region",
                 "target_regions", "area", "target_roles", "ack_minutes", "cap_status", "source", "forecast", "alarm",
                 "supersedes"],
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
    page_links=[("导入 CAP 预警", "warning_cap_import", "add"), ("外部预警", "warning_external", "view")],
    example={"event_type": "rainstorm", "level": "orange", "title": "暴雨橙色预警",
             "content": "预计未来6小时降雨量将达50毫米以上",
             "effective": "2026-11-22T08:00:00+08:00", "expires": "2099-11-23T08:00:00+08:00"},
    description="预警信息发布：拟稿 → 审核 → 发布（按区域和人群精准推送，站内/短信/邮件）→ 叫应确认、"
                "超时重发并告知上级 → 更新或解除；每条预警可导出 OASIS CAP 1.2 报文。",
))


def _message_summary(m) -> list:
    """The whole message on its page: every info block with its areas, parameters and resources."""
    from yingji.warnings.cap import label, language_label

    a = m.message()
    head = [f"发送方 {a.sender}；标识 {a.identifier}；发送时间 {a.sent}",
            f"性质 {label('status', a.status)}；类型 {label('msgType', a.msgType)}；范围 {label('scope', a.scope)}"
            + (f"；来源 {a.source}" if a.source else "")]
    if m.level_basis:
        head.append(f"预警级别：{m.get_level_display() or '未定'}（{m.level_basis}）")
    if len(m.headline) > Warning._meta.get_field("title").max_length:
        head.append(f"注意：标题 {len(m.headline)} 字，超过本地预警标题的 {Warning._meta.get_field('title').max_length} 字，"
                    "转发时将截短并在内容中保留全文")
    if a.references:
        head.append(f"引用的消息：{a.references}")
    if a.note:
        head.append(f"说明：{a.note}")
    sections = [("CAP 消息", head)]
    for n, i in enumerate(a.infos, 1):
        lines = [f"语言 {language_label(i.lang)}；类别 {'、'.join(label('category', c) for c in i.categories)}；事件 {i.event}",
                 f"紧急程度 {label('urgency', i.urgency)}；严重程度 {label('severity', i.severity)}；"
                 f"确定性 {label('certainty', i.certainty)}"
                 + (f"；应对 {'、'.join(label('responseType', r) for r in i.responseTypes)}" if i.responseTypes else "")]
        lines += [f"{label} {v}" for label, v in (("标题", i.headline), ("内容", i.description), ("防御指引", i.instruction),
                                                  ("生效", i.effective), ("开始", i.onset), ("失效", i.expires),
                                                  ("发布者", i.senderName), ("受众", i.audience), ("网址", i.web),
                                                  ("联系", i.contact)) if v]
        lines += [f"事件代码 {k}={v}" for k, v in i.eventCodes] + [f"参数 {k}={v}" for k, v in i.parameters]
        lines += [f"资源 {r.resourceDesc}（{r.mimeType}）{r.uri or ''}" for r in i.resources]
        for ar in i.areas:
            lines.append(f"区域 {ar.areaDesc}：多边形 {len(ar.polygons)} 个，圆 {len(ar.circles)} 个"
                         + "".join(f"；{k} {v}" for k, v in ar.geocodes))
        sections.append((f"信息块 {n}（{language_label(i.lang)}）", lines))
    return sections


register(Registry(
    model=CapMessage, slug="cap-messages", menu_group="监测预警", icon="⇄",
    list_fields=["sent", "headline", "level", "msg_type", "status", "state", "review", "sender", "region"],
    search_fields=["headline", "event", "sender", "identifier", "area_desc"],
    filter_fields=["outgoing", "review", "state", "status", "msg_type", "level", "region"],
    natural_key=("id",), append_only=True, select_related=("region", "warning", "feed"),
    summary=_message_summary,
    # The message itself is its CAP document (page and GET /api/cap-messages/<id>/documents/cap/) and the
    # summary above; the stored JSON and XML are not shown again as fields or history lines.
    hidden_fields=("alert", "xml"), history_exclude=("alert", "xml"),
    documents={"cap": RecordDocument("CAP 1.2 报文", lambda m: m.xml.encode(), media_type="application/cap+xml",
                                     extension="xml", filename=lambda m: f"cap-message-{m.pk}.xml", inline=True)},
    record_links=[("CAP 1.2 报文", "cap_message_xml"), ("本地预警", "cap_message_warning")],
    example={"sender": "hunan-qxt@example.cn", "identifier": "qx.1", "sent_text": "2026-11-22T08:00:00+08:00",
             "status": "Actual", "msg_type": "Alert", "scope": "Public", "headline": "暴雨橙色预警",
             "alert": {"identifier": "qx.1", "sender": "hunan-qxt@example.cn", "sent": "2026-11-22T08:00:00+08:00",
                       "status": "Actual", "msgType": "Alert", "scope": "Public", "infos": []}},
    page_links=[("导入 CAP 预警", "warning_cap_import", "add"), ("CAP 索引（Atom）", "public_cap_feed", "view")],
    description="外部预警与 CAP 消息：从订阅源或文件导入的 CAP 1.2 消息完整保存"
                "（每个信息块、区域、多边形、圆、地理编码、参数、资源），按发送方+标识+发送时间去重；"
                "更新、解除按所引用的消息作用于原消息。正式和演练预警待复核，可转发为本地拟稿预警；"
                "测试、系统、草稿消息只保存不转发。本平台发出的每条消息（首发、更新、解除）也记在这里。",
))

register(Registry(
    model=CapFeed, slug="cap-feeds", menu_group="监测预警", icon="⟲",
    list_fields=["name", "url", "region", "active", "last_polled_at", "last_result"],
    search_fields=["name", "url"], filter_fields=["active", "region"], natural_key=("id",),
    select_related=("region",),
    example={"name": "长沙市应急管理局预警", "url": "https://yj.changsha.example/public/cap/feed.atom"},
    description="订阅上级、邻县或气象、水利部门的 CAP 源（Atom 索引或单条消息地址）：每 5 分钟自动拉取，"
                "新消息作为外部预警进入接收区划待复核。",
))

register(Registry(
    model=CapColourRule, slug="cap-colour-rules", menu_group="监测预警", icon="◐",
    list_fields=["region", "sender", "severity", "level", "basis"],
    search_fields=["sender", "basis"], filter_fields=["severity", "level", "region"],
    natural_key=("id",), select_related=("region",),
    example={"sender": "cap-pac@canada.ca", "severity": "Moderate", "level": "orange", "basis": "发送方 CAP 规范"},
    description="外部 CAP 消息没有自带级别（级别参数或事件代码中的颜色）时，按发送方和严重程度定颜色。"
                "发送方留空即所有发送方；区划的规则适用于其下级，近者优先。未设置时："
                "特别严重→红、严重→橙、较重→黄、一般→蓝、未知→蓝（并提示复核）。",
))
