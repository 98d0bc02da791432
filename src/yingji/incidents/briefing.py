"""信息专报 (.docx) for a report, in the layout bureaus exchange: red-headed issuer, 第N期, title,
报送单位/签发人/时间, then 一、概况 二、经过 三、伤亡情况 四、损失情况 五、已采取措施 六、下步工作."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.framework import money
from yingji.core.framework.documents import OfficialDocument


def _cn_time(moment) -> str:
    t = timezone.localtime(moment)
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"


def casualties_text(r) -> str:
    parts = [f"死亡{r.deaths}人", f"失踪{r.missing}人", f"重伤{r.injured}人"]
    if r.trapped:
        parts.append(f"被困{r.trapped}人")
    if r.relocated:
        parts.append(f"紧急转移安置{r.relocated}人")
    confirmed = "（已核实）" if r.casualties_confirmed else "（初步统计，待核实）"
    return "截至报告时，" + "，".join(parts) + "。" + confirmed


def build(report) -> bytes:
    incident = report.incident
    doc = OfficialDocument(report.issuer, f"关于{incident.title}的{report.get_kind_display()}",
                           number=f"信息专报 第{report.sequence}期")
    when = report.sent_at or timezone.now()
    doc.facts([("报送单位", report.issuer), ("签发人", report.signer), ("报送时间", _cn_time(when)),
               ("报送至", report.get_sent_to_display()), ("事件编号", incident.number),
               ("事件类型", incident.type.name), ("事件等级", f"{incident.grade_label}（{incident.grade_reason}）")])
    occurred = _cn_time(report.occurred_at) if report.occurred_at else "时间待核实"
    overview = f"{occurred}，{report.place}发生{incident.type.name}。"
    if report.unit_profile:
        overview += f"事发单位概况：{report.unit_profile}"
    sections = [
        ("一、概况", overview + (f"现场情况：{report.scene}" if report.scene else "")),
        ("二、经过", report.course),
        ("三、伤亡情况", casualties_text(report)),
        ("四、损失情况", (f"初步估计直接经济损失{money.wan_text(report.direct_loss_cny)}万元。"
                     if report.direct_loss_cny is not None else "")
         + report.losses),
        ("五、已采取措施", report.measures),
        ("六、下步工作", report.next_steps),
    ]
    for heading, text in sections:
        doc.heading(heading)
        for line in (text or "无").splitlines():
            if line.strip():
                doc.paragraph(line.strip())
    doc.signature(report.issuer, timezone.localtime(when).date())
    return doc.bytes()
