"""告知书 and 列入决定书 of the serious-dishonesty list (.docx, the platform's GB/T 9704 layout), drawn from the
listing's own fields, which are written once by the step that issues each paper."""

from __future__ import annotations

from yingji.core.framework.documents import OfficialDocument
from yingji.credit import rules


def _facts(row) -> list[str]:
    return [f"{f.get('number', '')} {f.get('title', '')}：{f.get('detail', '')}" for f in row.facts or []]


def _party(row) -> list[tuple[str, str]]:
    org = row.organization
    return [("当事人", org.name), ("统一社会信用代码", org.credit_code or "—"),
            ("主要负责人", row.principal_name or "—"), ("地址", getattr(org, "address", "") or "—")]


def notice(row, user=None) -> bytes:
    """列入严重失信主体名单告知书: the grounds, the basis, the period to be heard, the rights."""
    p = rules.periods()
    doc = OfficialDocument(row.issuer, "拟列入安全生产严重失信主体名单告知书", row.notice_number)
    doc.paragraph(f"{row.organization.name}：", indent=False)
    doc.paragraph(f"经核查，你单位存在下列情形：{row.rule_title}。根据{row.article}的规定，本机关拟将你单位"
                  + ("及其主要负责人" if row.principal_name else "") + "列入安全生产严重失信主体名单。")
    doc.heading("一、事实")
    for line in _facts(row):
        doc.paragraph(line)
    doc.heading("二、权利")
    doc.paragraph(f"你单位有权进行陈述和申辩。请于 {row.statement_due:%Y年%m月%d日} 前（告知之日起 "
                  f"{p['statement_working_days'].value} 个工作日内）向本机关提出书面陈述申辩意见；逾期未提出的，视为放弃。"
                  f"本机关将对你单位提出的事实、理由和证据进行复核。")
    doc.paragraph(f"列入名单的管理期限为 {p['management_years'].value} 年；列入满 {p['early_removal_months'].value} "
                  "个月后，符合条件的可以申请提前移出。")
    doc.facts(_party(row))
    doc.signature(row.issuer, row.notified_on)
    doc.paragraph("当事人签收：________　　签收时间：________", indent=False)
    return doc.bytes()


def decision(row, user=None) -> bytes:
    """列入严重失信主体名单决定书: party, grounds and basis, the management period, early removal, remedies."""
    p = rules.periods()
    doc = OfficialDocument(row.issuer, "列入安全生产严重失信主体名单决定书", row.decision_number)
    doc.facts(_party(row))
    doc.heading("一、列入事由和依据")
    doc.paragraph(f"{row.rule_title}。依据{row.article}。")
    for line in _facts(row):
        doc.paragraph(line)
    if row.notice_number:
        doc.paragraph(f"本机关已于 {row.notified_on:%Y年%m月%d日} 以{row.notice_number}告知你单位"
                      + (f"，你单位于 {row.statement_on:%Y年%m月%d日} 提出陈述申辩意见，经复核不予采纳。"
                         if row.statement_on else "，你单位在规定期限内未提出陈述申辩意见。"))
    doc.heading("二、决定")
    doc.paragraph(f"决定将你单位列入安全生产严重失信主体名单，管理期限 {p['management_years'].value} 年，"
                  f"自 {row.decided_on:%Y年%m月%d日} 至 {row.ends_on:%Y年%m月%d日}，期满自动移出。管理期内依法依规实施惩戒，"
                  "包括加大执法检查频次、不得参加评优评先等。")
    doc.heading("三、提前移出和救济途径")
    doc.paragraph(f"列入满 {p['early_removal_months'].value} 个月后，已履行行政处罚决定、纠正失信行为、消除不良影响"
                  "并作出信用承诺的，可以向本机关申请提前移出；以隐瞒真实情况、弄虚作假等方式取得提前移出的，撤销提前移出决定，"
                  "恢复列入状态。")
    doc.paragraph("对公开的信息有异议的，可以向本机关提出。对本决定不服的，可以依法申请行政复议或者提起行政诉讼。")
    doc.signature(row.issuer, row.decided_on)
    return doc.bytes()
