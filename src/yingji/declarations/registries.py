from yingji.core.framework.registry import PointColour, Registry, register
from yingji.declarations.models import Declaration
from yingji.declarations.workflow import DECLARATION_FLOW, HANDLERS

FIELD_LABELS = {"deaths": "死亡", "missing": "失踪", "injured": "受伤", "injured_serious": "其中重伤", "trapped": "被困",
                "affected_population": "受灾人口", "relocated": "紧急转移安置", "need_emergency_relief": "需紧急生活救助",
                "houses_collapsed": "倒塌房屋", "houses_damaged": "损坏房屋", "crop_affected_ha": "农作物受灾（公顷）",
                "crop_lost_ha": "农作物绝收（公顷）", "direct_loss_cny": "直接经济损失（元）"}


def _summary(d):
    from yingji.declarations import rules, services

    x = d.extracted or {}
    kind = (x.get("event_type") or {}).get("value") or "未识别"
    places = "、".join(f"{p['name']}{'' if p.get('code') else '（有歧义）'}" for p in x.get("places", [])) or "未提到地名"
    figures = [f"{FIELD_LABELS.get(name, name)} {v['value']}{v.get('unit') or ''}{'（约）' if v.get('approximate') else ''}"
               f"：“{v.get('text')}”" for name, v in (x.get("figures") or {}).items() if v.get("value") is not None]
    out = [("文字提取", [f"事件类型：{kind}", f"地名：{places}", *(figures or ["没有提取到伤亡和损失数字"])]),
           ("所属区划", [f"{d.region.name}（依据：{d.get_region_source_display()}）"
                       + (f"；定位精度约 {d.accuracy_m} 米" if d.accuracy_m else "")])]
    members = list(services.group(d).exclude(pk=d.pk).order_by("created_at")) if (
        d.duplicate_of_id or d.duplicates.exists()) else []
    if members:
        out.append(("疑似重复", [f"同组还有 {len(members)} 条：" + "、".join(
            f"{m.tracking_code}（{m.get_state_display()}）" for m in members),
            f"判定规则：同一乡镇或相距 {rules.thresholds().distance_m:g} 米内、{rules.thresholds().window_hours:g} 小时内、"
            f"文字相似度 ≥ {rules.thresholds().min_similarity:g}"
            f"（{'平台默认值，尚未经权威文件确认' if not rules.document()['confirmed'] else rules.source()}）"]))
    if d.outcome:
        out.append(("处理结果", [d.outcome]))
    return out


register(Registry(
    model=Declaration, slug="declarations", menu_group="灾情救助", icon="📣",
    list_fields=["tracking_code", "kind", "declarant_kind", "text", "region", "event_type", "duplicate_of", "state",
                 "created_at"],
    search_fields=["tracking_code", "text", "place"],
    filter_fields=["state", "kind", "declarant_kind", "region_source", "region"],
    natural_key=("tracking_code",), form_fields=["contact_name", "contact_phone", "note"],
    select_related=("region", "duplicate_of"),
    allow_create=False, workflow=DECLARATION_FLOW, summary=_summary, summarised_fields=("extracted",),
    personal_fields=("contact_name", "contact_phone"), personal_roles=HANDLERS,
    history_exclude=("client_hash", "extracted"),  # the client's salted hash and the engine's reading: not changes
    point_colour=PointColour("state", {"new": "#d9001b", "incident": "#fa8c16", "disaster": "#1677ff"}, other="#8c8c8c"),
    map_name=("tracking_code", "place"),
    page_links=[("申报地图", "declaration_map", "view"), ("申报页面（公开）", "declare", "view")],
    description="网上申报：群众和社会应急力量在手机上（无需登录）报告的灾情、损失和求助，带照片和位置；"
                "自动提取事件类型、地点和数字，归入乡镇，疑似重复的归为一组；乡镇核实后转为灾情或突发事件。",
))
