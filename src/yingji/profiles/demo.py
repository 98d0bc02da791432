"""The demo county's profile tags (a step of ``yingji.core.framework.demo.load``, after every app whose records
the rules count): the platform's default rules seeded for the county, the job run once over the county's
enterprises, and one manual tag set by the bureau with its reason."""

from __future__ import annotations


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.profiles import services
    from yingji.profiles.models import EnterpriseTag, TagRule

    if not ctx.towns:
        return
    county = ctx.towns[0].parent
    services.seed_rules(county)
    result = services.recompute()
    firm = next((o for o in ctx.orgs if o.kind == "enterprise" and o.industry_code.startswith("C267")), None)
    staff = get_user_model().objects.filter(username="staff").first()
    if firm is not None:
        EnterpriseTag.objects.create(organization=firm, label="节前重点关注", tagged_by=staff,
                                     reason="春节前烟花爆竹生产旺季，列为节前重点检查对象（演示）")
    ctx.facts.append(f"{result['tagged']} 家企业有规则标签")
    hits = "、".join(f"{r.label} {r.matched} 家" for r in TagRule.objects.filter(matched__gt=0).order_by("-matched"))
    skipped = "、".join(r.label for r in TagRule.objects.exclude(skipped=""))
    ctx.lines.append(f"企业全息档案：规则标签 {hits}" + (f"；暂不运行：{skipped}（所需字段尚无应用提供）" if skipped else ""))
