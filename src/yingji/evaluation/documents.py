"""The evaluation report (.docx, A4, the platform's GB/T 9704 layout): the indicator table with each
indicator's value against its straight-line path and light, one chart per indicator (a PNG drawn by
chart.py: values blue, path orange dashed, goal red dashed), key projects and tasks, and the office's
words. Written from the results kept with the report when they were computed."""

from __future__ import annotations

import io

from docx.shared import Mm

from yingji.core.framework.documents import OfficialDocument
from yingji.evaluation import chart
from yingji.evaluation.indicators import LIGHT_LABELS
from yingji.evaluation.services import number

CHINESE_NUMBERS = "一二三四五六七八九十"


def _heading(doc, n: int, text: str):
    doc.heading(f"{CHINESE_NUMBERS[n]}、{text}")


def report(evaluation) -> bytes:
    plan = evaluation.plan
    res = evaluation.results or {}
    rows = res.get("indicators", [])
    doc = OfficialDocument(plan.issuer, evaluation.title, f"{evaluation.get_kind_display()}（数据截至{evaluation.year}年）")
    doc.paragraph(f"根据《{plan.title}》{('（' + plan.document_number + '）') if plan.document_number else ''}"
                  f"关于规划实施监测评估的要求，现对规划期{plan.period_start}—{plan.period_end}年"
                  f"（基期{plan.base_year}年）截至{evaluation.year}年的实施情况进行{evaluation.get_kind_display()}。"
                  f"指标按直线进度评价：达到或优于直线进度为“正常”，落后不超过基期至目标差距的"
                  f"{number(float(plan.margin_pct))}%为“预警”，超过为“滞后”。")
    n = 0
    _heading(doc, n, "总体评价")
    n += 1
    lights = [r["lights"][-1] for r in rows if r["lights"]]
    counts = {k: lights.count(k) for k in LIGHT_LABELS}
    doc.paragraph(f"规划共设指标{len(rows)}项，截至{evaluation.year}年：正常{counts['green']}项，预警{counts['yellow']}项，"
                  f"滞后{counts['red']}项，无数据{counts['grey']}项。")
    if evaluation.summary:
        doc.paragraph(evaluation.summary)
    _heading(doc, n, "主要指标完成情况")
    n += 1
    table = []
    for r in rows:
        i = len(r["years"]) - 1
        value = r["values"][i] if r["values"] else None
        table.append([r["seq"], r["name"], r["unit"], r["binding"], number(r["base"]), r["target"],
                      number(value), number(r["path"][i] if r["path"] else None),
                      LIGHT_LABELS[r["lights"][i]] if r["lights"] else "—",
                      (number(r["progress"][i], 1) + "%") if r["progress"] and r["progress"][i] is not None else "—"])
    doc.table(["序号", "指标", "单位", "属性", "基期值", "目标", f"{evaluation.year}年", "直线进度", "评价", "完成进度"],
              table, size=9)
    doc.paragraph("完成进度为（当期值 − 基期值）÷（目标值 − 基期值）；目标标注“未核实”的以规划原文为准。", indent=False)
    for r in rows:
        doc.paragraph(f"{r['seq']}. {r['name']}（{r['unit']}）= {r['formula']}；目标 {r['target']}"
                      f"{'' if r['confirmed'] else '（未核实）'}；责任单位：{r['owner'] or '—'}。", indent=False)
        years_row = [[str(y), number(v), number(p), LIGHT_LABELS[light]]
                     for y, v, p, light in zip(r["years"], r["values"], r["path"], r["lights"], strict=True)]
        doc.table(["年份", "当年值", "直线进度", "评价"], years_row, size=9)
        image = chart.line_chart(r["years"], r["values"], r["path"], r["goal"])
        doc.doc.add_picture(io.BytesIO(image), width=Mm(150))
        doc.paragraph(f"图{r['seq']}　{r['name']}：蓝线为当年值，橙色虚线为直线进度，红色虚线为规划目标"
                      f"（{r['years'][0]}—{r['years'][-1]}年）。", indent=False)
    projects = res.get("projects", [])
    if projects:
        _heading(doc, n, "重点工程（项目）进展")
        n += 1
        doc.table(["工程（项目）", "所属重点工程", "责任单位", "建设期", "进展", "完成进度"],
                  [[p["name"], p["programme"], p["owner"], p["years"], p["state"], f"{p['progress']}%"] for p in projects],
                  size=9)
    tasks = res.get("tasks", [])
    if tasks:
        _heading(doc, n, "主要任务落实情况")
        n += 1
        late = sum(1 for t in tasks if t["overdue"])
        doc.paragraph(f"规划主要任务{len(tasks)}项，已完成{sum(1 for t in tasks if t['state'] == '已完成')}项，"
                      f"超过完成时限未完成{late}项。")
        doc.table(["任务", "责任单位", "完成时限", "状态"],
                  [[t["title"], t["owner"], t["due"], t["state"] + ("（已超期）" if t["overdue"] else "")] for t in tasks],
                  size=9)
    if evaluation.problems:
        _heading(doc, n, "存在问题")
        n += 1
        doc.paragraph(evaluation.problems)
    if evaluation.next_steps:
        _heading(doc, n, "下一步措施")
        n += 1
        doc.paragraph(evaluation.next_steps)
    comments = evaluation.comments.count()
    if evaluation.comment_from:
        doc.paragraph(f"本报告于{evaluation.comment_from:%Y年%m月%d日}至{evaluation.comment_until:%Y年%m月%d日}公开征求意见，"
                      f"收到意见{comments}条。")
    doc.signature(plan.issuer)
    return doc.bytes()
