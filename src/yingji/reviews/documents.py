"""The reports as .docx (the platform's GB/T 9704 layout): 事故调查报告, 复盘（灾害调查评估）报告, 演练评估报告."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.framework.documents import OfficialDocument
from yingji.reviews.models import FOUR_ITEMS


def _measures(doc, source, heading):
    from yingji.reviews.services import measures_line

    doc.heading(heading)
    lines = measures_line(source)
    for line in lines or ["（未登记整改措施）"]:
        doc.paragraph(line)


def investigation_report(inv) -> bytes:
    i = inv.incident
    doc = OfficialDocument(inv.led_by, f"{i.title}调查报告", inv.number)
    doc.facts([
        ("事故", f"{i.number} {i.title}"), ("发生时间", f"{timezone.localtime(i.occurred_at):%Y-%m-%d %H:%M}"),
        ("发生地点", i.address), ("事故等级", i.grade_label or "—"),
        ("伤亡", f"死亡 {i.deaths} 人，失踪 {i.missing} 人，重伤 {i.injured} 人"),
        ("调查组组长", inv.leader), ("参加调查单位", inv.units),
        ("提级调查", ("是：" + inv.upgraded_note) if inv.upgraded else "否"),
        ("挂牌督办", ("是：" + inv.supervised_by) if inv.supervised else "否"),
        ("事故性质", inv.nature),
    ])
    for n, (name, label) in enumerate(FOUR_ITEMS, 1):
        doc.heading(f"{'一二三四'[n - 1]}、{label}")
        doc.paragraph(getattr(inv, name) or "（未填写）")
    doc.heading("五、责任认定和处理建议")
    rows = list(inv.responsibilities.all())
    if rows:
        doc.table(["责任人或单位", "单位及职务", "处理类别", "认定事实与处理意见"],
                  [[r.subject, r.position, r.get_kind_display(), r.finding] for r in rows])
    else:
        doc.paragraph("（未登记）")
    _measures(doc, inv, "六、防范和整改措施")
    if inv.lookback_due:
        doc.paragraph(f"整改措施落实情况评估（回头看）：{inv.lookback_from:%Y-%m-%d} 至 {inv.lookback_due:%Y-%m-%d} 组织开展。")
    doc.signature(f"{i.title}调查组", inv.closed_on or timezone.localdate())
    return doc.bytes()


def review_report(review) -> bytes:
    from yingji.reviews.services import assemble

    data = assemble(review)
    doc = OfficialDocument(f"{review.region.name}应急管理局", f"{review.title}{review.get_kind_display()}报告", review.number)
    doc.heading("一、基本情况")
    subject = [review.incident and f"突发事件：{review.incident.number} {review.incident.title}",
               review.event and f"灾情事件：{review.event.name}"]
    doc.paragraph("；".join(s for s in subject if s) + "。")
    if review.team:
        doc.paragraph(f"评估组：{review.team}")
    doc.heading("二、应对过程时间线（据平台记录自动生成）")
    doc.table(["时间", "环节", "内容"], [[e["at"], e["kind"], e["text"]] for e in data["entries"]] or [["—", "—", "未记录"]])
    doc.heading("三、响应效率")
    doc.table(["指标", "数值", "计算口径"], [[x["label"], x["text"], x["basis"]] for x in data["figures"]])
    doc.paragraph("注：平台未记录的数据标为“未记录”，不作推算。")
    doc.heading("四、主要经验和问题")
    doc.paragraph(review.findings or "（未填写）")
    _measures(doc, review, "五、整改措施")
    doc.heading("六、评估结论")
    doc.paragraph(review.conclusion or "（未填写）")
    doc.signature(f"{review.region.name}应急管理局", timezone.localtime(review.finalised_at).date()
                  if review.finalised_at else timezone.localdate())
    return doc.bytes()


def evaluation_report(ev) -> bytes:
    from yingji.reviews import rules
    from yingji.reviews.services import evaluation_rows

    d = ev.drill
    rows, result = evaluation_rows(ev)
    doc = OfficialDocument(d.plan.organization.name if d.plan.organization_id else d.plan.region.name,
                           f"{d.plan.name}演练评估报告", ev.number)
    doc.facts([("演练", str(d)), ("演练形式", d.get_kind_display()), ("演练情景", d.scenario),
               ("参演单位和人员", d.participants), ("评估组组长", ev.lead_evaluator), ("评估人员", ev.evaluators),
               ("总分", f"{ev.score if ev.score is not None else result.total or '—'}"),
               ("评估等级", ev.grade or result.grade), ("评估覆盖", f"{result.coverage}% 权重")])
    doc.heading("一、评分")
    doc.table(["序号", "评估项目", "评估内容", "权重", "时限（分钟）", "观察次数", "超时", "得分"],
              [[c.position, c.section, c.text, c.weight, c.limit_minutes or "—", r.observations, r.late,
                r.score if r.score is not None else "未评"] for c, r in rows])
    doc.paragraph(f"评分方法：{rules.scoring()['source']}。")
    doc.heading("二、观察记录")
    obs = list(ev.observations.select_related("criterion"))
    doc.table(["时间", "评估项目", "得分", "观察情况"],
              [[f"{timezone.localtime(o.at):%H:%M:%S}", o.criterion.section, o.score, o.note] for o in obs]
              or [["—", "—", "—", "未记录"]])
    doc.heading("三、参演单位自评")
    selfs = list(ev.self_assessments.all())
    for s in selfs or []:
        doc.paragraph(f"{s.unit}：{s.get_rating_display()}。{s.strengths} {s.problems}".strip())
    if not selfs:
        doc.paragraph("（未登记）")
    _measures(doc, ev, "四、改进措施")
    doc.heading("五、评估结论")
    doc.paragraph(ev.conclusion or "（未填写）")
    doc.signature(f"{d.plan.name}演练评估组", timezone.localtime(ev.ended_at).date() if ev.ended_at else d.date)
    return doc.bytes()
