"""The rule tags' job and the rules as data.

``recompute`` evaluates every enabled rule over every enterprise (or those given) at once: the
enterprises' own fields in one query, each distinct count condition in one grouped query over all of
them, each fact an app provides in one bulk call; then tagrules.py decides per enterprise and the tags
are written as a difference (new ones created, vanished ones deleted, changed facts updated) in bulk.
A rule testing a fact no installed app provides is skipped, and says so on its record."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from yingji.core.framework import contributions
from yingji.core.framework.registry import get_registry
from yingji.core.models import Organization, Region
from yingji.profiles import conditions, tagrules
from yingji.profiles.models import EnterpriseTag, TagKind, TagRule

DATA = Path(__file__).with_name("data") / "tag-rules.json"
CHUNK = 2000  # rows per bulk write


def provided_facts() -> dict:
    """The facts other apps state about enterprises (contributions.EnterpriseFact), by the name a rule
    tests them under: the fact's key with "_" for "." (``compliance.insured``: ``compliance_insured``)."""
    return {key.replace(".", "_"): fact for key, fact in contributions.enterprise_facts().items()}


def org_fields() -> set[str]:
    return {f.name for f in Organization._meta.concrete_fields}


def count_source(count: tagrules.Count):
    """(model, via) of a count condition, or ValueError: the registry must exist and ``via`` be its
    foreign key to the organization."""
    reg = get_registry(count.source)
    if reg is None:
        raise ValueError(f"没有登记簿 {count.source}")
    try:
        field = reg.model._meta.get_field(count.via)
    except Exception:
        raise ValueError(f"{reg.label}没有字段 {count.via}") from None
    if not (field.many_to_one and field.related_model is Organization):
        raise ValueError(f"{reg.label}的 {count.via} 不是指向单位的外键")
    return reg.model, count.via


def check_rule(expression) -> tagrules.Combine:
    """The parsed rule, or ValueError saying where and why (an unknown registry, field or operator)."""
    node = tagrules.parse(expression)
    for count in tagrules.counts(node):
        model, _ = count_source(count)
        try:
            if count.where is not None:
                conditions.q_of(model, count.where)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"计数“{count.label}”：{exc}") from None
    return node


def missing_facts(node) -> list[str]:
    """Facts the rule tests that neither the organization has nor any installed app provides."""
    provided = provided_facts()
    return sorted(n for n in tagrules.fields(node) if n not in org_fields() and n not in provided)


# ---- the rules as data -------------------------------------------------------------------------

def seed_rules(region: Region) -> list[TagRule]:
    """The platform's default rules (data/tag-rules.json) for the jurisdiction ``region``, unless present."""
    made = []
    for row in json.loads(DATA.read_text(encoding="utf-8"))["rules"]:
        if TagRule.objects.filter(code=row["code"]).exists():
            continue
        rule = TagRule(code=row["code"], label=row["label"], colour=row.get("colour", "#d9001b"), region=region,
                       description=row.get("description", ""), expression=row["when"],
                       enabled=row.get("enabled", True), source=row.get("source", "平台默认（未核实）"),
                       source_date=datetime.date.fromisoformat(row["source_date"]) if row.get("source_date") else None,
                       confirmed=row.get("confirmed", False))
        rule.full_clean()
        rule.save()
        made.append(rule)
    return made


# ---- the job -----------------------------------------------------------------------------------

def _numbers(counts: list[tagrules.Count], org_ids, now, today) -> dict[int, dict[str, int]]:
    """{organization id: {count key: n}}: one grouped query per distinct count condition."""
    out: dict[int, dict[str, int]] = {}
    seen = set()
    for count in counts:
        if count.key in seen:
            continue
        seen.add(count.key)
        model, via = count_source(count)
        qs = model._default_manager.filter(**{f"{via}__isnull": False})
        if count.where is not None:
            qs = qs.filter(conditions.q_of(model, count.where, now, today))
        if org_ids is not None:
            qs = qs.filter(**{f"{via}__in": org_ids})
        for org_id, n in qs.order_by().values(via).annotate(n=Count("pk")).values_list(via, "n"):
            out.setdefault(org_id, {})[count.key] = n
    return out


def recompute(now: datetime.datetime | None = None, organizations=None) -> dict:
    """Re-evaluates every enabled rule; returns {"rules", "skipped", "tagged", "added", "removed", "updated"}.
    ``organizations``: a queryset of organizations to limit the run to (a user's scope), else every
    enterprise. Disabled or skipped rules lose their tags (a tag claims facts that hold now)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = list(TagRule.objects.all())
    active, skipped = [], {}
    for rule in rules:
        if not rule.enabled:
            skipped[rule.pk] = "规则未启用"
            continue
        try:
            node = check_rule(rule.expression)
        except ValueError as exc:
            skipped[rule.pk] = f"规则有误：{exc}"
            continue
        missing = missing_facts(node)
        if missing:
            provided = "、".join(missing)
            skipped[rule.pk] = f"字段 {provided} 尚无应用提供（如企业合规应用未安装），规则暂不运行"
            continue
        active.append((rule, node))
    enterprises = Organization.objects.filter(kind="enterprise")
    if organizations is not None:
        enterprises = enterprises.filter(pk__in=organizations.values("pk"))
    wanted = {n for _, node in active for n in tagrules.fields(node)}
    own = sorted(wanted & org_fields())
    rows = list(enterprises.order_by().values("pk", "region_id", *own))
    org_ids = None if organizations is None else [r["pk"] for r in rows]
    facts_by_org = {r["pk"]: r for r in rows}
    provided = provided_facts()
    for name in sorted(wanted - set(own)):
        values = contributions.resolve(provided[name].provider)([r["pk"] for r in rows])
        for pk, value in values.items():
            if pk in facts_by_org:
                facts_by_org[pk][name] = value
    numbers = _numbers([c for _, node in active for c in tagrules.counts(node)], org_ids, now, today)

    matched: dict[tuple[int, int], list] = {}
    per_rule = {rule.pk: 0 for rule, _ in active}
    for row in rows:
        counted = numbers.get(row["pk"], {})
        for rule, node in active:
            ok, why = tagrules.evaluate(node, row, counted)
            if ok:
                matched[(row["pk"], rule.pk)] = why
                per_rule[rule.pk] += 1
    summary = _write(rules, matched, {r["pk"]: r["region_id"] for r in rows}, now, organizations)
    for rule in rules:
        rule.last_run_at = now
        rule.matched = per_rule.get(rule.pk, 0)
        rule.skipped = skipped.get(rule.pk, "")
    TagRule.objects.bulk_update(rules, ["last_run_at", "matched", "skipped"])
    return {"rules": len(active), "skipped": len(skipped), "tagged": len({o for o, _ in matched}), **summary}


@transaction.atomic
def _write(rules, matched, regions, now, organizations) -> dict:
    """The tags as ``matched`` says, written as a difference in bulk (no per-tag history: a rule tag is
    a computed reading, its rule's run is what changed; ``since`` says when it first held)."""
    by_pk = {r.pk: r for r in rules}
    existing = EnterpriseTag.objects.filter(kind=TagKind.RULE)
    if organizations is not None:
        existing = existing.filter(organization__in=organizations.values("pk"))
    old = {(t[1], t[2]): (t[0], t[3]) for t in existing.values_list("pk", "organization_id", "rule_id", "facts").iterator()}
    gone = [pk for key, (pk, _) in old.items() if key not in matched]
    for i in range(0, len(gone), CHUNK):
        EnterpriseTag.objects.filter(pk__in=gone[i:i + CHUNK]).delete()
    new, changed = [], []
    for (org_id, rule_id), why in matched.items():
        rule = by_pk[rule_id]
        facts = json.loads(json.dumps(why, ensure_ascii=False, default=str))
        if (org_id, rule_id) not in old:
            new.append(EnterpriseTag(organization_id=org_id, region_id=regions[org_id], kind=TagKind.RULE, rule=rule,
                                     code=rule.code, label=rule.label, facts=facts, since=now))
        elif old[(org_id, rule_id)][1] != facts:
            changed.append(EnterpriseTag(pk=old[(org_id, rule_id)][0], facts=facts, label=rule.label))
    EnterpriseTag.objects.bulk_create(new, batch_size=CHUNK)
    EnterpriseTag.objects.bulk_update(changed, ["facts", "label"], batch_size=CHUNK)
    return {"added": len(new), "removed": len(gone), "updated": len(changed)}
