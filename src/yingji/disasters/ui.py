"""How the pages group the 快报 indicators (the form's own blocks: people, relocation, living aid,
houses, crops, losses, infrastructure), for the phone entry page."""

from __future__ import annotations

from functools import cache

GROUPS = (
    ("人员受灾", ("affected_population", "deaths", "missing", "injured", "injured_serious", "drinking_water_difficulty",
              "emergency_avoidance")),
    ("转移安置", ("relocated_total", "relocated_concentrated", "relocated_dispersed", "relocated_current", "shelter_sites")),
    ("生活救助", ("emergency_aid_total", "emergency_aid_current", "transition_aid", "transition_aid_female",
              "transition_aid_elderly", "transition_aid_children", "sanwu_sangu")),
    ("房屋倒损", ("houses_collapsed_rooms", "houses_collapsed_households", "houses_severe_rooms",
              "houses_severe_households", "houses_minor_rooms", "houses_minor_households")),
    ("农作物受灾", ("crop_affected_area", "crop_affected_grain", "crop_damaged_area", "crop_damaged_grain",
               "crop_lost_area", "crop_lost_grain")),
)
OTHER = ("经济损失和基础设施", None)  # every other indicator of the catalogue (附表), in form order


@cache
def groups() -> list[tuple[str, tuple[str, ...]]]:
    from yingji.disasters.services import rules

    named = {code for _, codes in GROUPS for code in codes}
    known = rules().indicators
    out = [(label, tuple(c for c in codes if c in known)) for label, codes in GROUPS]
    return out + [(OTHER[0], tuple(c for c in known if c not in named))]


def group_of(code: str) -> str:
    return next((label for label, codes in groups() if code in codes), OTHER[0])


def disaster_type_select():
    from django import forms

    from yingji.disasters.services import rules

    return forms.Select(choices=[("", "请选择"), *((t.code, f"{t.name}（{t.main_name}）") for t in rules().types.values())])


def unit_of(code: str) -> str:
    from yingji.disasters.services import rules

    ind = rules().indicators[code]
    return "万元" if ind.stored_as == "yuan" else ind.unit


def _duration(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours or days else "") + f"{mins}分"
    return text


def countdown_lines(event, now=None) -> list[str]:
    """Each clock of the event as the duty officer reads it: 还剩 / 已超时 / 已报送."""
    from django.utils import timezone

    from yingji.disasters import services

    out = []
    for row, state in services.clock_states(event, now):
        due = timezone.localtime(row.due_at).strftime("%m-%d %H:%M")
        if state.status == "done":
            late = "（超时报送）" if state.seconds_left < 0 else ""
            out.append(f"{row.label}：已报送 {timezone.localtime(row.done_at):%m-%d %H:%M}{late}")
        elif state.status == "overdue":
            out.append(f"{row.label}：已超时 {_duration(state.seconds_left)}（应于 {due} 前报送）")
        else:
            out.append(f"{row.label}：还剩 {_duration(state.seconds_left)}（{due} 前）")
    return out


def event_summary(event) -> list:
    from django.utils import timezone

    from yingji.disasters import services

    r = services.rules()
    kind = r.types.get(event.disaster_type)
    head = [f"灾种：{kind.name if kind else event.disaster_type}（上报市级为 {kind.main_name}）" if kind else
            f"灾种：{event.disaster_type}", f"状态：{event.get_state_display()}"]
    if event.received_from:
        head.append(f"下级报送的副本：{event.received_from}")
    reports = [f"第{r_.sequence}报 {r_.get_kind_display()}：{r_.get_state_display()}"
               + (f"，提交于 {timezone.localtime(r_.submitted_at):%m-%d %H:%M}" if r_.submitted_at else "")
               for r_ in event.reports.filter(level="county").order_by("sequence")]
    out = [("灾情事件", head), ("报告时限", countdown_lines(event) or ["暂无报告时限"])]
    out.append(("县级报告", reports or ["尚未起草初报：请点“起草报告”"]))
    latest = services.latest_county_report(event)
    if latest is not None:
        figures = services.to_numbers(latest.figures)
        shown = [f"{r.name(c)}：{services.shown_figure(c, v)} {unit_of(c)}" for c, v in figures.items()
                 if c in r.indicators and v]
        out.append((f"最新数据（第{latest.sequence}报）", shown[:12] or ["尚无数据"]))
    return out


def report_summary(report) -> list:
    """The report's diff against its unit's previous report (copy-forward), and what the checks say."""
    from yingji.disasters import changes, services

    r = services.event_rules(report.event)  # the jump ratio the diff flags by is the county's
    out = [("报告", [f"{report.unit_name} · {report.get_level_display()} · 第{report.sequence}报"
                     f"{report.get_kind_display()} · {report.get_state_display()}"]
            + ([f"退回理由：{report.returned_reason}"] if report.returned_reason else []))]
    before = services.previous_of(report)
    if before is not None:
        rows = changes.diff({"": services.to_numbers(before.figures)}, {"": services.to_numbers(report.figures)}, r,
                            only_changed=True)
        lines = []
        for c in rows:
            old, new = services.shown_figure(c.code, c.old), services.shown_figure(c.code, c.new)
            unit = "万元" if r.indicators[c.code].stored_as == "yuan" else c.unit
            flag = "（需说明）" if c.needs_explanation else ""
            lines.append(f"{c.label}：{'—' if old is None else old} → {'—' if new is None else new} {unit}{flag}")
        out.append((f"与上一报（第{before.sequence}报）相比", lines or ["数据没有变化"]))
    if report.explanations:
        out.append(("数据说明", [f"{k.removeprefix('explain_')}：{v}" for k, v in report.explanations.items()]))
    if report.breakdown:
        out.append(("分单位数据", [f"{row['name']}：受灾人口 {row['figures'].get('affected_population', '—')} 人"
                                   for row in report.breakdown]))
    return out
