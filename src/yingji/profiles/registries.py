from yingji.core.framework.registry import Registry, get_registry, register
from yingji.profiles import tagrules
from yingji.profiles.models import EnterpriseTag, TagKind, TagRule

GROUP = "监管执法"


def _rule_summary(r):
    try:
        text = tagrules.parse(r.expression).text()
    except ValueError as exc:
        text = f"规则有误：{exc}"
    run = (f"{r.last_run_at:%Y-%m-%d %H:%M} 计算，命中 {r.matched} 家" if r.last_run_at else "尚未计算")
    out = [("规则", [text, f"来源：{r.source}" + ("" if r.confirmed else "（未核实）")]), ("最近计算", [run])]
    if r.skipped:
        out.append(("未运行", [r.skipped]))
    return out


def _facts(t) -> list[str]:
    rows = t.facts if isinstance(t.facts, list) else []
    return [f"{f.get('label', '')}：{f.get('value', '')}（条件：{f.get('need', '')}）" for f in rows if isinstance(f, dict)]


def _tag_summary(t):
    if t.kind == TagKind.RULE and t.rule_id:
        try:
            rule = tagrules.parse(t.rule.expression).text()
        except ValueError:
            rule = t.rule.label
        return [("规则", [rule]), ("依据事实", _facts(t) or ["—"]),
                ("标记", [f"{t.since:%Y-%m-%d %H:%M} 起符合规则（规则每6小时重算，不再符合时自动去掉）"])]
    who = t.tagged_by.display_name if t.tagged_by_id else "—"
    return [("人工标签", [f"{who} 于 {t.created_at:%Y-%m-%d %H:%M} 标记", f"理由：{t.reason or '—'}"])]


def _rule_tag_refusal(user, t):
    if t.kind == TagKind.RULE:
        return "规则标签由规则自动计算，不能手工修改或删除；请修改或停用规则"
    return None


register(Registry(
    model=TagRule, slug="tag-rules", menu_group=GROUP, code_fields=("code",), icon="⚑",
    list_fields=["code", "label", "enabled", "matched", "last_run_at", "skipped", "source"],
    search_fields=["code", "label", "description"], filter_fields=["enabled", "confirmed", "region"],
    natural_key=("code",), select_related=("region",),
    form_fields=["code", "label", "colour", "region", "description", "expression", "enabled", "source", "source_date",
                 "confirmed"],
    summary=_rule_summary,
    example={"expression": {"count": "hazards", "where": {"state": "overdue"}, "label": "逾期隐患"}},
    description="企业标签的规则：字段条件和关联记录计数（可带时间窗口）用“并且/或者”组合；后台每6小时重算一次，"
                "每个标签列明规则和依据事实。依赖其他应用字段的规则（如“是否投保”），字段未提供时暂不运行。",
))
register(Registry(
    model=EnterpriseTag, slug="enterprise-tags", menu_group=GROUP, code_fields=("code",), icon="🏷",
    list_fields=["organization", "label", "kind", "since", "reason", "tagged_by"],
    search_fields=["label", "organization__name", "organization__credit_code"],
    filter_fields=["kind", "code", "region"], natural_key=("id",),
    select_related=("organization", "rule", "tagged_by"), form_fields=["organization", "label", "reason"],
    summary=_tag_summary, summarised_fields=("facts",), refusal=_rule_tag_refusal,
    example={"label": "重点关注", "reason": "群众多次举报"},
    description="企业标签：规则标签由规则计算（显示规则和依据事实）；人工标签由乡镇、科室按需标记，写明理由。"
                "单位列表、隐患等列表和地图可按标签筛选，标签魔方按乡镇统计。",
))


def link_profile_from_organization_page():
    """The organization record page's button to the 360 profile (an added record link, no core edit)."""
    orgs = get_registry("organizations")
    if orgs is not None and ("企业全息档案", "profiles_by_pk") not in orgs.record_links:
        orgs.record_links.append(("企业全息档案", "profiles_by_pk"))


link_profile_from_organization_page()
