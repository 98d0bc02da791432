"""Every state change of the supervision records: enrolling enterprises in the 检查对象名录库, the draw,
scheduling a check under the plan's cap, answering the checklist, findings, evidence photos and
turning a finding into a hidden hazard. Views and operations call these; engines (draw.py, caps.py)
do the arithmetic."""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Subquery
from django.utils import timezone

from yingji.core.framework import services as core_services
from yingji.core.framework.access import in_scope
from yingji.core.framework.operations import Conflict
from yingji.core.models import Organization
from yingji.supervision import caps, draw
from yingji.supervision.choices import BEYOND_CAP, Answer, CheckState, PlanState, Trigger
from yingji.supervision.models import (
    ConflictOfInterest,
    Draw,
    Evidence,
    Finding,
    FrequencyRule,
    Inspection,
    InspectionItem,
    InspectionObject,
    Inspector,
    PlanItem,
)
from yingji.supervision.workflow import MIN_INSPECTORS

RISK_ORDER = ["major", "high", "moderate", "low"]  # the risk app's levels, most severe first


# ---- 检查对象名录库 --------------------------------------------------------------------------------

def risk_levels(org_ids) -> dict[int, str]:
    """Each enterprise's risk level as the risk app has it: the most severe level of its risk points."""
    from yingji.risk.models import RiskPoint

    found: dict[int, str] = {}
    for org_id, level in RiskPoint.objects.filter(organization_id__in=org_ids).exclude(level="") \
            .values_list("organization_id", "level").distinct():
        if org_id not in found or RISK_ORDER.index(level) < RISK_ORDER.index(found[org_id]):
            found[org_id] = level
    return found


def enroll(user, enterprise_class_of=None) -> tuple[int, int]:
    """Put every enterprise in the user's scope into the 检查对象名录库 and refresh every entry's risk
    level from the risk app; returns (added, refreshed). ``enterprise_class_of``: org → class (demo)."""
    core_services._require(user, "add", InspectionObject)
    scoped = Organization.objects.for_user(user).filter(kind="enterprise")
    orgs = list(scoped)
    levels = risk_levels(scoped.values("pk"))
    have = {o.organization_id: o for o in InspectionObject.objects.filter(organization__in=orgs)}
    added = refreshed = 0
    with transaction.atomic(), set_actor(user):
        for org in orgs:
            entry = have.get(org.pk)
            level = levels.get(org.pk, "")
            if entry is None:
                InspectionObject.objects.create(
                    organization=org, region_id=org.region_id, risk_level=level,
                    **({"enterprise_class": enterprise_class_of(org)} if enterprise_class_of else {}))
                added += 1
            elif entry.risk_level != level:
                entry.risk_level = level
                entry.save(update_fields=["risk_level", "updated_at"])
                refreshed += 1
    return added, refreshed


def enterprise_facts(entry: InspectionObject) -> dict:
    return {"enterprise_class": entry.enterprise_class, "risk_level": entry.risk_level,
            "standardization": entry.standardization, "credit_class": entry.credit_class}


def set_credit_classes(classes: dict[int, str]) -> int:
    """Write each enterprise's credit class (organization id → class, computed by an app above this one:
    yingji.credit) into its 名录库 entry, so the frequency rules that name a credit class apply to it.
    Enterprises not in the 名录库 are left alone; returns how many entries changed."""
    changed = 0
    for entry in InspectionObject.objects.filter(organization_id__in=list(classes)):
        code = classes[entry.organization_id] or ""
        if entry.credit_class != code:
            entry.credit_class = code
            entry.save(update_fields=["credit_class", "updated_at"])
            changed += 1
    return changed


# ---- frequency and cap --------------------------------------------------------------------------

def rules_for(region) -> list[caps.Rule]:
    """The frequency rules of ``region`` and the regions above it."""
    segments = [s for s in region.path.split("/") if s]
    paths = ["".join(f"{s}/" for s in segments[:i]) for i in range(1, len(segments) + 1)]
    return [caps.Rule(r.pk, r.frequency_per_year, r.cap_per_year, r.region.path, r.effective_from,
                      r.enterprise_class, r.risk_level, r.standardization, r.credit_class,
                      f"{r.source_document}{r.source_article}")
            for r in FrequencyRule.objects.filter(region__path__in=paths).select_related("region")]


def frequency(item: PlanItem, entry: InspectionObject | None, rules=None) -> caps.Frequency:
    if entry is None:
        return caps.Frequency(item.frequency_per_year, item.cap_per_year, None)
    rules = rules_for(item.plan.region) if rules is None else rules
    return caps.applicable(rules, enterprise_facts(entry), item.frequency_per_year, item.cap_per_year,
                           on=datetime.date(item.plan.year, 1, 1))


def counted(item: PlanItem, year: int, organization=None) -> dict[int, int]:
    """Planned checks (random or key) of each enterprise (or of ``organization``) under this plan item this
    year; cancelled ones and complaint- or accident-driven ones (outside the plan's frequency) not counted."""
    rows = Inspection.objects.filter(plan_item=item, year=year).exclude(state=CheckState.CANCELLED) \
        .exclude(trigger__in=BEYOND_CAP)
    if organization is not None:
        rows = rows.filter(organization=organization)
    rows = rows.values("organization_id").annotate(n=Count("id"))
    return {r["organization_id"]: r["n"] for r in rows}


# ---- scheduling a check --------------------------------------------------------------------------

def _require_published(item: PlanItem):
    if item.plan.state != PlanState.PUBLISHED:
        raise Conflict(f"年度计划“{item.plan}”{item.plan.get_state_display()}，须发布执行后才能抽取和安排检查")


def _check_inspectors(inspectors, organization, on: datetime.date) -> None:
    if len(inspectors) < MIN_INSPECTORS:
        raise ValidationError({"inspectors": f"检查人员不少于 {MIN_INSPECTORS} 名"})
    expired = [str(i) for i in inspectors if i.certificate_expires < on or not i.active]
    if expired:
        raise ValidationError({"inspectors": f"执法证已过期或不在岗，不能派出：{'、'.join(expired)}"})
    conflicted = ConflictOfInterest.objects.filter(inspector__in=inspectors, enterprise=organization)
    if conflicted.exists():
        names = "、".join(str(c.inspector) for c in conflicted.select_related("inspector__person"))
        raise ValidationError({"inspectors": f"与{organization}有利害关系，应当回避：{names}"})


def schedule(user, *, organization, inspectors, trigger, plan_item=None, trigger_note="", scheduled_on=None,
             draw_record=None, rules=None) -> Inspection:
    """Create a check (待检查) with its checklist. A planned check (random or key) needs a published
    plan item and stays within the cap per enterprise per year; a complaint- or accident-driven one may
    go beyond it and is recorded as such (``beyond_cap``)."""
    core_services._require(user, "add", Inspection)
    today = timezone.localdate()
    year = (scheduled_on or today).year
    if trigger in BEYOND_CAP and not trigger_note.strip():
        raise ValidationError({"trigger_note": "投诉举报或事故引起的检查须说明来由（举报编号、事故名称等）"})
    if plan_item is None and trigger not in BEYOND_CAP:
        raise ValidationError({"plan_item": "计划检查须选择年度计划的检查事项"})
    beyond = False
    if plan_item is not None:
        _require_published(plan_item)
        if year != plan_item.plan.year:
            raise ValidationError({"scheduled_on": f"计划检查日期应在计划年度 {plan_item.plan.year} 年内"})
        entry = InspectionObject.objects.filter(organization=organization).first()
        if trigger == Trigger.KEY and not plan_item.key_objects.filter(organization=organization).exists():
            raise ValidationError({"organization": f"{organization}不在本事项的重点检查企业名单中"})
        freq = frequency(plan_item, entry, rules)
        n = counted(plan_item, year, organization).get(organization.pk, 0)
        decision = caps.decide(freq.cap_per_year, n, trigger, BEYOND_CAP, Trigger(trigger).label)
        if not decision.allowed:
            raise Conflict(decision.reason)
        beyond = decision.beyond_cap
    inspectors = list(inspectors)
    _check_inspectors(inspectors, organization, scheduled_on or today)
    inspection = Inspection(organization=organization, region_id=organization.region_id, plan_item=plan_item,
                            draw=draw_record, trigger=trigger, trigger_note=trigger_note.strip(), beyond_cap=beyond,
                            year=year, scheduled_on=scheduled_on, lon=organization.lon, lat=organization.lat)
    if not in_scope(user, inspection):
        raise PermissionDenied("该企业不在您的管辖范围内")
    inspection.full_clean()
    with transaction.atomic(), set_actor(user):
        inspection.save()
        inspection.inspectors.set(inspectors)
        points = plan_item.matter.checklist_items() if plan_item else []
        InspectionItem.objects.bulk_create([
            InspectionItem(inspection=inspection, number=i, text=text[:300], region_id=inspection.region_id,
                           organization_id=inspection.organization_id) for i, text in enumerate(points, 1)])
    return inspection


# ---- the draw ------------------------------------------------------------------------------------

def candidates(user, item: PlanItem, criteria: dict) -> tuple[dict[str, str], list[Inspector], dict]:
    """(enterprises, inspectors, exclusions) for a draw under ``item``: enterprises of the 名录库 in the
    plan's region and the user's scope that match the criteria, are not named key enterprises of this
    item, and have not reached their cap for it this year (credit code → name); inspectors in the
    plan's region, in post, with a certificate valid today; exclusions per enterprise (credit code →
    certificate numbers): declared conflicts and the inspectors of its last check. Rows are read as
    values, not records: a county's 名录库 holds tens of thousands."""
    today = timezone.localdate()
    region = item.plan.region
    objects = (InspectionObject.objects.for_user(user).filter(active=True, region__path__startswith=region.path)
               .exclude(key_plan_items=item))
    for name in ("enterprise_class", "risk_level", "standardization"):
        if criteria.get(name):
            objects = objects.filter(**{f"{name}__in": criteria[name]})
    if criteria.get("township"):
        objects = objects.filter(region__path__startswith=criteria["township"])
    rows = objects.values_list("organization_id", "organization__credit_code", "organization__name",
                               "enterprise_class", "risk_level", "standardization", "credit_class")
    rules = rules_for(region)
    done = counted(item, item.plan.year)
    # An enterprise not yet checked is under any cap of one or more: only those checked, or a cap of 0, need the rules.
    zero_cap = item.cap_per_year == 0 or any(r.cap_per_year == 0 for r in rules)
    on = datetime.date(item.plan.year, 1, 1)
    found: dict[str, str] = {}
    org_codes: dict[int, str] = {}
    cap_of: dict[tuple, int] = {}  # a handful of distinct (class, risk, 标准化, credit) combinations
    for org_id, code, name, *facts in rows:
        n = done.get(org_id, 0)
        if n or zero_cap:
            key = tuple(facts)
            if key not in cap_of:
                cap_of[key] = caps.applicable(rules, dict(zip(caps.CRITERIA, facts, strict=True)),
                                              item.frequency_per_year, item.cap_per_year, on=on).cap_per_year
            if n >= cap_of[key]:
                continue
        found[code] = name
        org_codes[org_id] = code
    inspectors = list(Inspector.objects.for_user(user).filter(
        active=True, certificate_expires__gte=today, region__path__startswith=region.path).select_related("person"))
    exclusions: dict[str, set[str]] = defaultdict(set)
    for org_id, number in ConflictOfInterest.objects.filter(enterprise__region__path__startswith=region.path) \
            .values_list("enterprise_id", "inspector__certificate_number"):
        if org_id in org_codes:
            exclusions[org_codes[org_id]].add(number)
    for org_id, numbers in last_inspectors(region.path).items():
        if org_id in org_codes:
            exclusions[org_codes[org_id]] |= numbers
    return found, inspectors, {k: sorted(v) for k, v in sorted(exclusions.items())}


def last_inspectors(region_path: str) -> dict[int, set[str]]:
    """Each enterprise's (under ``region_path``) last check — the latest made that is not cancelled:
    its inspectors' certificate numbers. Two grouped queries, whatever the number of checks."""
    latest = (Inspection.objects.filter(region__path__startswith=region_path).exclude(state=CheckState.CANCELLED)
              .values("organization_id").annotate(last=Max("id")).values("last"))
    out: dict[int, set[str]] = defaultdict(set)
    through = Inspection.inspectors.through
    for org_id, number in through.objects.filter(inspection_id__in=Subquery(latest)) \
            .values_list("inspection__organization_id", "inspector__certificate_number"):
        out[org_id].add(number)
    return out


def new_seed() -> int:
    return secrets.randbelow(2**32)


def make_draw(user, item: PlanItem, *, n_objects: int, group_size: int = draw.MIN_GROUP, criteria=None,
              seed: int | None = None, scheduled_on=None) -> Draw:
    """Draw enterprises and inspectors for ``item``, log everything the draw ran on, and create one
    check (双随机抽查, 待检查) per enterprise drawn: one transaction."""
    core_services._require(user, "add", Inspection)
    _require_published(item)
    criteria = {k: v for k, v in (criteria or {}).items() if v}
    names, inspectors, exclusions = candidates(user, item, criteria)
    rules = rules_for(item.plan.region)
    seed = new_seed() if seed is None else seed
    by_number = {i.certificate_number: i for i in inspectors}
    try:
        result = draw.run(seed, names, by_number, n_objects, group_size, exclusions, labels=names)
    except draw.DrawError as exc:
        raise Conflict(str(exc)) from None
    drawn = {o.credit_code: o for o in Organization.objects.filter(
        credit_code__in=[a.object_key for a in result.assignments])}
    with transaction.atomic(), set_actor(user):
        record = Draw.objects.create(
            plan_item=item, region_id=item.region_id, drawn_at=timezone.now(), drawn_by=user, algorithm=result.algorithm,
            seed=seed, objects_wanted=n_objects, inspectors_per_check=group_size, criteria=criteria,
            candidate_objects=list(result.objects), candidate_inspectors=list(result.inspectors),
            objects_hash=result.objects_hash, inspectors_hash=result.inspectors_hash,
            exclusions={k: v for k, v in exclusions.items() if k in names}, result=result.as_list())
        schedule_drawn(user, item, record, [(drawn[a.object_key], [by_number[n] for n in a.inspector_keys])
                                            for a in result.assignments], scheduled_on=scheduled_on, rules=rules)
    return record


def schedule_drawn(user, item: PlanItem, record: Draw, assignments, *, scheduled_on=None, rules=None) -> list[Inspection]:
    """The draw's checks (双随机抽查, 待检查), one per (enterprise, inspectors) of ``assignments``, with the
    rules of :func:`schedule` checked in bulk: what the checks share (plan item published, year, the
    inspectors' certificates on the day) once, the caps and conflicts of interest in one query each for
    all of them, one full validation (the fields they share; the enterprises are the 名录库's); then
    written with bulk inserts: the checks with one creation entry each in the change history and their
    inspectors as one entry each (what ``inspectors.set`` writes), the checklists, and the to-do inbox
    told once. A hundred checks took ~24 statements each through ``schedule``."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    core_services._require(user, "add", Inspection)
    _require_published(item)
    if not assignments:
        return []
    today = timezone.localdate()
    on = scheduled_on or today
    if on.year != item.plan.year:
        raise ValidationError({"scheduled_on": f"计划检查日期应在计划年度 {item.plan.year} 年内"})
    everyone = {i.pk: i for _, group in assignments for i in group}
    for _, group in assignments:
        if len(group) < MIN_INSPECTORS:
            raise ValidationError({"inspectors": f"检查人员不少于 {MIN_INSPECTORS} 名"})
    expired = [str(i) for i in everyone.values() if i.certificate_expires < on or not i.active]
    if expired:
        raise ValidationError({"inspectors": f"执法证已过期或不在岗，不能派出：{'、'.join(expired)}"})
    orgs = [o for o, _ in assignments]
    pairs = {(o.pk, i.pk) for o, group in assignments for i in group}
    for org_id, inspector_id in ConflictOfInterest.objects.filter(
            inspector__in=list(everyone), enterprise__in=orgs).values_list("enterprise_id", "inspector_id"):
        if (org_id, inspector_id) in pairs:
            raise ValidationError({"inspectors": f"与{next(o for o in orgs if o.pk == org_id)}有利害关系，应当回避："
                                                 f"{everyone[inspector_id]}"})
    rules = rules_for(item.plan.region) if rules is None else rules
    done = counted(item, on.year)
    entries = {e.organization_id: e for e in InspectionObject.objects.filter(organization__in=orgs)}
    checks = []
    for org, _ in assignments:
        freq = frequency(item, entries.get(org.pk), rules)
        decision = caps.decide(freq.cap_per_year, done.get(org.pk, 0), Trigger.RANDOM, BEYOND_CAP, Trigger.RANDOM.label)
        if not decision.allowed:
            raise Conflict(decision.reason)
        check = Inspection(organization=org, region_id=org.region_id, plan_item=item, draw=record, trigger=Trigger.RANDOM,
                           beyond_cap=decision.beyond_cap, year=on.year, scheduled_on=scheduled_on, lon=org.lon,
                           lat=org.lat)
        if not in_scope(user, check):
            raise PermissionDenied(f"{org}不在您的管辖范围内")
        checks.append(check)
    checks[0].full_clean()  # the fields the checks share; each one's own are the 名录库's enterprise and its place
    with transaction.atomic(), set_actor(user):
        core_services.bulk_create_with_history(user, Inspection, checks)
        through = Inspection.inspectors.through
        through.objects.bulk_create([through(inspection_id=c.pk, inspector_id=i.pk)
                                     for c, (_, group) in zip(checks, assignments, strict=True) for i in group])
        if "inspectors" in auditlog._registry.get(Inspection, {}).get("m2m_fields", ()):
            for c, (_, group) in zip(checks, assignments, strict=True):
                LogEntry.objects.log_m2m_changes(group, c, "add", "inspectors", actor=user)
        points = item.matter.checklist_items()
        InspectionItem.objects.bulk_create([
            InspectionItem(inspection=c, number=n, text=text[:300], region_id=c.region_id,
                           organization_id=c.organization_id) for c in checks for n, text in enumerate(points, 1)])
    return checks


def verify(record: Draw) -> draw.Verification:
    """Re-run a recorded draw from what it logged (seed, sorted lists, exclusions) and compare."""
    return draw.verify(record.seed, record.candidate_objects, record.candidate_inspectors, record.objects_hash,
                       record.inspectors_hash, record.objects_wanted, record.inspectors_per_check, record.exclusions,
                       record.result, record.algorithm)


# ---- on site --------------------------------------------------------------------------------------

def _require_on_site(inspection: Inspection, what: str):
    if inspection.state != CheckState.IN_PROGRESS:
        raise Conflict(f"检查{inspection.get_state_display()}，不能{what}（开始现场检查后才能填写）")


def answer(user, item: InspectionItem, *, answer: str, note: str = "") -> InspectionItem:
    _require_on_site(item.inspection, "填写检查结果")
    if answer == Answer.UNANSWERED:
        raise ValidationError({"answer": "请选择符合、不符合或不适用"})
    if answer == Answer.NONCOMPLIANT and not note.strip():
        raise ValidationError({"note": "不符合的须说明情况"})
    item.answer, item.note = answer, note.strip()
    return core_services.save_instance(user, item)


def add_finding(user, inspection: Inspection, *, description: str, clause: str = "", item=None) -> Finding:
    _require_on_site(inspection, "记录问题")
    if item is not None and item.inspection_id != inspection.pk:
        raise ValidationError({"item": "该检查要点不属于本次检查"})
    finding = Finding(inspection=inspection, item=item, description=description.strip(), clause=clause.strip())
    return core_services.save_instance(user, finding)


def add_evidence(user, inspection: Inspection, *, photo, taken_at=None, lon=None, lat=None, accuracy_m=None,
                 finding=None, note: str = "") -> Evidence:
    """An evidence photo: the file as an attachment of the check, its time and place beside it (the
    device's when the browser gave them, else the upload's time and no place)."""
    _require_on_site(inspection, "拍照取证")
    if finding is not None and finding.inspection_id != inspection.pk:
        raise ValidationError({"finding": "该问题不属于本次检查"})
    if (lon is None) != (lat is None):
        raise ValidationError({"lat": "经纬度须同时填写"})
    now = timezone.now()
    if taken_at is not None and taken_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"taken_at": "拍摄时间晚于当前时间，请检查手机时间"})
    with transaction.atomic():
        evidence = core_services.save_instance(user, Evidence(
            inspection=inspection, finding=finding, taken_at=taken_at or now, lon=lon, lat=lat, accuracy_m=accuracy_m,
            note=note.strip()))
        place = f"，位置 {lat:.6f},{lon:.6f}" if lon is not None else ""
        attachment = core_services.attach_file(
            user, inspection, photo, f"检查取证 {timezone.localtime(evidence.taken_at):%Y-%m-%d %H:%M}{place}")
        Evidence.objects.filter(pk=evidence.pk).update(attachment=attachment)
        evidence.attachment = attachment
    return evidence


def finding_to_hazard(user, finding: Finding, *, grade: str = "general", major_basis: str = "", measures: str = "",
                      deadline=None, responsible_person: str = ""):
    """Make the finding a hidden hazard (政府检查, 上报待核实) of the checked enterprise on the hazards
    closed loop; the hazard links back to the check through the finding."""
    from yingji.hazards.models import Hazard

    if finding.hazard_id:
        raise Conflict(f"该问题已转为隐患（编号 {finding.hazard_id}）")
    inspection = finding.inspection
    if inspection.state not in (CheckState.IN_PROGRESS, CheckState.COMPLETED):
        raise Conflict(f"检查{inspection.get_state_display()}，不能把问题转为隐患")
    core_services._require(user, "add", Hazard)
    org = inspection.organization
    names = "、".join(i.person.name for i in inspection.inspectors.select_related("person"))
    hazard = Hazard(
        title=finding.description[:100], organization=org, region_id=inspection.region_id, place=org.address,
        lon=inspection.lon, lat=inspection.lat, grade=grade, major_basis=major_basis,
        description=f"{finding.description}\n（监督检查发现，检查记录编号 {inspection.pk}"
                    f"{'；违反 ' + finding.clause if finding.clause else ''}）",
        channel="government_inspection", finder=(names or str(user))[:32], responsible_unit=org.name,
        responsible_person=responsible_person or org.safety_manager, measures=measures, deadline=deadline)
    with transaction.atomic():
        hazard = core_services.save_instance(user, hazard)
        finding.hazard = hazard
        with set_actor(user):
            finding.save(update_fields=["hazard", "updated_at"])
    return hazard


# ---- progress against the plan ----------------------------------------------------------------

def progress(plan) -> dict:
    """The plan's progress by month and by unit: per item its planned total (key enterprises named plus
    the random total, times the frequency), checks made each month (completed, by their finish month),
    open and cancelled; and the same by executing unit. Two aggregate queries whatever the size."""
    items = list(plan.items.select_related("matter", "unit").annotate(n_key=Count("key_objects", distinct=True)))
    done = defaultdict(lambda: [0] * 12)
    state_counts = defaultdict(lambda: defaultdict(int))
    rows = (Inspection.objects.filter(plan_item__plan=plan).values("plan_item_id", "state", "finished_at__month")
            .annotate(n=Count("id")))
    for r in rows:
        state_counts[r["plan_item_id"]][r["state"]] += r["n"]
        if r["state"] == CheckState.COMPLETED and r["finished_at__month"]:
            done[r["plan_item_id"]][r["finished_at__month"] - 1] += r["n"]
    out_items, units = [], {}
    for item in items:
        planned = (item.n_key + item.random_total) * item.frequency_per_year
        months = done[item.pk]
        counts = state_counts[item.pk]
        row = {"id": item.pk, "matter": item.matter.name, "unit": item.unit.name, "months": months,
               "planned": planned, "completed": sum(months),
               "open": counts[CheckState.PLANNED] + counts[CheckState.IN_PROGRESS],
               "cancelled": counts[CheckState.CANCELLED],
               "timing": f"{item.start_month}—{item.end_month}月", "joint": item.joint}
        row["percent"] = round(100 * row["completed"] / planned, 1) if planned else None
        out_items.append(row)
        unit = units.setdefault(item.unit_id, {"unit": item.unit.name, "months": [0] * 12, "planned": 0,
                                               "completed": 0, "open": 0})
        unit["months"] = [a + b for a, b in zip(unit["months"], months, strict=True)]
        for key in ("planned", "completed", "open"):
            unit[key] += row[key]
    for unit in units.values():
        unit["percent"] = round(100 * unit["completed"] / unit["planned"], 1) if unit["planned"] else None
    totals = {"planned": sum(r["planned"] for r in out_items), "completed": sum(r["completed"] for r in out_items),
              "months": [sum(r["months"][m] for r in out_items) for m in range(12)]}
    return {"plan": {"id": plan.pk, "title": plan.title, "year": plan.year, "state": plan.state},
            "items": out_items, "units": list(units.values()), "totals": totals}

