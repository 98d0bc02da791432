"""The papers of an enforcement case as .docx (A4, GB/T 9704 layout of core/framework/documents.py),
drawn from what each CaseDocument kept when it was issued, and the case file (案卷) as one bundle."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from yingji.core.framework.documents import OfficialDocument
from yingji.core.framework.money import wan_text
from yingji.supervision.casechoices import DocKind, PartyKind

PARTY_RIGHTS = ("当事人对本决定不服的，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院"
                "提起行政诉讼。行政复议或者行政诉讼期间，本决定不停止执行。")


def _money(content) -> str:
    fine = content.get("fine_cny")
    return f"罚款人民币{wan_text(Decimal(fine))}万元（{Decimal(fine):,.2f}元）" if fine else ""


def _penalty(content) -> str:
    return "；".join(x for x in (content.get("other_penalty"), _money(content)) if x) or "—"


def _party_rows(content) -> list[tuple[str, str]]:
    unit = content.get("party_kind") != PartyKind.PERSON
    return [("当事人", content.get("party", "")),
            ("统一社会信用代码" if unit else "身份证号码", content.get("party_code", "")),
            ("法定代表人（负责人）" if unit else "住址", content.get("representative") if unit else content.get("address")),
            ("地址", content.get("address", "")) if unit else ("案件编号", content.get("case_number", ""))]


def _basis(content) -> tuple[str, str, str]:
    d = content.get("discretion") or {}
    return d.get("citation", ""), d.get("tier", ""), "；".join(d.get("reasons", []))


def _head(doc, kind_label: str) -> OfficialDocument:
    return OfficialDocument(doc.content.get("issuer", ""), kind_label, doc.number)


def _when(doc):
    return timezone.localtime(doc.issued_at)


def filing(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "立案审批表")
    paper.facts([("案由", c.get("cause")), *_party_rows(c), ("案件来源", c.get("source")),
                 ("简要案情", c.get("facts")), ("承办人意见", c.get("opinion")),
                 ("立案日期", f"{_when(doc):%Y年%m月%d日}"), ("审批意见", "同意立案。")])
    return paper


def interview(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "询问笔录")
    paper.facts([("询问时间", f"{_when(doc):%Y年%m月%d日 %H:%M}"), ("询问地点", c.get("place")),
                 ("被询问人", c.get("person")), ("工作单位及职务", c.get("position")),
                 ("询问人", c.get("interviewers")), ("案由", c.get("cause"))])
    paper.paragraph("我们是应急管理部门的执法人员，已出示执法证件。现依法向你询问有关情况，你应当如实回答，"
                    "对与案件无关的问题有拒绝回答的权利。")
    for line in str(c.get("record", "")).splitlines():
        if line.strip():
            paper.paragraph(line.strip())
    paper.paragraph("以上笔录我已看过，与我说的一致。（被询问人签名）", indent=False)
    return paper


def penalty_notice(doc) -> OfficialDocument:
    c = doc.content
    citation, tier, reasons = _basis(c)
    paper = _head(doc, "行政处罚告知书")
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph(f"经查，{c.get('facts')}")
    paper.paragraph(f"以上事实违反了{_provision(c)}的规定。{citation}。")
    paper.paragraph(f"本机关拟对你（单位）作出如下行政处罚：{_penalty(c)}。")
    paper.paragraph(f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩，"
                    f"请于收到本告知书之日起{c.get('statement_days', 3)}日内向本机关提出；逾期视为放弃陈述和申辩的权利。"
                    + ("你（单位）有要求听证的权利，详见听证告知书。" if c.get("hearing") else ""))
    paper.facts([("裁量阶次", tier), ("适用条件", reasons), ("案件编号", c.get("case_number"))])
    paper.signature(c.get("issuer", ""), _when(doc).date())
    return paper


def hearing_notice(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "听证告知书")
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph(f"本机关拟对你（单位）作出{_penalty(c)}的行政处罚。根据《中华人民共和国行政处罚法》第六十三条、"
                    f"第六十四条的规定，你（单位）有要求听证的权利。如要求听证，应当在收到本告知书之日起"
                    f"{c.get('hearing_request_days', 5)}日内向本机关提出；逾期视为放弃听证的权利。")
    paper.paragraph(f"听证范围依据：{c.get('hearing_basis', '')}。")
    paper.signature(c.get("issuer", ""), _when(doc).date())
    return paper


def statement(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "陈述申辩笔录")
    paper.facts([("时间", f"{_when(doc):%Y年%m月%d日 %H:%M}"), ("案由", c.get("cause")), ("陈述申辩人", c.get("party")),
                 ("是否要求听证", "是" if c.get("hearing_requested") else "否")])
    paper.heading("陈述申辩内容")
    for line in str(c.get("statement", "")).splitlines():
        if line.strip():
            paper.paragraph(line.strip())
    return paper


def _moment(value) -> str:
    import datetime

    return f"{timezone.localtime(datetime.datetime.fromisoformat(value)):%Y年%m月%d日 %H:%M}" if value else ""


def hearing_summons(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "听证通知书")
    paper.paragraph(f"{c.get('party')}：", indent=False)
    paper.paragraph(f"根据你（单位）的要求，本机关定于{_moment(c.get('held_at'))}在{c.get('place')}对{c.get('cause')}"
                    f"举行听证，由{c.get('host')}主持。请准时出席，并可委托一至二人代理。无正当理由拒不出席听证或者"
                    "未经许可中途退出听证的，视为放弃听证权利（《中华人民共和国行政处罚法》第六十四条）。")
    paper.paragraph("你（单位）认为主持人与本案有直接利害关系的，有权申请回避。")
    paper.facts([("案件编号", c.get("case_number")), ("拟作出的处罚", _penalty(c))])
    paper.signature(c.get("issuer", ""), _when(doc).date())
    return paper


def hearing_record(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "听证笔录")
    paper.facts([("案由", c.get("cause")), ("听证时间", _moment(c.get("held_at"))), ("听证地点", c.get("place")),
                 ("主持人", c.get("host")), ("参加人员", c.get("participants")), ("当事人", c.get("party")),
                 ("当事人是否到场", "未到场（视为放弃听证权利）" if c.get("party_absent") else "到场")])
    paper.heading("听证经过")
    for line in str(c.get("record", "")).splitlines():
        if line.strip():
            paper.paragraph(line.strip())
    paper.paragraph("以上笔录经当事人和参加人员核对无误。（签名）", indent=False)
    return paper


def hearing_report(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "听证报告")
    paper.facts([("案由", c.get("cause")), ("当事人", c.get("party")), ("听证笔录", c.get("record_number")),
                 ("主持人", c.get("host")), ("拟作出的处罚", _penalty(c))])
    paper.heading("听证认定的事实")
    paper.paragraph(str(c.get("findings", "")))
    paper.heading("主持人意见")
    paper.paragraph(str(c.get("opinion", "")))
    paper.signature(c.get("host", ""), _when(doc).date())
    return paper


def decision(doc) -> OfficialDocument:
    c = doc.content
    citation, tier, reasons = _basis(c)
    paper = _head(doc, "行政处罚决定书")
    paper.facts(_party_rows(c))
    paper.paragraph(f"违法事实和证据：{c.get('facts')}")
    heard = "本机关已听取当事人的陈述、申辩。" if c.get("statement_heard") else "当事人在规定期限内未提出陈述、申辩。"
    paper.paragraph(f"以上事实违反了{_provision(c)}的规定。{heard}")
    paper.paragraph(f"处罚依据和裁量：{citation}；裁量阶次“{tier}”（{reasons}）。")
    paper.paragraph(f"本机关决定对你（单位）作出如下行政处罚：{_penalty(c)}。")
    if c.get("fine_cny"):
        paper.paragraph(f"罚款限于收到本决定书之日起{c.get('payment_days', 15)}日内缴至指定银行或者通过电子支付系统缴纳。"
                        "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款（《中华人民共和国行政处罚法》第七十二条）。")
    paper.paragraph(PARTY_RIGHTS)
    paper.signature(c.get("issuer", ""), _when(doc).date())
    return paper


def closing(doc) -> OfficialDocument:
    c = doc.content
    paper = _head(doc, "结案审批表")
    paper.facts([("案由", c.get("cause")), *_party_rows(c), ("处理结果", _penalty(c)),
                 ("执行情况", c.get("execution")), ("结案日期", f"{_when(doc):%Y年%m月%d日}"), ("审批意见", "同意结案。")])
    return paper


def _provision(content) -> str:
    from yingji.supervision.caseservices import discretion_entries

    code = (content.get("discretion") or {}).get("entry")
    entry = discretion_entries().get(code) if code else None
    return entry.legal_provision if entry else "有关法律法规"


BUILDERS = {DocKind.FILING: filing, DocKind.INTERVIEW: interview, DocKind.PENALTY_NOTICE: penalty_notice,
            DocKind.HEARING_NOTICE: hearing_notice, DocKind.STATEMENT: statement,
            DocKind.HEARING_SUMMONS: hearing_summons, DocKind.HEARING_RECORD: hearing_record,
            DocKind.HEARING_REPORT: hearing_report, DocKind.DECISION: decision,
            DocKind.CLOSING: closing}


def paper(doc) -> bytes:
    return BUILDERS[doc.kind](doc).bytes()


def service_receipt(doc) -> bytes:
    """送达回执 of a paper sent to the party."""
    c = doc.content
    out = OfficialDocument(c.get("issuer", ""), "送达回执", doc.number)
    out.facts([("送达文书", f"{doc.get_kind_display()}（{doc.number}）"), ("受送达人", doc.served_to or c.get("party")),
               ("送达方式", doc.get_served_method_display() if doc.served_method else ""),
               ("送达时间", f"{timezone.localtime(doc.served_at):%Y年%m月%d日 %H:%M}" if doc.served_at else ""),
               ("送达人", doc.served_by), ("收件人签收情况", doc.receipt)])
    return out.bytes()


# ---- 案卷 --------------------------------------------------------------------------------------
def case_file(case) -> bytes:
    """案卷: 案卷首页, 卷内目录, then every paper in the order it was made (the prescribed order of a
    penalty file follows the procedure: 立案, 调查, 告知, 陈述申辩, 决定, 送达, 执行, 结案)."""
    from yingji.supervision.caseservices import issuer, rules_for

    docs = list(case.documents.order_by("issued_at", "id"))
    retention = rules_for(case.region)["retention_years"]
    book = OfficialDocument(issuer(case), "行政处罚案卷", case.number)
    book.heading("案卷首页")
    book.facts([("案由", case.cause), ("当事人", case.party_name), ("处理结果", _penalty({
        "fine_cny": str(case.fine_cny) if case.fine_cny is not None else None, "other_penalty": case.other_penalty})),
        ("立案日期", f"{case.filed_on:%Y-%m-%d}"), ("结案日期", f"{case.closed_on:%Y-%m-%d}" if case.closed_on else "未结案"),
        ("保管期限", f"{retention.value.normalize():f}{retention.unit}（{retention.citation}）"),
        ("卷内文书", f"{len(docs)} 份")])
    book.heading("卷内目录")
    book.facts([(f"{i}. {d.get_kind_display()}", f"{d.number}　{timezone.localtime(d.issued_at):%Y-%m-%d}"
                 + (f"　已送达 {timezone.localtime(d.served_at):%Y-%m-%d}" if d.served_at else ""))
                for i, d in enumerate(docs, 1)])
    body = book.doc
    end = body.element.body.sectPr  # the section's settings stay the body's last element
    for d in docs:
        body.add_page_break()
        part = BUILDERS[d.kind](d).doc
        for element in list(part.element.body):
            if not element.tag.endswith("sectPr"):
                end.addprevious(element)
    return book.bytes()


# ---- what a paper says, on its record page -----------------------------------------------------
WORDS = {  # a paper's content keys as its page names them, in this order
    "cause": "案由", "party": "当事人", "place": "地点", "present": "现场负责人", "recorder": "记录人",
    "person": "被询问人", "position": "工作单位及职务", "record": "记录", "statement": "陈述申辩内容",
    "hearing_requested": "要求听证", "held_at": "听证时间", "host": "主持人", "participants": "参加人员",
    "party_absent": "当事人未到场", "order": "所复查的整改指令书", "findings": "问题或认定的事实",
    "deadline": "整改期限", "reviewed_on": "复查日期", "result": "复查结论", "measures": "现场处理措施",
    "scope": "措施范围", "until": "解除条件", "basis": "依据", "opinion": "意见", "execution": "执行情况", "note": "其他",
}


def _words(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(f"{n}. {v['description']}" if isinstance(v, dict) and "description" in v else str(v)
                        for n, v in enumerate(value, start=1))
    return str(value)


def summary(doc) -> list[tuple[str, list[str]]]:
    """What the paper says, in words (its .docx has the whole paper): [("文书要点", ["案由：…", …])]."""
    c = doc.content or {}
    lines = [f"{label}：{_words(c[key])}" for key, label in WORDS.items() if c.get(key) not in (None, "", [])]
    return [("文书要点", lines)] if lines else []
