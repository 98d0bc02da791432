"""The papers of an on-site check: what each says (kept as issued), its number, and its .docx.

- 现场检查记录: the time, place, inspectors (with their 执法证号), what was checked, what was found and how
  it was handled — the written record 安全生产法 第六十八条 asks for (article number unconfirmed);
- 责令限期整改指令书: the findings to rectify and the date by which (第六十五条第一款第二项);
- 整改复查意见书: the review of an order's rectification, once per order;
- 现场处理措施决定书: withdrawal, suspension or a stop of use where a 重大事故隐患 cannot be kept safe
  while it is removed (第六十五条第一款第三项).

Numbered per kind, county and year with the concurrency-safe sequence (core/framework/numbering.py):
浏阳市应急责改〔2026〕3号."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core.framework.documents import OfficialDocument
from yingji.core.framework.operations import Conflict
from yingji.supervision.caseservices import county_of, paper_number
from yingji.supervision.checkpapermodels import CheckPaper
from yingji.supervision.choices import PAPER_ABBREVIATION, Answer, CheckState, Measure, PaperKind, ReviewResult

ON_SITE_OR_DONE = (CheckState.IN_PROGRESS, CheckState.COMPLETED)
PARTY_RIGHTS = ("如果不服本{what}，可以依法在六十日内向{county}人民政府或者上一级应急管理部门申请行政复议，或者在六个月内"
                "依法向人民法院提起行政诉讼，但本{what}不停止执行，法律另有规定的除外。")


def issuer_of(inspection) -> str:
    county = county_of(inspection.region)
    return f"{county.name if county else ''}应急管理局"


def _number(inspection, kind: str, when) -> str:
    return paper_number(CheckPaper, inspection.region, PAPER_ABBREVIATION[kind], f"supervision.check.{kind}", when)


def snapshot(inspection) -> dict:
    """What every paper of the check repeats, as it stands when the paper is made."""
    org = inspection.organization
    return {"issuer": issuer_of(inspection), "party": org.name, "party_code": org.credit_code,
            "address": org.address, "representative": org.legal_representative or org.safety_manager,
            "phone": org.safety_manager_phone or org.phone,
            "inspectors": [{"name": i.person.name, "certificate": i.certificate_number}
                           for i in inspection.inspectors.select_related("person").order_by("certificate_number")]}


def _findings(inspection, findings) -> list[dict]:
    chosen = list(findings)
    if not chosen:
        raise ValidationError({"findings": "请选择本次检查发现的问题"})
    foreign = [f for f in chosen if f.inspection_id != inspection.pk]
    if foreign:
        raise ValidationError({"findings": f"问题“{foreign[0]}”不属于本次检查"})
    return [{"id": f.pk, "description": f.description, "clause": f.clause} for f in sorted(chosen, key=lambda f: f.pk)]


def _issue(inspection, kind: str, user, content: dict, **fields) -> CheckPaper:
    if inspection.state not in ON_SITE_OR_DONE:
        raise Conflict(f"检查{inspection.get_state_display()}，不能制作{PaperKind(kind).label}（开始现场检查后才能制作）")
    when = timezone.now()
    with transaction.atomic():
        paper = CheckPaper(inspection=inspection, kind=kind, number=_number(inspection, kind, when), issued_at=when,
                           issued_by=user if getattr(user, "pk", None) else None,
                           content={**snapshot(inspection), **content}, **fields)
        paper.full_clean()
        paper.save()
    return paper


def make_record(user, inspection, *, place: str, present: str, recorder: str = "") -> CheckPaper:
    """现场检查记录, once per check: what was checked item by item, the findings and how each was handled."""
    if inspection.papers.filter(kind=PaperKind.RECORD).exists():
        raise Conflict("本次检查已制作现场检查记录；如需补充，请在检查情况中记录后另行说明")
    if inspection.inspectors.count() < 2:
        raise ValidationError({"__all__": "现场检查记录须有两名以上检查人员（执法证件）"})
    items = list(inspection.items.order_by("number"))
    findings = list(inspection.findings.select_related("hazard").order_by("pk"))
    return _issue(inspection, PaperKind.RECORD, user, {
        "place": place.strip(), "present": present.strip(),
        "recorder": recorder.strip() or getattr(user, "display_name", "") or str(user),
        "started_at": inspection.started_at.isoformat() if inspection.started_at else None,
        "finished_at": inspection.finished_at.isoformat() if inspection.finished_at else None,
        "summary": inspection.summary,
        "items": [{"number": i.number, "text": i.text, "answer": Answer(i.answer).label, "note": i.note} for i in items],
        "findings": [{"description": f.description, "clause": f.clause,
                      "handled": f"已转为隐患（整改期限 {f.hazard.deadline or '未定'}）" if f.hazard_id else ""}
                     for f in findings],
    })


def order_rectification(user, inspection, *, findings, deadline: datetime.date, note: str = "") -> CheckPaper:
    """责令限期整改指令书 for the chosen findings of this check, to be rectified by ``deadline``."""
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": "整改期限应晚于今天"})
    return _issue(inspection, PaperKind.RECTIFY, user, {"findings": _findings(inspection, findings),
                                                        "deadline": deadline.isoformat(), "note": note.strip()},
                  deadline=deadline)


def review(user, order: CheckPaper, *, result: str, opinion: str, reviewed_on: datetime.date | None = None) -> CheckPaper:
    """整改复查意见书 of an order, once per order."""
    if order.kind != PaperKind.RECTIFY:
        raise Conflict(f"{order.get_kind_display()}不需要复查")
    if order.reviews.exists():
        raise Conflict(f"{order.number} 已复查（{order.reviews.first().number}）")
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on < timezone.localtime(order.issued_at).date():
        raise ValidationError({"reviewed_on": "复查日期不能早于指令书的制作日期"})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "复查日期不能晚于今天"})
    if result == ReviewResult.NOT_DONE and reviewed_on <= order.deadline:
        raise ValidationError({"result": f"整改期限 {order.deadline} 未到，不能认定逾期未整改"})
    return _issue(order.inspection, PaperKind.REVIEW, user, {
        "order": order.number, "order_issued": timezone.localtime(order.issued_at).date().isoformat(),
        "findings": order.content.get("findings", []), "deadline": order.deadline.isoformat(),
        "reviewed_on": reviewed_on.isoformat(), "result": ReviewResult(result).label, "result_code": result,
        "opinion": opinion.strip()}, order=order)


def onsite_measures(user, inspection, *, findings, measures, scope: str, until: str = "") -> CheckPaper:
    """现场处理措施决定书: the measures taken on site for the chosen findings."""
    chosen = [Measure(m) for m in measures]
    if not chosen:
        raise ValidationError({"measures": "请选择现场处理措施"})
    return _issue(inspection, PaperKind.MEASURES, user, {
        "findings": _findings(inspection, findings), "measures": [m.label for m in chosen],
        "scope": scope.strip(), "until": until.strip() or "重大事故隐患排除后，经审查同意，方可恢复生产经营和使用",
        "basis": "《中华人民共和国安全生产法》第六十五条第一款第三项"})


# ---- the .docx ---------------------------------------------------------------------------------
def _when(moment) -> str:
    return f"{timezone.localtime(datetime.datetime.fromisoformat(moment)):%Y年%m月%d日 %H:%M}" if moment else ""


def _day(value) -> str:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%Y年%m月%d日}" if day else ""


def _party(paper: OfficialDocument, c: dict):
    paper.facts([("被检查单位", c.get("party")), ("统一社会信用代码", c.get("party_code")), ("地址", c.get("address")),
                 ("法定代表人（负责人）", c.get("representative")), ("联系电话", c.get("phone"))])


def _numbered(paper: OfficialDocument, findings: list[dict]):
    for n, f in enumerate(findings, start=1):
        paper.paragraph(f"{n}. {f['description']}" + (f"（违反{f['clause']}）" if f.get("clause") else ""))


def _county(c: dict) -> str:
    return c.get("issuer", "").removesuffix("应急管理局")


def record_docx(doc: CheckPaper) -> OfficialDocument:
    c = doc.content
    paper = OfficialDocument(c.get("issuer", ""), "现场检查记录", doc.number)
    _party(paper, c)
    inspectors = "、".join(f"{i['name']}（执法证号 {i['certificate']}）" for i in c.get("inspectors", []))
    paper.facts([("检查场所", c.get("place")), ("检查时间", f"{_when(c.get('started_at'))} 至 {_when(c.get('finished_at'))}"
                                                           if c.get("finished_at") else f"{_when(c.get('started_at'))} 起"),
                 ("检查人员", inspectors), ("记录人", c.get("recorder")), ("被检查单位现场负责人", c.get("present"))])
    paper.paragraph("我们是应急管理部门的行政执法人员，已出示行政执法证件。现依法对你单位进行现场检查，请予配合。")
    paper.heading("检查情况")
    for item in c.get("items", []):
        paper.paragraph(f"{item['number']}. {item['text']}：{item['answer']}" + (f"（{item['note']}）" if item["note"] else ""))
    if c.get("summary"):
        paper.paragraph(c["summary"])
    paper.heading("发现的问题及处理情况")
    if not c.get("findings"):
        paper.paragraph("未发现问题。")
    for n, f in enumerate(c.get("findings", []), start=1):
        paper.paragraph(f"{n}. {f['description']}" + (f"（违反{f['clause']}）" if f.get("clause") else "")
                        + (f"；{f['handled']}" if f.get("handled") else ""))
    paper.paragraph("以上记录已经被检查单位现场负责人核对无误。（检查人员签名、被检查单位现场负责人签名；拒绝签字的，"
                    "由检查人员在记录中注明情况）", indent=False)
    return paper


def rectify_docx(doc: CheckPaper) -> OfficialDocument:
    c = doc.content
    paper = OfficialDocument(c.get("issuer", ""), "责令限期整改指令书", doc.number)
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph("经查，你单位存在下列问题：")
    _numbered(paper, c.get("findings", []))
    paper.paragraph(f"依据《中华人民共和国安全生产法》第六十五条第一款第二项的规定，现责令你单位对上述问题于"
                    f"{_day(c.get('deadline'))}前整改完毕，达到有关法律法规规章和标准规定的要求。整改期间，你单位应当采取"
                    "措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。" + (c.get("note") or ""))
    paper.paragraph(PARTY_RIGHTS.format(what="指令", county=_county(c)))
    paper.signature(c.get("issuer", ""), timezone.localtime(doc.issued_at).date())
    return paper


def review_docx(doc: CheckPaper) -> OfficialDocument:
    c = doc.content
    paper = OfficialDocument(c.get("issuer", ""), "整改复查意见书", doc.number)
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph(f"本机关于{_day(c.get('order_issued'))}作出了《责令限期整改指令书》（{c.get('order')}），责令你单位于"
                    f"{_day(c.get('deadline'))}前整改完毕下列问题：")
    _numbered(paper, c.get("findings", []))
    paper.paragraph(f"经{_day(c.get('reviewed_on'))}复查，复查结论：{c.get('result')}。{c.get('opinion', '')}")
    if c.get("result_code") != ReviewResult.DONE:
        paper.paragraph("对逾期未整改的问题，本机关将依法予以处理。")
    paper.signature(c.get("issuer", ""), timezone.localtime(doc.issued_at).date())
    return paper


def measures_docx(doc: CheckPaper) -> OfficialDocument:
    c = doc.content
    paper = OfficialDocument(c.get("issuer", ""), "现场处理措施决定书", doc.number)
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph("本机关在现场检查时发现你单位存在下列重大事故隐患，排除前或者排除过程中无法保证安全：")
    _numbered(paper, c.get("findings", []))
    paper.paragraph(f"依据{c.get('basis')}的规定，现作出如下现场处理措施决定：{'；'.join(c.get('measures', []))}"
                    f"（范围：{c.get('scope')}）。{c.get('until')}。")
    paper.paragraph(PARTY_RIGHTS.format(what="决定", county=_county(c)))
    paper.signature(c.get("issuer", ""), timezone.localtime(doc.issued_at).date())
    return paper


BUILDERS = {PaperKind.RECORD: record_docx, PaperKind.RECTIFY: rectify_docx, PaperKind.REVIEW: review_docx,
            PaperKind.MEASURES: measures_docx}


def paper_bytes(doc: CheckPaper) -> bytes:
    return BUILDERS[doc.kind](doc).bytes()
