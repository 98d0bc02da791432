"""Services of enforcement cases: every change of a case and every paper goes through here.

Papers are numbered when issued, per kind, county and year, with the platform's concurrency-safe
sequence (core/framework/numbering.py) in the caller's transaction: 浏阳市应急罚〔2026〕3号."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core.framework import numbering
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.core.models import rules_for as jurisdiction_rules
from yingji.supervision import caselaw, discretion
from yingji.supervision.casechoices import DOC_ABBREVIATION, CaseState, DocKind, PartyKind
from yingji.supervision.casemodels import CaseDocument, CaseRule, EnforcementCase

OPEN_BEFORE_DECISION = (CaseState.FILED, CaseState.INVESTIGATING, CaseState.NOTIFIED, CaseState.REVIEWING,
                        CaseState.REVIEWED, CaseState.DISCUSSED)


# ---- rules of the jurisdiction -----------------------------------------------------------------
def county_of(region: Region) -> Region | None:
    return Region.objects.filter(code__in=region.path.split("/"), level="county").first()


def rules_for(region: Region | None) -> dict[str, caselaw.Rule]:
    """The national defaults with the overrides of ``region`` and the regions above it (nearest wins)."""
    return jurisdiction_rules(CaseRule, region)


def discretion_entries() -> dict[str, discretion.Entry]:
    """The national table and the supplements a bureau put in its data folder (discretion/*.json)."""
    from django.conf import settings

    folder = settings.DATA_DIR / "discretion"
    extra = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return discretion.entries(discretion.tables(extra))


# ---- papers ------------------------------------------------------------------------------------
def issuer(case) -> str:
    county = county_of(case.region)
    return f"{county.name if county else ''}应急管理局"


def paper_number(model, region, abbreviation: str, series: str, when) -> str:
    """The next number of a paper of ``model`` (a case's or a check's) issued in ``region``'s county in
    ``when``'s year: 浏阳市应急罚〔2026〕3号; ``series`` keeps each kind's serials apart."""
    county = county_of(region)
    year = timezone.localtime(when).year
    head = f"{county.name if county else ''}应急{abbreviation}〔{year}〕"
    pattern = re.compile(re.escape(head) + r"(\d+)号$")

    def seed() -> int:
        return max((int(m.group(1)) for n in model.objects.filter(number__startswith=head)
                    .values_list("number", flat=True) if (m := pattern.match(n))), default=0)

    serial = numbering.next_serial(series, f"{county.code if county else ''}-{year}", seed)
    return f"{head}{serial}号"


def _number(case, kind: str, when) -> str:
    return paper_number(CaseDocument, case.region, DOC_ABBREVIATION[kind], f"supervision.{kind}", when)


def issue(case, kind: str, user, content: dict | None = None, when=None) -> CaseDocument:
    """A new paper of ``case``, numbered now, saying ``content`` (with the case's facts as of now)."""
    when = when or timezone.now()
    with transaction.atomic():
        doc = CaseDocument(case=case, kind=kind, number=_number(case, kind, when), issued_at=when,
                           issued_by=user if getattr(user, "pk", None) else None,
                           content={**snapshot(case), **(content or {})})
        doc.full_clean()
        doc.save()
    return doc


def snapshot(case) -> dict:
    """What every paper repeats about the case, as it stands when the paper is made."""
    return {"case_number": case.number, "cause": case.cause, "party": case.party_name,
            "party_kind": case.party_kind, "party_code": case.party_code,
            "representative": case.party_representative, "address": case.party_address, "facts": case.facts,
            "discretion": case.discretion, "fine_cny": None if case.fine_cny is None else str(case.fine_cny),
            "other_penalty": case.other_penalty, "issuer": issuer(case)}


# ---- opening a case ----------------------------------------------------------------------------
def _case_number(when) -> str:
    year = timezone.localtime(when).year
    head = f"AJ{year}"
    serial = numbering.next_serial("supervision.case", str(year), lambda: numbering.highest(
        EnforcementCase.objects.filter(number__startswith=head).values_list("number", flat=True), head))
    return f"{head}{serial:04d}"


@transaction.atomic
def open_case(user, *, cause: str, facts: str, region, organization=None, party_kind=PartyKind.UNIT,
              party_name: str = "", party_code: str = "", party_representative: str = "", party_address: str = "",
              finding=None, opinion: str = "") -> EnforcementCase:
    """立案: the case, its number and its 立案审批表, in one transaction."""
    now = timezone.now()
    if organization is not None:
        party_name = party_name or organization.name
        party_code = party_code or organization.credit_code
        party_representative = party_representative or getattr(organization, "legal_representative", "") or ""
        party_address = party_address or organization.address
    case = EnforcementCase(number=_case_number(now), cause=cause, facts=facts, region=region,
                           organization=organization, party_kind=party_kind, party_name=party_name,
                           party_code=party_code, party_representative=party_representative,
                           party_address=party_address, finding=finding, filed_by=user,
                           filed_on=timezone.localdate(now))
    case.full_clean()
    case.save()
    issue(case, DocKind.FILING, user, {"opinion": opinion or "建议立案调查", "source": _source(finding)}, when=now)
    return case


def _source(finding) -> str:
    if finding is None:
        return "其他途径发现"
    inspection = finding.inspection
    return f"监督检查发现（{inspection}，问题：{finding.description[:60]}）"


def open_case_from_finding(finding, user, *, cause: str = "", facts: str = "", opinion: str = "") -> EnforcementCase:
    """The finding → case action of an on-site check: 立案 with the checked enterprise as the party."""
    if EnforcementCase.objects.filter(finding=finding).exists():
        raise Conflict("该问题已经立案")
    org = finding.organization
    return open_case(user, cause=cause or f"{finding.description[:80]}案", facts=facts or finding.description,
                     region=finding.region, organization=org, finding=finding, opinion=opinion)


# ---- discretion --------------------------------------------------------------------------------
def set_discretion(user, case, *, entry: str, answers: dict, fine_cny: Decimal | None,
                   other_penalty: str = "") -> dict:
    """The 违法行为 picked, the 适用条件 answered, the 裁量阶次 found, and the fine checked against it."""
    if case.state not in (CaseState.FILED, CaseState.INVESTIGATING):
        raise Conflict("告知当事人后不能再改变裁量结果；如需改变，须由法制审核退回补充调查")
    entries = discretion_entries()
    if entry not in entries:
        raise ValidationError({"entry": "没有这个裁量基准条目"})
    try:
        decision = discretion.decide(entries[entry], answers)
    except discretion.DiscretionError as exc:
        raise ValidationError({"answers": str(exc)}) from None
    if fine_cny is not None:
        wrong = decision.check_fine(case.party_kind, fine_cny)
        if wrong:
            raise ValidationError({"fine_cny": wrong})
    elif not other_penalty:
        raise ValidationError({"fine_cny": "请填写罚款金额或其他处罚"})
    case.discretion_entry, case.discretion = entry, decision.record()
    case.fine_cny, case.other_penalty = fine_cny, other_penalty or case.other_penalty
    case.save(update_fields=["discretion_entry", "discretion", "fine_cny", "other_penalty", "updated_at"])
    return case.discretion


# ---- investigation papers ----------------------------------------------------------------------
def _still_open(case, *states):
    if case.state not in states:
        raise Conflict(f"案件当前为“{case.get_state_display()}”，不能制作此文书")


def record_interview(user, case, *, person: str, position: str, place: str, record: str) -> CaseDocument:
    """询问笔录 (调查取证)."""
    _still_open(case, CaseState.INVESTIGATING)
    return issue(case, DocKind.INTERVIEW, user, {"person": person, "position": position, "place": place,
                                                  "record": record, "interviewers": _handler_names(case, user)})


def record_statement(user, case, *, statement: str, hearing_requested: bool = False) -> CaseDocument:
    """陈述申辩笔录, after the party was told (告知); a request for a hearing is recorded with it."""
    _still_open(case, CaseState.NOTIFIED)
    if hearing_requested and not gate(case, "hearing"):
        raise ValidationError({"hearing_requested": "本案拟作出的处罚不属于听证范围"})
    doc = issue(case, DocKind.STATEMENT, user, {"statement": statement, "hearing_requested": hearing_requested})
    if hearing_requested:
        case.hearing_requested = True
        case.save(update_fields=["hearing_requested", "updated_at"])
    return doc


def record_service(user, doc, *, method: str, served_at, served_to: str, served_by: str, receipt: str):
    """送达: how, when, to whom and by whom a paper (a case's or a check's) reached the party, and its
    receipt; once per paper."""
    if not doc.served_to_party:
        raise Conflict(f"{doc.get_kind_display()}不向当事人送达")
    if doc.served_at:
        raise Conflict(f"{doc.number} 已于 {timezone.localtime(doc.served_at):%Y-%m-%d %H:%M} 送达，送达记录不能改写")
    if served_at < doc.issued_at:
        raise ValidationError({"served_at": "送达时间不能早于文书制作时间"})
    if served_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"served_at": "送达时间不能晚于现在"})
    doc.served_method, doc.served_at, doc.served_to, doc.served_by, doc.receipt = (
        method, served_at, served_to, served_by, receipt)
    doc.full_clean()
    doc.save()
    return doc


# ---- 听证 (行政处罚法 第六十四条、第六十五条) ---------------------------------------------------------
def _investigators(case) -> set[str]:
    names = {str(d.content.get("interviewers", "")) for d in case.documents.filter(kind=DocKind.INTERVIEW)}
    if case.filed_by_id:
        names.add(getattr(case.filed_by, "display_name", "") or str(case.filed_by))
    return {n for n in names if n}


def schedule_hearing(user, case, *, held_at, place: str, host: str) -> CaseDocument:
    """听证通知书: the time and place, at least the rule's days ahead (第六十四条第（二）项), and a host who
    did not investigate the case (第（四）项)."""
    _still_open(case, CaseState.NOTIFIED)
    if not case.hearing_requested:
        raise Conflict("当事人未要求听证（在陈述申辩笔录中登记听证要求）")
    if case.document(DocKind.HEARING_SUMMONS):
        raise Conflict(f"已通知听证：{case.document(DocKind.HEARING_SUMMONS).number}")
    days = int(rules_for(case.region)["hearing_notice_days"].value)
    earliest = timezone.localdate() + datetime.timedelta(days=days)
    if timezone.localtime(held_at).date() < earliest:
        raise ValidationError({"held_at": f"须在举行听证的{days}日前通知当事人：最早 {earliest:%Y-%m-%d}"})
    if host.strip() in _investigators(case):
        raise ValidationError({"host": "听证由非本案调查人员主持"})
    return issue(case, DocKind.HEARING_SUMMONS, user, {"held_at": held_at.isoformat(), "place": place.strip(),
                                                       "host": host.strip(), "notice_days": days})


def record_hearing(user, case, *, host: str, participants: str, record: str, party_absent: bool = False) -> CaseDocument:
    """听证笔录, at or after the notified time; a party who did not come is recorded as such (视为放弃听证权利)."""
    _still_open(case, CaseState.NOTIFIED)
    summons = case.document(DocKind.HEARING_SUMMONS)
    if summons is None:
        raise Conflict("尚未通知听证（听证通知书）")
    if case.document(DocKind.HEARING_RECORD):
        raise Conflict(f"已制作听证笔录：{case.document(DocKind.HEARING_RECORD).number}")
    held_at = datetime.datetime.fromisoformat(summons.content["held_at"])
    if timezone.now() < held_at - datetime.timedelta(hours=1):
        raise Conflict(f"听证定于 {timezone.localtime(held_at):%Y-%m-%d %H:%M} 举行，尚未开始")
    if host.strip() in _investigators(case):
        raise ValidationError({"host": "听证由非本案调查人员主持"})
    return issue(case, DocKind.HEARING_RECORD, user, {
        "held_at": summons.content["held_at"], "place": summons.content.get("place", ""), "host": host.strip(),
        "participants": participants.strip(), "record": record, "party_absent": party_absent})


def hearing_report(user, case, *, findings: str, opinion: str) -> CaseDocument:
    """听证报告 of the host: the facts as heard and the recommendation, from the 听证笔录."""
    _still_open(case, CaseState.NOTIFIED)
    minutes = case.document(DocKind.HEARING_RECORD)
    if minutes is None:
        raise Conflict("尚未制作听证笔录")
    if case.document(DocKind.HEARING_REPORT):
        raise Conflict(f"已制作听证报告：{case.document(DocKind.HEARING_REPORT).number}")
    return issue(case, DocKind.HEARING_REPORT, user, {
        "record_number": minutes.number, "host": minutes.content.get("host", ""),
        "party_absent": minutes.content.get("party_absent", False), "findings": findings, "opinion": opinion})


def _handler_names(case, user) -> str:
    return getattr(user, "display_name", "") or str(user or "")


# ---- gates and clocks --------------------------------------------------------------------------
def gate(case, name: str) -> caselaw.Rule | None:
    return caselaw.gate(rules_for(case.region), name, case.party_kind, case.fine_cny)


def review_required(case) -> caselaw.Rule | None:
    return gate(case, "legal_review")


def discussion_required(case) -> str | None:
    rule = gate(case, "collective")
    if rule:
        return f"罚款达到{rule.label}{rule.value.normalize():f}元（{rule.citation}）"
    return "本案情节复杂或属重大违法行为" if case.complex_case else None


def ready_to_notify(case) -> str | None:
    if not case.discretion_entry:
        return "告知前须完成裁量（选择违法行为、回答适用条件、确定罚款）"
    if not case.documents.filter(kind=DocKind.INTERVIEW).exists():
        return "告知前须有询问笔录（调查取证）"
    return None


def heard_the_party(case) -> str | None:
    """陈述申辩 heard (a 陈述申辩笔录), or the time for it over (行政处罚法 第六十二条); a hearing the party
    asked for held, minuted and reported (第六十五条: the decision follows the 听证笔录)."""
    if case.hearing_requested and not case.documents.filter(kind=DocKind.HEARING_REPORT).exists():
        return "当事人要求听证：须先通知并举行听证，制作听证笔录和听证报告后再作决定"
    if case.documents.filter(kind=DocKind.STATEMENT).exists():
        return None
    rules = rules_for(case.region)
    days = max(int(rules["statement_days"].value), int(rules["hearing_request_days"].value) if gate(case, "hearing")
               else 0)
    ends = case.notified_on + datetime.timedelta(days=days) if case.notified_on else None
    if ends is None or timezone.localdate() <= ends:
        return (f"须先听取当事人的陈述、申辩（制作陈述申辩笔录），或待陈述申辩期限届满（{ends:%Y-%m-%d} 后）"
                if ends else "案件尚未告知当事人")
    return None


def ready_to_discuss(case) -> str | None:
    heard = heard_the_party(case)
    if heard:
        return heard
    if case.state == CaseState.NOTIFIED and (rule := review_required(case)):
        return f"罚款达到{rule.label}（{rule.value.normalize():f}元以上），须先经法制审核"
    return None


def ready_to_decide(case) -> str | None:
    heard = heard_the_party(case)
    if heard:
        return heard
    if case.state == CaseState.NOTIFIED and (rule := review_required(case)):
        return (f"罚款 {case.fine_cny.normalize():f} 元达到{rule.label}（{rule.value.normalize():f}元以上，"
                f"{rule.citation}），未经法制审核不得作出决定")
    if case.state != CaseState.DISCUSSED and (why := discussion_required(case)):
        return f"{why}，须经负责人集体讨论后决定"
    return None


def decision_served(case) -> str | None:
    doc = case.document(DocKind.DECISION)
    if doc is None or not doc.served_at:
        return "行政处罚决定书尚未送达，不能登记执行完毕"
    return None


def decision_due(case) -> datetime.date | None:
    if case.state not in OPEN_BEFORE_DECISION:
        return None
    return caselaw.due(rules_for(case.region), "decision_days", case.filed_on)


def payment_due(case) -> datetime.date | None:
    doc = case.document(DocKind.DECISION)
    rules = rules_for(case.region)
    if doc is None:
        return None
    if not doc.served_at:  # the paper itself must reach the party first (第六十一条)
        return caselaw.due(rules, "service_days", case.decided_on or timezone.localdate())
    return caselaw.due(rules, "payment_days", timezone.localdate(doc.served_at))


# ---- what each step does -----------------------------------------------------------------------
def on_transition(case, name: str, inputs: dict, actor) -> None:
    today = timezone.localdate()
    if name == "notify":
        case.notified_on = today
        rules = rules_for(case.region)
        hearing = gate(case, "hearing")
        issue(case, DocKind.PENALTY_NOTICE, actor, {
            "statement_days": int(rules["statement_days"].value), "hearing": bool(hearing)})
        if hearing:
            issue(case, DocKind.HEARING_NOTICE, actor, {"hearing_request_days": int(rules["hearing_request_days"].value),
                                                         "hearing_basis": hearing.citation})
    elif name == "decide":
        case.decided_on = today
        rules = rules_for(case.region)
        issue(case, DocKind.DECISION, actor, {"payment_days": int(rules["payment_days"].value),
                                              "statement_heard": case.documents.filter(kind=DocKind.STATEMENT).exists()})
    elif name == "execute":
        case.executed_on = today
    elif name == "close":
        case.closed_on = today
        issue(case, DocKind.CLOSING, actor, {"execution": _execution_note(case)})


def _execution_note(case) -> str:
    from yingji.core.framework.workflow import log_of

    step = log_of(case).filter(transition="execute").order_by("-at").first()
    return step.comment if step else ""
