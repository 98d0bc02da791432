"""Every change of the compliance records that is not a plain registry edit goes through here: the
jurisdiction's rules, the certificates' computed dates and status, and the alerts — the rules of alerts.py
run over the enterprises' policies, certificates and training hours, opening an alert (a to-do) for each
new finding and clearing (automatically, through the workflow) each one the facts no longer support.

The rules run by the hourly job, by 运行核查 over the user's scope, and after any policy, person,
certificate or training record is saved or deleted (once per transaction, after it commits)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yingji.compliance import alerts, rules
from yingji.compliance.choices import INSURANCE_KINDS, OPEN_STATES, AlertState, CertificateKind, CertStatus, Post
from yingji.compliance.models import Alert, Certificate, ComplianceRule, Policy, Training, Worker
from yingji.core.framework import workflow
from yingji.core.models import Organization, Region
from yingji.core.models import rules_for as jurisdiction_rules

ENTERPRISE = "enterprise"


def today() -> datetime.date:
    return timezone.localdate()


# ---- rules -----------------------------------------------------------------------------------------

def rules_for(region: Region | None) -> dict[str, rules.Rule]:
    """The national defaults with the overrides of ``region`` and the regions above it (nearest wins)."""
    return jurisdiction_rules(ComplianceRule, region)


def sector(org: Organization, enterprise_class: str = "") -> rules.Sector | None:
    """The 安责险 mandatory sector of ``org`` (its 名录库 class first, else its industry code), or None."""
    if not enterprise_class:
        entry = getattr(org, "inspection_object", None) if hasattr(org, "inspection_object") else None
        enterprise_class = entry.enterprise_class if entry is not None else ""
    return rules.sector_of(org.industry_code or "", enterprise_class)


def fill_dates(cert: Certificate) -> None:
    """A certificate's expiry (6 years for 特种作业操作证, 3 for the others) and, for 特种作业, its review
    (every 3 years) from its issue date, where they were not entered."""
    r = rules_for(cert.worker.region)
    special = cert.kind == CertificateKind.SPECIAL
    if cert.expires_on is None:
        years = r["special_valid_years"].number if special else r["manager_valid_years"].number
        cert.expires_on = alerts.add_years(cert.issued_on, years)
    if special and cert.review_due is None:
        review = alerts.add_years(cert.issued_on, r["special_review_years"].number)
        cert.review_due = review if review < cert.expires_on else None


# ---- the alerts ----------------------------------------------------------------------------------

def _policies(org_ids):
    out = defaultdict(list)
    for p in Policy.objects.filter(organization_id__in=org_ids):
        out[p.organization_id].append(alerts.PolicyFacts(p.pk, p.number, p.starts_on, p.ends_on, p.insured_headcount,
                                                         p.limit_cny))
    return out


def expected(orgs: list[Organization], on: datetime.date) -> dict[int, list[tuple[alerts.Alert, dict]]]:
    """{organization id: [(alert, links)]}: what the rules find on ``on`` for each enterprise, with the
    records each alert is about (policy, certificate, worker) and the rule it rests on."""
    ids = [o.pk for o in orgs]
    from yingji.supervision.models import InspectionObject

    classes = dict(InspectionObject.objects.filter(organization_id__in=ids).values_list("organization_id",
                                                                                       "enterprise_class"))
    policies = _policies(ids)
    by_region: dict[int, dict] = {}
    out: dict[int, list] = {}
    certs = defaultdict(list)
    for c in (Certificate.objects.filter(organization_id__in=ids, worker__active=True)
              .select_related("worker")):
        certs[c.organization_id].append(c)
    workers = defaultdict(list)
    for w in Worker.objects.filter(organization_id__in=ids, active=True,
                                   post__in=(Post.PRINCIPAL, Post.SAFETY_MANAGER)):
        workers[w.organization_id].append(w)
    year = on.year - 1
    hours = {(w, k): h for w, k, h in Training.objects.filter(organization_id__in=ids, year=year)
             .values("worker_id", "kind").annotate(h=Sum("hours")).values_list("worker_id", "kind", "h")}
    first_issue = {}
    for c in Certificate.objects.filter(organization_id__in=ids, kind=CertificateKind.MANAGEMENT).values_list(
            "worker_id", "issued_on"):
        first_issue[c[0]] = min(first_issue.get(c[0], c[1]), c[1])
    for org in orgs:
        r = by_region.get(org.region_id)
        if r is None:
            r = by_region[org.region_id] = rules_for(org.region)
        s = rules.sector_of(org.industry_code or "", classes.get(org.pk, ""))
        found: list = []
        limit = r["insurance_min_limit_cny"]
        for a in alerts.insurance(org.pk, mandatory=s is not None, sector=s.label if s else "",
                                  policies=policies.get(org.pk, []), employees=org.employees,
                                  min_limit=limit.value, warning_days=r["insurance_warning_days"].number, today=on):
            rule = (limit.citation if a.kind == alerts.LIMIT_LOW
                    else "《安全生产责任保险实施办法》第十六条：保障范围应当覆盖全体从业人员" if a.kind == alerts.HEADCOUNT_LOW
                    else f"《安全生产责任保险实施办法》第二条（{rules.sectors_source()}）" if s else "")
            links = {"policy_id": int(a.subject.split(":")[1])} if a.subject.startswith("policy:") else {}
            found.append((a, {**links, "rule": rule[:300]}))
        first, second = r["certificate_warning_days_first"].number, r["certificate_warning_days_second"].number
        for c in certs.get(org.pk, []):
            for a in alerts.certificate(c.pk, label=f"{c.worker.name}的{c.get_kind_display()}（{c.number}）",
                                        expires_on=c.expires_on, review_due=c.review_due, today=on,
                                        first_days=first, second_days=second):
                rule = (r["special_review_years"] if a.kind.startswith("review")
                        else r["special_valid_years"] if c.kind == CertificateKind.SPECIAL else r["manager_valid_years"])
                found.append((a, {"certificate_id": c.pk, "worker_id": c.worker_id, "rule": rule.citation[:300]}))
        high = bool(s and s.high_risk)
        for w in workers.get(org.pk, []):
            issued = first_issue.get(w.pk)
            initial = (w.pk, "initial") in hours
            if issued is None or (issued.year >= year and not initial):
                continue  # no certificate before that year: its initial training is not recorded here
            required = alerts.required_hours(initial=initial, high_risk=high, rules=r)
            took = sum((h for (wk, _), h in hours.items() if wk == w.pk), Decimal("0"))
            a = alerts.training(w.pk, name=w.name, year=year, hours=took, required=required, today=on)
            if a:
                key = f"{'initial' if initial else 'refresher'}_hours_{'high_risk' if high else 'other'}"
                found.append((a, {"worker_id": w.pk, "rule": r[key].citation[:300]}))
        out[org.pk] = found
    return out


def refresh(orgs=None, *, on: datetime.date | None = None, user=None) -> tuple[int, int]:
    """Run the rules for ``orgs`` (organization ids or records; default: every enterprise in ``user``'s scope,
    or all for the job); open the new alerts, clear those no longer found, refresh certificates' status.
    An alert the office waived is not opened again for the same finding. Returns (opened, cleared)."""
    on = on or today()
    qs = Organization.objects.filter(kind=ENTERPRISE).select_related("region")
    if user is not None:
        qs = Organization.objects.for_user(user).filter(kind=ENTERPRISE).select_related("region")
    if orgs is not None:
        qs = qs.filter(pk__in=[getattr(o, "pk", o) for o in orgs])
    opened = cleared = 0
    batch = list(qs)
    for start in range(0, len(batch), 500):
        chunk = batch[start:start + 500]
        o, c = _refresh_chunk(chunk, on)
        opened, cleared = opened + o, cleared + c
    return opened, cleared


def _refresh_chunk(orgs, on):
    ids = [o.pk for o in orgs]
    found = expected(orgs, on)
    current = {}
    for a in Alert.objects.filter(organization_id__in=ids, state__in=OPEN_STATES):
        current[(a.subject, a.kind)] = a
    waived = set(Alert.objects.filter(organization_id__in=ids, state=AlertState.WAIVED).values_list("subject", "kind"))
    opened = cleared = 0
    with transaction.atomic():
        for org in orgs:
            for a, links in found.get(org.pk, []):
                key = (a.subject, a.kind)
                row = current.pop(key, None)
                if row is not None:
                    if (row.detail, row.due_on) != (a.detail[:300], a.due):
                        row.detail, row.due_on = a.detail[:300], a.due
                        row.save(update_fields=["detail", "due_on", "updated_at"])
                    continue
                if key in waived:
                    continue
                Alert.objects.create(organization=org, region_id=org.region_id, kind=a.kind, subject=a.subject,
                                     detail=a.detail[:300], due_on=a.due, opened_on=on, **links)
                opened += 1
        for row in current.values():
            workflow.apply(None, row, "clear", system=True, comment="核查规则不再发现此情况，自动消除")
            cleared += 1
        _statuses(ids, on)
    return opened, cleared


def _statuses(org_ids, on):
    days: dict[int, int] = {}
    for c in Certificate.objects.filter(organization_id__in=org_ids).select_related("region"):
        if c.region_id not in days:
            days[c.region_id] = _first_days(c)
        status = alerts.status(c.expires_on, c.review_due, on, days[c.region_id])
        if status != c.status:  # a computed column: no change history for it
            Certificate.objects.filter(pk=c.pk).update(status=status)


def _first_days(cert) -> int:
    return rules_for(cert.region)["certificate_warning_days_first"].number


def on_alert_transition(alert: Alert, name: str, actor) -> None:
    if name == "explain":
        alert.explained_by = actor
    if name in ("clear", "waive"):
        alert.closed_on = today()
    if name == "reopen":
        alert.explained_by = None


# ---- after a change (every path: page, API, import) ------------------------------------------------

def changed(org_id) -> None:
    """Run the rules for this enterprise once the transaction commits (once per transaction, whatever
    number of records it saved); at once outside a transaction."""
    if org_id is None:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        refresh([org_id])
        return
    pending = conn.__dict__.setdefault("_compliance_pending", set())
    if not any(entry[1] is _flush for entry in conn.run_on_commit):
        pending.clear()  # left by a transaction (or savepoint) that was rolled back
        transaction.on_commit(_flush)
    pending.add(org_id)


def _flush():
    ids = transaction.get_connection().__dict__.pop("_compliance_pending", set())
    if ids:
        refresh(sorted(ids))


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(getattr(instance, "organization_id", None))


def connect():
    from django.db.models.signals import post_delete, post_save

    for model in (Policy, Worker, Certificate, Training):
        post_save.connect(_saved, sender=model, dispatch_uid=f"compliance-{model.__name__}")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"compliance-del-{model.__name__}")


# ---- what others read --------------------------------------------------------------------------------

def certificate_status(cert: Certificate, on: datetime.date | None = None) -> str:
    return alerts.status(cert.expires_on, cert.review_due, on or today(), _first_days(cert))


def post_holders(user, inspection, posts) -> dict | None:
    """The check aid's context: the enterprise's people of ``posts`` with their certificates' status today."""
    on = today()
    people = []
    for w in (Worker.objects.for_user(user).filter(organization_id=inspection.organization_id, active=True,
                                                   post__in=posts).prefetch_related("certificates")):
        certs = [{"c": c, "status": certificate_status(c, on), "label": CertStatus(certificate_status(c, on)).label}
                 for c in w.certificates.all()]
        people.append({"w": w, "certs": certs,
                       "ok": bool(certs) and any(x["status"] != CertStatus.EXPIRED for x in certs)})
    return {"people": people, "org": inspection.organization, "on": on,
            "missing": sum(1 for p in people if not p["ok"])}


def special_staff(user, inspection):
    ctx = post_holders(user, inspection, (Post.SPECIAL,))
    ctx["title"] = "特种作业人员持证情况（取自三项岗位人员登记）"
    return ctx


def managers(user, inspection):
    ctx = post_holders(user, inspection, (Post.PRINCIPAL, Post.SAFETY_MANAGER))
    ctx["title"] = "主要负责人、安全生产管理人员持证情况（取自三项岗位人员登记）"
    return ctx


def insured_facts(org_ids) -> dict:
    """{id: True/False}: a policy covers today (for mandatory enterprises and any with a policy)."""
    on = today()
    covered = set(Policy.objects.filter(organization_id__in=org_ids, starts_on__lte=on, ends_on__gte=on)
                  .values_list("organization_id", flat=True))
    out = {pk: pk in covered for pk in covered}
    for org in Organization.objects.filter(pk__in=org_ids, kind=ENTERPRISE).select_related("inspection_object"):
        if org.pk not in out and sector(org) is not None:
            out[org.pk] = False
    return out


def limit_facts(org_ids) -> dict:
    """{id: True/False}: the policies in force meet the limit and headcount (no open alert of that kind)."""
    insured = insured_facts(org_ids)
    short = set(Alert.objects.filter(organization_id__in=org_ids, state__in=OPEN_STATES,
                                     kind__in=("limit_low", "headcount_low")).values_list("organization_id", flat=True))
    return {pk: pk not in short for pk, ok in insured.items() if ok}


def certificate_facts(org_ids) -> dict:
    """{id: True/False}: no certificate of the enterprise's people in post has expired or missed its review."""
    held = set(Certificate.objects.filter(organization_id__in=org_ids, worker__active=True)
               .values_list("organization_id", flat=True))
    bad = set(Certificate.objects.filter(organization_id__in=org_ids, worker__active=True, status=CertStatus.EXPIRED)
              .values_list("organization_id", flat=True))
    return {pk: pk not in bad for pk in held}


__all__ = ["INSURANCE_KINDS", "certificate_status", "changed", "expected", "fill_dates", "refresh", "rules_for", "sector"]
