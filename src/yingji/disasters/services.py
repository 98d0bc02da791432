"""Every state change of disaster statistics: opening a report round, entries from villages and
townships, roll-up, submission with the plausibility checks, clocks, the incident link and the
county → city submission. The rules and the arithmetic are dis-engine's pure modules (catalogue,
checks, clocks, rollup, changes, namedlists); this module reads and writes the records around them."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from yingji.core.framework import workflow
from yingji.core.framework.access import effective_region, has_global_scope
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.disasters import catalogue, changes, checks, clocks, rollup
from yingji.disasters.choices import Casualty, EventState, ReportKind, ReportLevel, ReportState
from yingji.disasters.models import (
    TEXT_PARTS,
    CasualtyRow,
    DisasterDeadline,
    DisasterEvent,
    DisasterReport,
    DisasterRule,
)

DONE = (ReportState.SUBMITTED, ReportState.ACCEPTED)
OPEN_KIND = {ReportKind.INITIAL: "open_initial", ReportKind.FOLLOWUP: "open_followup", ReportKind.FINAL: "open_final"}


def rules() -> catalogue.Rules:
    """The national rules: disaster types and indicators (the same everywhere), and the national
    defaults of the clocks and checks. What one event runs on is ``rules_for`` its county."""
    return catalogue.national()


def rules_for(region: Region | None) -> catalogue.Rules:
    """The rules in force in ``region``: the national defaults with the values of the province, city
    and county above it or at it (DisasterRule), the nearest region's value winning for each key."""
    if region is None:
        return rules()
    codes = region.path.split("/")
    rows = sorted(DisasterRule.objects.filter(region__code__in=codes).select_related("region"),
                  key=lambda r: len(r.region.path))
    if not rows:
        return rules()
    return rules().with_overrides(catalogue.local_overrides(
        {"key": r.key, "value": r.value, "source": r.source, "article": r.article,
         "date": r.effective.isoformat() if r.effective else "", "confirmed": r.confirmed, "note": r.note}
        for r in rows))


def event_rules(event: DisasterEvent) -> catalogue.Rules:
    """The rules an event's clocks and checks run on: those of its region (the county; for a copy
    received from below, the level that received it)."""
    return rules_for(event.region)


# ---- figures as stored: counts as whole numbers, areas and money as exact decimal text ---------------

def to_numbers(stored: dict) -> dict:
    """A report's stored figures as numbers for the engines (ints, Decimals)."""
    inds = rules().indicators
    out = {}
    for code, value in (stored or {}).items():
        if value is None or value == "":
            continue
        ind = inds.get(code)
        out[code] = int(value) if ind is not None and ind.stored_as == "count" else Decimal(str(value))
    return out


def to_stored(numbers: dict) -> dict:
    inds = rules().indicators
    return {code: (int(v) if inds[code].stored_as == "count" else format(Decimal(v).normalize(), "f"))
            for code, v in numbers.items() if v is not None and code in inds}


def parse_figures(raw: dict) -> tuple[dict, dict]:
    """Figures as a form or the API gives them (money in 万元, text or numbers) → (stored numbers,
    errors by indicator code)."""
    inds = rules().indicators
    out, errors = {}, {}
    for code, value in (raw or {}).items():
        if value is None or str(value).strip() == "":
            continue
        ind = inds.get(code)
        if ind is None:
            errors[code] = f"未知指标 {code}"
            continue
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            errors[code] = f"「{rules().name(code)}」应为数字"
            continue
        if ind.stored_as == "yuan":
            number = number * catalogue.YUAN_PER_WAN  # the form speaks 万元; kept in yuan (decision 0012)
        if ind.stored_as == "count":
            if number != number.to_integral_value():
                errors[code] = f"「{rules().name(code)}」应为整数"
                continue
            number = int(number)
        out[code] = number
    return out, errors


def shown_figure(code: str, value):
    """A stored figure as the form and pages show it (money in 万元)."""
    if value is None:
        return None
    if rules().indicators[code].stored_as == "yuan":
        return catalogue.yuan_to_wan(Decimal(str(value))).normalize()
    return value


# ---- events: created, clocks kept --------------------------------------------------------------------

@receiver(post_save, sender=DisasterEvent)
def _event_saved(sender, instance, created, **kwargs):
    if not kwargs.get("raw"):
        transaction.on_commit(lambda: sync_clocks(instance.pk)) if not created else sync_clocks(instance.pk)


@receiver(m2m_changed, sender=DisasterEvent.townships.through)
def _townships_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, DisasterEvent):
        sync_clocks(instance.pk)


@receiver(post_save, sender=DisasterRule)
def _rule_saved(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        _rule_changed(instance)


@receiver(post_delete, sender=DisasterRule)
def _rule_deleted(sender, instance, **kwargs):
    _rule_changed(instance)


def _rule_changed(rule: DisasterRule) -> None:
    """A jurisdiction's rule set, changed or taken away: the open clocks of the events under it move
    to what the rules say now (clocks met stay as they were)."""
    ids = list(DisasterEvent.objects.exclude(state=EventState.CLOSED)
               .filter(region__path__startswith=rule.region.path).values_list("pk", flat=True))
    transaction.on_commit(lambda: [sync_clocks(pk) for pk in ids])


def facts(event: DisasterEvent) -> clocks.EventFacts:
    latest = latest_county_report(event)
    figures = to_numbers(latest.figures) if latest else {}
    towns = {t.name: event.learned_at for t in event.townships.all()}
    return clocks.EventFacts(
        learned_at=event.learned_at, drought=event.disaster_type == "drought",
        deaths_missing=int(figures.get("deaths", 0)) + int(figures.get("missing", 0)),
        township_learned_at=towns, major_since=event.learned_at if event.major else None,
        stable_at=event.stable_at, levels=("city",) if event.received_from else ("county",))


def sent_times(event: DisasterEvent) -> dict[str, datetime.datetime]:
    return dict(event.deadlines.filter(done_at__isnull=False).values_list("key", "done_at"))


def sync_clocks(event_id: int, now=None) -> None:
    """Create or move the event's clocks to what the rules say now; clocks met stay as they were."""
    event = DisasterEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    now = now or timezone.now()
    sent = sent_times(event)
    want = {d.key: d for d in clocks.deadlines(facts(event), sent, event_rules(event).clocks, now)}
    have = {d.key: d for d in event.deadlines.all()}
    for key, d in want.items():
        row = have.get(key)
        if row is None:
            DisasterDeadline.objects.create(event=event, key=key, label=d.label[:80], due_at=d.due)
        elif row.done_at is None and row.due_at != d.due:
            DisasterDeadline.objects.filter(pk=row.pk).update(due_at=d.due, label=d.label[:80])
    stale = [row.pk for key, row in have.items() if key not in want and row.done_at is None]
    DisasterDeadline.objects.filter(pk__in=stale).delete()  # no longer required (越级 below the threshold)


def mark_sent(event: DisasterEvent, keys: list[str], at=None) -> None:
    at = at or timezone.now()
    for key in keys:
        row, _ = DisasterDeadline.objects.get_or_create(event=event, key=key, defaults={"label": key, "due_at": at})
        if row.done_at is None:
            DisasterDeadline.objects.filter(pk=row.pk).update(done_at=at)
    sync_clocks(event.pk, now=at)


def clock_states(event: DisasterEvent, now=None):
    """[(deadline row, ClockState)] for the event page's countdowns."""
    from yingji.incidents.deadlines import Deadline, clock

    now = now or timezone.now()
    remind = event_rules(event).clocks.remind_before
    return [(d, clock(Deadline(d.key, d.label, d.due_at), now, d.done_at, remind)) for d in event.deadlines.all()]


def due_for(report: DisasterReport):
    """The clock a waiting report answers: its township's 1 hour, or the county's open report clock."""
    open_ = DisasterDeadline.objects.filter(event_id=report.event_id, done_at__isnull=True)
    if report.level == ReportLevel.TOWNSHIP:
        open_ = open_.filter(key=f"township:{report.unit_name}")
    elif report.level == ReportLevel.VILLAGE and report.parent_id:
        open_ = open_.filter(key=f"township:{report.parent.unit_name}")
    else:
        open_ = open_.filter(key__startswith=_county_key_prefix(report.kind))
    return open_.order_by("due_at").values_list("due_at", flat=True).first()


def _county_key_prefix(kind: str) -> str:
    return {ReportKind.INITIAL: "initial:", ReportKind.FOLLOWUP: "followup-", ReportKind.FINAL: "final:"}[kind]


# ---- report rounds ----------------------------------------------------------------------------------

def latest_county_report(event: DisasterEvent, *, done_only: bool = False) -> DisasterReport | None:
    qs = event.reports.filter(level=ReportLevel.COUNTY)
    if done_only:
        qs = qs.filter(state__in=DONE)
    return qs.order_by("-sequence").first()


def previous_of(report: DisasterReport) -> DisasterReport | None:
    """The same unit's report in the round before (what a 续报 copies forward and is compared with)."""
    return (DisasterReport.objects.filter(event_id=report.event_id, region_id=report.region_id,
                                          sequence__lt=report.sequence).order_by("-sequence").first())


def open_report(user, event: DisasterEvent, kind: str) -> DisasterReport:
    """Open the next report of the event: the county's report and a draft per affected township, each
    starting from its previous figures (copy-forward). The event's machine refuses a kind out of order
    (409): a 续报 before the 初报, a 核报 before 灾情稳定 or a second one."""
    if event.received_from:
        raise Conflict("这是下级报送的事件副本，由下级平台报告")
    last = latest_county_report(event)
    if last is not None and last.state not in DONE:
        raise Conflict(f"{last.get_kind_display()}（第{last.sequence}报）尚未提交，请先提交再起草下一报")
    workflow.apply(user, event, OPEN_KIND[kind], system=True)  # out of order: the machine's refusal, 409
    event.refresh_from_db()
    sequence = (last.sequence + 1) if last else 1
    county = _new_report(user, event, kind, sequence, ReportLevel.COUNTY, event.region, None)
    for town in event.townships.all():
        _new_report(user, event, kind, sequence, ReportLevel.TOWNSHIP, town, county)
    return county


def _new_report(user, event, kind, sequence, level, region, parent) -> DisasterReport:
    report = DisasterReport(event=event, kind=kind, sequence=sequence, level=level, region=region, parent=parent,
                            created_by=user if user is not None and user.is_authenticated else None)
    before = (DisasterReport.objects.filter(event=event, region=region, sequence__lt=sequence)
              .order_by("-sequence").first())
    if before is not None:  # copy-forward: the previous report's figures and text
        report.figures = changes.copy_forward({"": before.figures})[""]
        report.breakdown = before.breakdown
        for part in TEXT_PARTS:
            setattr(report, part, getattr(before, part))
    with set_actor(user):
        report.save()
    return report


def entry_for(user, event: DisasterEvent) -> DisasterReport:
    """The report the user's own unit owes in the event's current round: a village's entry (made on
    first use, from its previous figures) or the township's."""
    county = latest_county_report(event)
    if county is None or event.state in (EventState.NEW, EventState.CLOSED):
        raise Conflict("本事件当前没有需要填报的报告（县级尚未起草初报，或已核报）")
    if county.state in DONE:
        raise Conflict(f"第{county.sequence}报县级已提交，请等县级起草下一报后再填报")
    unit = effective_region(user)
    if unit is None or has_global_scope(user) or unit.level not in ("village", "township"):
        raise PermissionDenied("只有村（社区）和乡镇（街道）账号在这里填报本单位的灾情")
    town = unit if unit.level == "township" else unit.parent
    town_report = DisasterReport.objects.filter(event=event, sequence=county.sequence, region=town).first()
    if town_report is None:  # a township not listed yet reports too: it joins the event
        event.townships.add(town)
        town_report = _new_report(user, event, county.kind, county.sequence, ReportLevel.TOWNSHIP, town, county)
        sync_clocks(event.pk)
    if unit.level == "township":
        return town_report
    mine = DisasterReport.objects.filter(event=event, sequence=county.sequence, region=unit).first()
    return mine or _new_report(user, event, county.kind, county.sequence, ReportLevel.VILLAGE, unit, town_report)


def save_entry(user, report: DisasterReport, figures: dict, text: dict | None = None) -> DisasterReport:
    """Keep what was typed (a draft): figures, and the 文字说明 parts given."""
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(f"报告已{report.get_state_display()}，不能修改")
    report.figures = to_stored(figures)
    for part, value in (text or {}).items():
        if part in TEXT_PARTS and value is not None:
            setattr(report, part, value)
    with set_actor(user):
        report.save()
    return report


def roll_up(user, report: DisasterReport) -> DisasterReport:
    """A township's figures from its villages' submitted entries; the county's from its townships'
    (each township's figures kept in ``breakdown``, as the 制度 asks the county to report them)."""
    if report.level == ReportLevel.VILLAGE:
        raise Conflict("村（社区）的报告没有下级可汇总")
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(f"报告已{report.get_state_display()}，不能重新汇总")
    below = list(report.entries.filter(state__in=DONE).order_by("unit_code"))
    if not below:
        raise Conflict("下级尚无已提交的报告可汇总")
    rows = {r.unit_name: to_numbers(r.figures) for r in below}
    if report.level == ReportLevel.COUNTY:
        total = rollup.county_report(rows)[rollup.COUNTY]
    else:
        total = rollup.township_figures(rows)
    report.figures = to_stored(total)
    report.breakdown = [{"code": r.unit_code, "name": r.unit_name, "figures": r.figures} for r in below]
    with set_actor(user):
        report.save()
    return report


# ---- submission ----------------------------------------------------------------------------------------

def findings(report: DisasterReport, figures: dict | None = None) -> list[checks.Finding]:
    """Every plausibility finding of the report as it would be sent: its figures, the change since its
    unit's previous report, the named list, and at county level the 文字说明 and photos."""
    r = event_rules(report.event)
    figures = to_numbers(report.figures) if figures is None else figures
    where = report.unit_name if report.level != ReportLevel.COUNTY else checks.COUNTY
    out = checks.check_figures(figures, r, where)
    if report.level == ReportLevel.COUNTY:
        for row in report.breakdown or []:
            out += checks.check_figures(to_numbers(row["figures"]), r, row["name"])
    before = previous_of(report)
    if before is not None:
        out += checks.check_changes({where: to_numbers(before.figures)}, {where: figures}, r)
    if not report.event.received_from:
        listed = named_list_counts(report)
        out += checks.check_named_list(figures, listed[Casualty.DEAD], listed[Casualty.MISSING], r, where)
    if report.level == ReportLevel.COUNTY and not report.event.received_from:
        out += checks.check_text(report.text_parts(), response_active=report.event.response_active,
                                 photos=photo_count(report), rules=r)
    return out


def named_list_counts(report: DisasterReport) -> dict[str, int]:
    rows = CasualtyRow.objects.filter(event_id=report.event_id, region__path__startswith=report.region.path)
    counts = {Casualty.DEAD: 0, Casualty.MISSING: 0}
    for status in rows.values_list("status", flat=True):
        counts[status] += 1
    return counts


def photo_count(report: DisasterReport) -> int:
    from django.contrib.contenttypes.models import ContentType

    from yingji.core.framework.models import Attachment

    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(report), object_id=str(report.pk),
                                     mime_type__startswith="image/").count()


def explanation_field(finding: checks.Finding) -> str:
    return f"explain_{finding.code}" + (f"__{finding.township}" if finding.township else "")


def submit(user, report: DisasterReport, figures: dict | None = None, text: dict | None = None,
           explanations: dict | None = None) -> DisasterReport:
    """提交 to the level above: the figures given are kept, then checked. An error refuses on its
    figure's field (400); a cumulative figure that fell or jumped refuses on its explanation field
    until a written explanation is given, which is kept with the report."""
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(f"报告已{report.get_state_display()}，不能再次提交")
    if figures is not None or text:
        save_entry(user, report, figures if figures is not None else to_numbers(report.figures), text)
    given = {k: v.strip() for k, v in (explanations or {}).items() if isinstance(v, str) and v.strip()}
    found = findings(report)
    errors: dict[str, list[str]] = {}
    kept = {}
    for f in found:
        key = explanation_field(f)
        if f.kind == "explain":
            if given.get(key) or given.get(f.code):
                kept[key] = given.get(key) or given.get(f.code)
                continue
            errors.setdefault(key, []).append(f.message)
        else:
            field = f"f_{f.code}" if f.code in rules().indicators else (f.code if f.code in TEXT_PARTS else "__all__")
            errors.setdefault(field, []).append(f.message)
    if errors:
        raise ValidationError({k if k != "__all__" else "__all__": v for k, v in errors.items()})
    report.explanations = kept
    with set_actor(user):
        report.save()
    workflow.apply(user, report, "submit", comment="；".join(f"{k}：{v}" for k, v in kept.items())[:2000])
    report.refresh_from_db()
    _after_submit(user, report)
    return report


def _after_submit(user, report: DisasterReport) -> None:
    event = report.event
    at = report.submitted_at or timezone.now()
    if report.level == ReportLevel.TOWNSHIP:
        mark_sent(event, [f"township:{report.unit_name}"], at)
    if report.level != ReportLevel.COUNTY or event.received_from:
        return
    keys = {ReportKind.INITIAL: ["initial:county"], ReportKind.FINAL: ["final:county"]}.get(report.kind)
    if report.kind == ReportKind.FOLLOWUP:
        open_followup = event.deadlines.filter(key__startswith="followup-", done_at__isnull=True).order_by("due_at").first()
        keys = [open_followup.key] if open_followup else []
    figures = to_numbers(report.figures)
    if int(figures.get("deaths", 0)) + int(figures.get("missing", 0)) >= event_rules(event).clocks.skip_level_threshold:
        keys += ["skip:province", "skip:ministry"]  # the county's report goes straight up as well (越级)
    mark_sent(event, keys, at)
    if report.kind == ReportKind.FINAL:
        workflow.apply(user, event, "close", system=True)
    feed_incident(user, report)


def check_receiver(user, report: DisasterReport) -> str | None:
    """Who may accept or send back a report: the level above its unit (a township's user for a
    village, the county for a township, the city for the county), never the unit itself."""
    if has_global_scope(user):
        return None
    mine = effective_region(user)
    if report.event.received_from and mine is not None and report.region.path.startswith(mine.path):
        return None  # a copy received from below: the level holding it accepts it
    if mine is None or not report.region.path.startswith(mine.path) or report.region.path == mine.path:
        return "只有上一级单位可以接收或退回本报告"
    return None


# ---- figures taken from other apps' records (取数: 集中安置 from the shelters' registrations) --------------

def figure_sources() -> list:
    """The sources other apps declare for the 灾情 report (``figure_sources`` on their AppConfig)."""
    from yingji.core.framework.contributions import figure_sources as declared

    known = rules().indicators
    return [s for s in declared("disaster-report") if any(c in known for c in s.codes)]


def unit_key(report: DisasterReport) -> str | None:
    """The key a source's figures are under for ``report``'s unit: "" for the county, the township's
    code; None where sources give nothing (a village, a copy received from below)."""
    if report.level == ReportLevel.COUNTY:
        return ""
    if report.level == ReportLevel.TOWNSHIP:
        return report.region.code
    return None


def sourced_figures(report: DisasterReport) -> dict[str, tuple[str, int]]:
    """What the sources give for ``report``'s unit now: {figure code: (source label, number)}."""
    from yingji.core.framework.contributions import resolve

    key = unit_key(report)
    if key is None:
        return {}
    known = rules().indicators
    out = {}
    for source in figure_sources():
        unit = resolve(source.provider)(report.event).get(key, {})
        for code in source.codes:
            if code in known:
                out[code] = (source.label, int(unit.get(code, 0)))
    return out


def take_figures(user, report: DisasterReport, figures: dict | None = None, text: dict | None = None) -> DisasterReport:
    """Save the draft (what was typed, when given) with the sourced figures in place of any typed ones."""
    base = to_numbers(report.figures) if figures is None else dict(figures)
    taken = sourced_figures(report)
    if not taken:
        raise Conflict("本单位的报告没有可取的登记数据")
    base.update({code: value for code, (_, value) in taken.items()})
    report = save_entry(user, report, base, text)
    report.taken_figures = taken  # what the answer reports, without asking the sources again
    return report


# ---- the incident link ----------------------------------------------------------------------------------

INCIDENT_FIGURES = {"deaths": "deaths", "missing": "missing", "relocated_total": "relocated",
                    "houses_collapsed_rooms": "houses_collapsed"}


def feed_incident(user, report: DisasterReport) -> None:
    """The linked incident takes the county report's figures when they are newer than its own, so its
    grade and relief level (incidents.grading, on save) read the 灾情 figures."""
    event = report.event
    if not event.incident_id:
        return
    from yingji.incidents.models import Incident

    incident = Incident.objects.select_for_update().get(pk=event.incident_id)
    if incident.updated_at and report.submitted_at and incident.updated_at > report.submitted_at:
        return
    figures = to_numbers(report.figures)
    for code, name in INCIDENT_FIGURES.items():
        if code in figures:
            setattr(incident, name, int(figures[code]))
    if "direct_loss" in figures:
        incident.direct_loss_cny = Decimal(figures["direct_loss"])
    with set_actor(user):
        incident.save()


def open_from_incident(user, incident, *, name: str = "", disaster_type: str = "") -> DisasterEvent:
    """A natural-disaster incident opens its 灾情事件 with what it already knows: the type its GB/T
    35561 code maps to, the onset date, the county, the township it happened in, and its figures as
    the first figures of the county's draft 初报."""
    if incident.category != "natural":
        raise Conflict("只有自然灾害类突发事件可以开启灾情报送")
    if incident.disaster_events.exists():
        raise Conflict("本事件已开启灾情事件")
    kind = rules().types.get(disaster_type) if disaster_type else rules().type_for_event(incident.event_type)
    if kind is None:
        raise ValidationError({"disaster_type": "该事件类型没有对应的灾种，请选择灾种"})
    region = incident.region
    town = None
    while region.level in ("village", "township") and region.parent_id:
        if region.level == "township":
            town = region
        region = region.parent
    if region.level != "county":
        raise ValidationError({"disaster_type": "事件不在县级区划内，无法按县统计"})
    onset = timezone.localtime(incident.occurred_at).date()
    event = DisasterEvent(name=name or f"{incident.title}（灾情）", disaster_type=kind.code, onset_date=onset,
                          learned_at=incident.received_at, region=region, incident=incident,
                          description=incident.description)
    event.full_clean(exclude=["incident"])
    with set_actor(user):
        event.save()
    if town is not None:
        event.townships.add(town)
    sync_clocks(event.pk)
    county = open_report(user, event, ReportKind.INITIAL)
    known = {"deaths": incident.deaths, "missing": incident.missing, "relocated_total": incident.relocated,
             "houses_collapsed_rooms": incident.houses_collapsed}
    if incident.direct_loss_cny:
        known["direct_loss"] = incident.direct_loss_cny
    county.figures = to_stored({k: v for k, v in known.items() if v})
    county.course = incident.description
    county.relief = incident.measures
    with set_actor(user):
        county.save()
    return event


# ---- the periodic job ------------------------------------------------------------------------------------

REMIND_ROLES = ("duty", "staff", "admin")
ESCALATE_ROLES = ("leader", "duty", "admin")


def run_clocks(now=None) -> dict:
    """Keep every open event's clocks, remind before due and escalate to the duty desk when overdue
    (each deadline once), as incidents' reporting clocks do."""
    from yingji.core.framework.choices import NotificationLevel
    from yingji.core.framework.notify import notify, users_responsible_for

    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    live = DisasterEvent.objects.exclude(state=EventState.CLOSED)
    for event_id in live.filter(major=True).values_list("pk", flat=True):
        sync_clocks(event_id, now)  # the next day's 24小时零报告
    open_ = DisasterDeadline.objects.filter(done_at__isnull=True, event__in=live).select_related("event__region")
    # Each event's reminder window is its county's (remind_before_minutes may be set locally): the
    # widest window picks the candidates, each one is then held to its own county's.
    widest = max([float(rules().clocks.remind_before_minutes)] + [
        float(catalogue.parse_local("remind_before_minutes", v))
        for v in DisasterRule.objects.filter(key="remind_before_minutes").values_list("value", flat=True)])
    windows: dict[int, datetime.timedelta] = {}
    for d in open_.filter(reminded_at__isnull=True, due_at__gt=now,
                          due_at__lte=now + datetime.timedelta(minutes=widest)):
        if d.event.region_id not in windows:
            windows[d.event.region_id] = rules_for(d.event.region).clocks.remind_before
        if d.due_at > now + windows[d.event.region_id]:
            continue
        minutes = int((d.due_at - now).total_seconds() // 60)
        notify(users_responsible_for(d.event, REMIND_ROLES), f"灾情报送即将到期：{d.event.name}",
               body=f"{d.label}还剩 {minutes} 分钟，{timezone.localtime(d.due_at):%H:%M} 前报送",
               url=event_url(d.event), level=NotificationLevel.WARNING, key=f"disaster-deadline-{d.pk}-remind")
        DisasterDeadline.objects.filter(pk=d.pk).update(reminded_at=now)
        counts["reminded"] += 1
    for d in open_.filter(escalated_at__isnull=True, due_at__lte=now):
        notify(users_responsible_for(d.event, ESCALATE_ROLES), f"灾情报送超时：{d.event.name}",
               body=f"{d.label}应于 {timezone.localtime(d.due_at):%m-%d %H:%M} 前报送，现已超时，请值班室督办",
               url=event_url(d.event), level=NotificationLevel.URGENT, key=f"disaster-deadline-{d.pk}-escalate")
        DisasterDeadline.objects.filter(pk=d.pk).update(escalated_at=now, reminded_at=d.reminded_at or now)
        counts["escalated"] += 1
    return counts


def event_url(event) -> str:
    return f"/registry/disaster-events/{event.pk}/"

