"""Every change of the credit records goes through here: the rules' proposals (listing.py over the
platform's incidents and enforcement cases), the listing procedure's steps with their papers' numbers
and periods, objections, the management period's end, early removal and its revocation, and the credit
classes (classes.py), which are written into supervision's 名录库 so the inspection frequency follows.

``today()`` is the platform's date in Asia/Shanghai; the job and the tests pass their own."""

from __future__ import annotations

import datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core.framework import numbering, workflow
from yingji.core.framework.operations import Conflict
from yingji.core.models import Organization, Region
from yingji.credit import classes, listing, rules
from yingji.credit.choices import IN_FORCE, OPEN, ListingState, RemovalState
from yingji.credit.models import CreditRating, Listing, RemovalApplication
from yingji.credit.workflow import LISTING_FLOW

ACCIDENT_GRADES = ("especially_major", "major", "larger", "general")
DECIDED_CASES = ("decided", "executed", "closed")


def today() -> datetime.date:
    return timezone.localdate()


def since() -> datetime.date:
    """Facts before the 办法 was in force are not read (no listing for what happened before 2023-10-01)."""
    return datetime.date.fromisoformat(rules.effective())


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """``n`` working days after ``day`` (Monday to Friday; public holidays are not known to the platform)."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


# ---- facts ---------------------------------------------------------------------------------------

def _accidents(incidents):
    from yingji.incidents.models import Incident  # noqa: F401  (the records read)

    rows = (incidents.filter(grade__in=ACCIDENT_GRADES, organization__isnull=False).exclude(state="dismissed")
            .values_list("pk", "organization_id", "grade", "occurred_at", "number", "title", "deaths"))
    return [listing.Accident(pk, org, grade, timezone.localtime(at).date(), number, title, deaths)
            for pk, org, grade, at, number, title, deaths in rows]


def _ceiling(discretion: dict) -> Decimal | None:
    highs = [Decimal(f["high"]) for f in (discretion or {}).get("fines", []) if f.get("party") == "unit" and f.get("high")]
    return max(highs) if highs else None


def _cases(cases):
    rows = cases.filter(state__in=DECIDED_CASES, organization__isnull=False).values_list(
        "pk", "organization_id", "state", "discretion_entry", "decided_on", "fine_cny", "discretion", "number", "cause")
    return [listing.Case(pk, org, state, entry, decided, fine, _ceiling(d), number, cause, (d or {}).get("tier", ""))
            for pk, org, state, entry, decided, fine, d, number, cause in rows]


def _scoped(model, user):
    return model.objects.for_user(user) if user is not None else model.objects.all()


# ---- proposals (the rules' job) ------------------------------------------------------------------

def propose(user=None, on: datetime.date | None = None) -> list[Listing]:
    """Run every listing rule that the platform can run over the incidents and cases (in ``user``'s scope,
    or all for the job) and propose each new hit: a 拟列入 listing with the facts that triggered it. The same
    facts never propose twice, and an enterprise with a proposal or a listing of the same case still open
    gets no second one. Who may run it is the declared operation ``credit-listings/run-rules``'s check
    (its permission and roles); the periodic job runs it with no user."""
    from yingji.incidents.models import Incident
    from yingji.supervision.casemodels import EnforcementCase

    hits = listing.evaluate(rules.listing_rules(), _accidents(_scoped(Incident, user)),
                            _cases(_scoped(EnforcementCase, user)), since())
    made = []
    with transaction.atomic(), set_actor(user):
        known = set(Listing.objects.filter(basis_key__in=[h.key[:300] for h in hits]).values_list("basis_key", flat=True))
        open_ = set(Listing.objects.filter(state__in=OPEN).values_list("organization_id", "rule_code"))
        orgs = Organization.objects.in_bulk({h.org_id for h in hits})
        for hit in hits:
            if hit.key[:300] in known or (hit.org_id, hit.rule) in open_:
                continue
            r = rules.rule(hit.rule)
            row = Listing(organization=orgs[hit.org_id], rule_code=r.code, rule_title=r.title,
                          article=r.citation(rules.source()), facts=[f.record() for f in hit.facts],
                          basis_key=hit.key[:300], why=hit.why[:300], proposed_by=user)
            row.save()
            made.append(row)
            known.add(row.basis_key)
            open_.add((hit.org_id, hit.rule))
    return made


# ---- the procedure -------------------------------------------------------------------------------

def _check(user, record, name: str, machine=LISTING_FLOW) -> None:
    """409 before any input is read when the state does not allow ``name`` now."""
    why = machine.refusal(record.state, name, workflow.user_roles(user), {}, None)
    if why and "须填写" not in why:
        raise Conflict(why)


def _paper_number(kind: str, word: str, listing_: Listing, on: datetime.date) -> str:
    county = next((r for r in Region.objects.filter(code__in=listing_.region.path.split("/")) if r.level == "county"),
                  None)
    name = (county.name if county else "").removesuffix("市").removesuffix("县").removesuffix("区")
    field = {"notice": "notice_number", "decision": "decision_number"}[kind]
    head = f"{name}应急信{word}〔{on.year}〕"

    def seed() -> int:
        return max([numbering.highest([v.removesuffix("号")], head) for v in
                    Listing.objects.filter(**{f"{field}__startswith": head}).values_list(field, flat=True)], default=0)

    series = f"{county.code if county else ''}-{on.year}"
    return f"{head}{numbering.next_serial(f'credit.{kind}', series, seed)}号"


def default_issuer(listing_: Listing) -> str:
    county = next((r for r in Region.objects.filter(code__in=listing_.region.path.split("/")) if r.level == "county"),
                  None)
    return f"{county.name}应急管理局" if county else "应急管理局"


def notify(user, row: Listing, *, issuer: str = "", principal_name: str = "", comment: str = ""):
    _check(user, row, "notify")
    Listing.objects.filter(pk=row.pk).update(issuer=(issuer.strip() or row.issuer or default_issuer(row)),
                                             principal_name=principal_name.strip() or row.principal_name)
    row.refresh_from_db()
    return workflow.apply(user, row, "notify", comment=comment)


def record_statement(user, row: Listing, *, statement: str, stated_on=None):
    if row.state != ListingState.NOTIFIED:
        raise Conflict(f"当前状态为“{row.get_state_display()}”，只有已告知的可以登记陈述申辩")
    stated_on = stated_on or today()
    if stated_on > today():
        raise ValidationError({"stated_on": "陈述申辩日期不能晚于今天"})
    if stated_on < row.notified_on:
        raise ValidationError({"stated_on": "陈述申辩日期不能早于告知日期"})
    with set_actor(user):
        row.statement, row.statement_on = statement.strip(), stated_on
        row.save(update_fields=["statement", "statement_on", "updated_at"])
    return row


def ready_to_decide(row: Listing) -> str | None:
    if row.statement_on or (row.statement_due and today() > row.statement_due):
        return None
    return (f"陈述申辩期至 {row.statement_due:%Y-%m-%d}：期满或登记当事人的陈述申辩意见后才能决定"
            if row.statement_due else "尚未告知")


def object_to(user, row: Listing, *, objection: str, comment: str = ""):
    _check(user, row, "object")
    if not objection.strip():
        raise ValidationError({"objection": "请填写异议内容"})
    Listing.objects.filter(pk=row.pk).update(objection=objection.strip())
    row.refresh_from_db()
    return workflow.apply(user, row, "object", comment=comment)


def on_transition(row: Listing, name: str, inputs: dict) -> None:
    """What each step writes on the listing (called inside the transition, before it is saved)."""
    day = today()
    if name == "notify":
        row.issuer = row.issuer or default_issuer(row)  # the record page's plain 告知 button passes no issuer
        row.notified_on = day
        row.statement_due = add_working_days(day, rules.period("statement_working_days"))
        row.notice_number = _paper_number("notice", "告", row, day)
    elif name == "decide":
        row.decided_on = day
        row.ends_on = listing.add_months(day, 12 * rules.period("management_years"))
        row.decision_number = _paper_number("decision", "决", row, day)
    elif name == "publish":
        row.published_on = day
    elif name == "object":
        row.objection_on = day
        if inputs.get("comment") and not row.objection:  # the plain button: its comment is the objection
            row.objection = inputs["comment"]
    elif name in ("expire", "remove", "uphold_objection", "dismiss"):
        row.ended_on = day
    elif name == "restore":
        row.ended_on = None
    if name in ("decide", "expire", "remove", "restore", "uphold_objection"):
        transaction.on_commit(lambda org=row.organization_id: refresh_classes([org]))


def expire_due(on: datetime.date | None = None) -> int:
    """End every listing whose management period is over (the job)."""
    on = on or today()
    n = 0
    for row in Listing.objects.filter(state__in=IN_FORCE, ends_on__lt=on):
        workflow.apply(None, row, "expire", system=True, comment=f"管理期限至 {row.ends_on:%Y-%m-%d}，期满自动移出")
        n += 1
    return n


# ---- early removal -------------------------------------------------------------------------------

def removal_opens(row: Listing) -> datetime.date | None:
    return listing.add_months(row.decided_on, rules.period("early_removal_months")) if row.decided_on else None


def apply_removal(user, row: Listing, *, conditions: dict, evidence: str, applied_on=None) -> RemovalApplication:
    """受理 an application for early removal: only for a published listing listed at least 12 months, one open
    application at a time, every condition declared and the evidence listed."""
    if row.state != ListingState.PUBLISHED:
        raise Conflict(f"当前状态为“{row.get_state_display()}”，只有已公布、管理期内的名单可以申请提前移出")
    opens = removal_opens(row)
    applied_on = applied_on or today()
    if applied_on > today():
        raise ValidationError({"applied_on": "申请日期不能晚于今天"})
    if applied_on < opens:
        raise Conflict(f"列入满 {rules.period('early_removal_months')} 个月（{opens:%Y-%m-%d} 起）才能申请提前移出")
    if row.removals.filter(state=RemovalState.SUBMITTED).exists():
        raise Conflict("已有一份待审核的提前移出申请")
    missing = [c["label"] for c in rules.removal_conditions() if not conditions.get(c["key"])]
    if missing:
        raise ValidationError({"conditions": f"不满足提前移出的条件：{'；'.join(missing)}"})
    if not evidence.strip():
        raise ValidationError({"evidence": "请列明证据材料"})
    app = RemovalApplication(listing=row, applied_on=applied_on, evidence=evidence.strip(), received_by=user,
                             conditions={c["key"]: bool(conditions.get(c["key"])) for c in rules.removal_conditions()})
    with set_actor(user):
        app.save()
    return app


def on_removal_transition(app: RemovalApplication, name: str, inputs: dict, actor) -> None:
    app.reviewed_on = today()
    row = app.listing
    if name == "approve":
        if row.state != ListingState.PUBLISHED:
            raise Conflict(f"名单当前为“{row.get_state_display()}”，不能提前移出")
        workflow.apply(None, row, "remove", system=True, comment=f"提前移出申请 {app.pk} 经审核同意")
    elif name == "revoke":
        if row.state != ListingState.REMOVED:
            raise Conflict(f"名单当前为“{row.get_state_display()}”，不能恢复列入")
        workflow.apply(None, row, "restore", system=True,
                       comment=f"提前移出申请 {app.pk} 弄虚作假，撤销提前移出、恢复列入：{inputs.get('reason', '')}")


# ---- credit classes ------------------------------------------------------------------------------

def class_facts(org_ids, on: datetime.date) -> dict[int, classes.Facts]:
    from yingji.incidents.models import Incident
    from yingji.supervision.casemodels import EnforcementCase
    from yingji.supervision.models import InspectionObject

    org_ids = list(org_ids)
    acc: dict[int, list] = {o: [] for o in org_ids}
    for org, grade, at, deaths in (Incident.objects.filter(organization_id__in=org_ids, grade__in=ACCIDENT_GRADES)
                                   .exclude(state="dismissed").values_list("organization_id", "grade", "occurred_at", "deaths")):
        acc[org].append(classes.AccidentFact(grade, timezone.localtime(at).date(), deaths))
    pen: dict[int, list] = {o: [] for o in org_ids}
    for org, day in EnforcementCase.objects.filter(organization_id__in=org_ids, state__in=DECIDED_CASES) \
            .exclude(decided_on=None).values_list("organization_id", "decided_on"):
        pen[org].append(day)
    listed = set(Listing.objects.filter(organization_id__in=org_ids, state__in=IN_FORCE).values_list("organization_id",
                                                                                                        flat=True))
    ended: dict[int, list] = {o: [] for o in org_ids}
    for org, day in Listing.objects.filter(organization_id__in=org_ids, state__in=(ListingState.EXPIRED,
                                                                                     ListingState.REMOVED)) \
            .exclude(ended_on=None).values_list("organization_id", "ended_on"):
        ended[org].append(day)
    std = dict(InspectionObject.objects.filter(organization_id__in=org_ids).values_list("organization_id",
                                                                                        "standardization"))
    return {o: classes.Facts(o in listed, std.get(o, ""), tuple(acc[o]), tuple(pen[o]), tuple(ended[o])) for o in org_ids}


def refresh_classes(org_ids=None, on: datetime.date | None = None) -> dict[int, str]:
    """Compute the class of each enterprise (all enterprises when ``org_ids`` is None), keep it with its
    reasons, and write it into supervision's 名录库 (InspectionObject.credit_class) so the frequency rules
    that name a credit class apply."""
    from yingji.supervision import services as supervision

    on = on or today()
    scheme = rules.class_scheme()
    orgs = Organization.objects.filter(kind="enterprise")
    if org_ids is not None:
        orgs = orgs.filter(pk__in=list(org_ids))
    orgs = list(orgs.values_list("pk", "region_id"))
    facts = class_facts([o for o, _ in orgs], on)
    have = {r.organization_id: r for r in CreditRating.objects.filter(organization_id__in=[o for o, _ in orgs])}
    out = {}
    with transaction.atomic():
        for org, region in orgs:
            c = classes.classify(scheme, facts[org], on)
            out[org] = c.code
            row = have.get(org)
            if row is None:
                CreditRating.objects.create(organization_id=org, region_id=region, credit_class=c.code,
                                            reasons=list(c.reasons), scheme=scheme["name"], computed_on=on)
            elif (row.credit_class, row.reasons) != (c.code, list(c.reasons)):
                row.credit_class, row.reasons, row.computed_on = c.code, list(c.reasons), on
                row.save(update_fields=["credit_class", "reasons", "computed_on", "updated_at"])
        supervision.set_credit_classes(out)
    return out
