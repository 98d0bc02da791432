"""The actions of disaster statistics, each declared once (page + API + schema + generic tests):
起草报告, 填报本单位灾情, 保存/提交 (with the checks), 汇总下级, 接收/退回, 报送上级平台, 接收下级报送,
and on an incident 开启灾情报送."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Conflict, Operation, OperationForm, PhotosField
from yingji.disasters import paste, services, ui
from yingji.disasters.choices import ReportKind, ReportLevel, ReportState
from yingji.disasters.models import TEXT_PARTS, DisasterReport
from yingji.disasters.workflow import COUNTY, RECEIVERS, REPORTERS
from yingji.extraction.forms import add_paste_fields, pop_paste

EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


def _page(report) -> str:
    return reverse("registry_detail", args=["disaster-reports", report.pk])


def _event_page(event) -> str:
    return reverse("registry_detail", args=["disaster-events", event.pk])


# ---- 起草报告 (the county opens the next report of the event) ------------------------------------------

class OpenForm(OperationForm):
    kind = forms.ChoiceField(choices=ReportKind.choices, label="报告类别",
                             help_text="依次：初报 → 续报（可多次）→ 灾情稳定后核报")
    townships = forms.ModelMultipleChoiceField(queryset=None, required=False, label="受灾乡镇（街道）",
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text="各乡镇随之生成待填报的报告（1 小时内报县级）；未选的乡镇填报时自动加入")

    def __init__(self, *args, **kwargs):
        from yingji.core.models import Region

        super().__init__(*args, **kwargs)
        towns = Region.objects.filter(level="township")
        if self.record is not None:
            towns = towns.filter(parent=self.record.region)
            self.fields["townships"].initial = list(self.record.townships.values_list("pk", flat=True))
        self.fields["townships"].queryset = towns.for_user(self.user) if self.user is not None else towns.none()
        self.fields["townships"].widget.attrs["class"] = "form-check-input"


def open_report(user, event, *, kind, townships=()):
    if townships:
        event.townships.add(*townships)
    return services.open_report(user, event, kind)


# ---- 填报本单位灾情 (a village's or township's entry) ----------------------------------------------------

def my_entry(user, event):
    return services.entry_for(user, event)


def _may_enter(user, event) -> str | None:
    from yingji.core.framework.access import effective_region, has_global_scope

    unit = effective_region(user)
    if has_global_scope(user) or unit is None or unit.level not in ("village", "township"):
        return "只有村（社区）和乡镇（街道）账号填报本单位灾情"
    return None


# ---- the report form: figures grouped as the 快报 groups them, the 文字说明, explanations -------------

class ReportForm(OperationForm):
    """The figures of one unit (money in 万元), its 文字说明 and, once the checks ask for them, the
    written explanations of figures that fell or jumped. Bound with data, it adds an explanation
    field for each finding the typed figures call for, so the refusal lands beside its figure."""

    explanations = forms.JSONField(required=False, label="数据说明（接口用）", widget=forms.HiddenInput,
                                   help_text="需说明的核查提示 → 书面说明，如 {\"explain_deaths\": \"…\"}")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = self.record
        for code, ind in services.rules().indicators.items():
            unit = "万元" if ind.stored_as == "yuan" else ind.unit
            self.fields[f"f_{code}"] = forms.DecimalField(
                required=False, min_value=0, label=f"{services.rules().name(code)}（{unit}）",
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "class": "form-control form-control-lg",
                                                "step": "any", "data-group": ui.group_of(code)}))
            if report is not None:
                self.fields[f"f_{code}"].initial = services.shown_figure(code, report.figures.get(code))
        county = report is None or report.level == ReportLevel.COUNTY
        for part in TEXT_PARTS:
            field = DisasterReport._meta.get_field(part)
            self.fields[part] = forms.CharField(required=False, label=field.verbose_name, max_length=4000,
                                                widget=forms.Textarea(attrs={"rows": 3 if county else 2,
                                                                             "class": "form-control"}))
            if report is not None:
                self.fields[part].initial = getattr(report, part)
        self.fields["photos"] = PhotosField(required=False, label="现场照片",
                                            help_text="已启动应急响应的，县级报告须附照片不少于 3 张")
        self.fields["photos"].widget.attrs.update({"capture": "environment", "class": "form-control form-control-lg"})
        if report is not None and services.unit_key(report) is not None and not report.event.received_from:
            for source in services.figure_sources():
                for code in source.codes:
                    if f"f_{code}" in self.fields:
                        self.fields[f"f_{code}"].help_text = f"由{source.label}取数，不必手填"
        if report is not None and self.is_bound:
            self._ask_explanations(report)
        add_paste_fields(self)  # 粘贴文字提取 (disasters/paste.py)

    def _ask_explanations(self, report):
        typed, errors = services.parse_figures({k[2:]: v for k, v in self.data.items() if k.startswith("f_")})
        if errors:
            return
        for finding in services.findings(report, typed):
            if finding.kind == "explain":
                name = services.explanation_field(finding)
                self.fields[name] = forms.CharField(required=False, label=f"说明：{finding.label}", max_length=1000,
                                                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                                                    help_text=finding.message)

    def clean(self):
        """Only what was sent changes: a submission from the record page's button (no figures in it)
        keeps the figures and text already saved."""
        cleaned = super().clean()
        sent = set(self.data)
        if not any(name.startswith("f_") for name in sent):
            for name in [n for n in cleaned if n.startswith("f_")]:
                del cleaned[name]
        for part in TEXT_PARTS:
            if part not in sent:
                cleaned.pop(part, None)
        return cleaned

    def sources(self):
        """The figure sources this report may take (取数), each with the 快报 group its figures are in, so
        the phone page puts the button beside them; their fields say where the number comes from."""
        report = self.record
        if report is None or services.unit_key(report) is None or report.event.received_from:
            return []
        return [{"label": s.label, "group": ui.group_of(s.codes[0]),
                 "url": reverse("record_operation", args=["disaster-reports", report.pk, "take-figures"])}
                for s in services.figure_sources()]

    def groups(self):
        """The figure fields by 快报 group, for the phone page."""
        return [(label, [self[f"f_{code}"] for code in codes if f"f_{code}" in self.fields])
                for label, codes in ui.groups()]

    def text_fields(self):
        return [self[p] for p in TEXT_PARTS]

    def explain_fields(self):
        return [self[n] for n in self.fields if n.startswith("explain_")]


def _inputs(data) -> tuple[dict, dict, dict, list]:
    figures, text, explain, photos = None, {}, dict(data.pop("explanations", None) or {}), data.pop("photos", []) or []
    if any(name.startswith("f_") for name in data):
        figures = {}
    for name, value in data.items():
        if name.startswith("f_"):
            figures[name[2:]] = value
        elif name.startswith("explain_"):
            if value:
                explain[name] = value
        elif name in TEXT_PARTS:
            text[name] = value
    if figures is None:
        return None, text, explain, photos
    parsed, errors = services.parse_figures(figures)
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({f"f_{code}": message for code, message in errors.items()})
    return parsed, text, explain, photos


def _attach(user, report, photos):
    from yingji.core.framework import services as core

    for upload in photos:
        core.attach_file(user, report, upload, "灾情照片")


def fill(user, report, **data):
    pasted, reference_date = pop_paste(data)
    figures, text, _, photos = _inputs(dict(data))
    report = services.save_entry(user, report, services.to_numbers(report.figures) if figures is None else figures, text)
    _attach(user, report, photos)
    paste.record(user, report, pasted, reference_date, data)
    return report


def take_figures(user, report, **data):
    pasted, reference_date = pop_paste(data)
    figures, text, _, photos = _inputs(dict(data))
    report = services.take_figures(user, report, figures, text)
    _attach(user, report, photos)
    paste.record(user, report, pasted, reference_date, data)
    return report


def _takes_figures(report) -> bool:
    return _editable(report) and not report.event.received_from and services.unit_key(report) is not None \
        and bool(services.figure_sources())


def _taken(report) -> dict:
    return getattr(report, "taken_figures", None) or services.sourced_figures(report)


def _taken_message(report) -> str:
    taken = _taken(report)
    names = "、".join(f"{services.rules().name(code)} {value}" for code, (_, value) in taken.items())
    return f"已按{'、'.join(sorted({label for label, _ in taken.values()}))}取数：{names}（草稿已保存）"


def submit(user, report, **data):
    pasted, reference_date = pop_paste(data)
    figures, text, explain, photos = _inputs(dict(data))
    if report.state not in EDITABLE:
        raise Conflict(f"报告已{report.get_state_display()}，不能再次提交")
    _attach(user, report, photos)
    submitted = services.submit(user, report, figures, text, explain)
    paste.record(user, report, pasted, reference_date, data)
    return submitted


def _editable(report) -> bool:
    return report.state in EDITABLE


def _not_a_copy(user, report) -> str | None:
    return "下级报送的报告副本不能在本级修改" if report is not None and report.event.received_from else None


# ---- 汇总, 接收, 退回 ----------------------------------------------------------------------------------

def roll_up(user, report):
    return services.roll_up(user, report)


class ReturnForm(OperationForm):
    reason = forms.CharField(max_length=300, label="退回理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "退回须填写理由"})


def accept(user, report):
    from yingji.core.framework import workflow

    return workflow.apply(user, report, "accept")


def return_back(user, report, *, reason):
    from yingji.core.framework import workflow

    return workflow.apply(user, report, "return_back", inputs={"reason": reason})


def _receiver(user, report) -> str | None:
    return None if report is None else services.check_receiver(user, report)


# ---- 报送上级平台 (outbound) and 接收下级报送 (inbound) ----------------------------------------------------

def send_up(user, report):
    from yingji.disasters import exchange

    return exchange.send_up(user, report)


class ReceiveForm(OperationForm):
    report = forms.JSONField(label="报告", help_text="下级平台报送的县级报告（含各乡镇数据），按报告标识 uuid 幂等")


def receive(user, *, report):
    from yingji.disasters import exchange

    return exchange.receive(user, report)


# ---- 开启灾情报送 on a natural-disaster incident --------------------------------------------------------

class OpenFromIncidentForm(OperationForm):
    disaster_type = forms.ChoiceField(required=False, label="灾种", help_text="不选则按事件类型自动对应")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disaster_type"].choices = [("", "按事件类型")] + [
            (t.code, t.name) for t in services.rules().types.values()]


def open_from_incident(user, incident, *, disaster_type=""):
    return services.open_from_incident(user, incident, disaster_type=disaster_type)


operations.register(
    Operation("disaster-events", "open-report", "起草报告", open_report, form=OpenForm, record_button=True, roles=COUNTY,
              offered=lambda e: e.state != "closed" and not e.received_from,
              permission="disasters.add_disasterreport",
              summary="起草本事件的下一份县级报告（初报、续报、核报依次），各受灾乡镇随之生成待填报的报告；顺序不对返回 409",
              message=lambda r: f"已起草{r.get_kind_display()}（第{r.sequence}报），各乡镇待填报",
              next_url=lambda event, r: _page(r), result=lambda r: {"report": r.pk, "sequence": r.sequence}),
    Operation("disaster-events", "my-entry", "填报本单位灾情", my_entry, permission="disasters.add_disasterreport",
              refusal=lambda user, event: _may_enter(user, event) if event is not None else None,
              summary="村（社区）、乡镇（街道）填报本单位在当前报次的灾情（首次填报从上一报的数据开始）",
              message=lambda r: f"请填报{r.unit_name}的灾情", record_button=True,
              offered=lambda e: e.state in ("reporting", "final") and not e.received_from,
              next_url=lambda event, r: reverse("record_operation", args=["disaster-reports", r.pk, "submit"]),
              result=lambda r: {"report": r.pk}),
    Operation("disaster-events", "receive", "接收下级报送", receive, form=ReceiveForm, detail=False,
              permission="disasters.add_disasterevent", roles=COUNTY, page=False,
              summary="上级平台接收下级平台报送的县级报告（含各乡镇数据）；同一报告标识重复报送只更新不重复",
              message=lambda r: f"已接收{r.unit_name}{r.get_kind_display()}",
              result=lambda r: {"report": r.pk, "event": r.event_id, "uuid": str(r.uuid)}),
    Operation("disaster-reports", "fill", "保存草稿", fill, form=ReportForm, record_button=True, roles=REPORTERS,
              permission="disasters.add_disasterreport", refusal=_not_a_copy, offered=_editable,
              summary="保存本单位灾情数据和文字说明（草稿，不核查）；金额按万元填写",
              message=lambda r: "已保存草稿", next_url=lambda r, _: _page(r)),
    Operation("disaster-reports", "submit", "提交", submit, form=ReportForm, record_button=True, roles=REPORTERS,
              permission="disasters.add_disasterreport", refusal=_not_a_copy, offered=_editable,
              template="disasters/entry.html",
              summary="提交上级：先核查数据（错误返回 400 并指明指标；累计数下降或激增须在 explain_<指标> 中书面说明）",
              message=lambda r: f"已提交{r.unit_name}{r.get_kind_display()}", next_url=lambda r, _: _page(r),
              result=lambda r: {"state": r.state, "explanations": r.explanations}),
    Operation("disaster-reports", "take-figures", "从登记取数", take_figures, form=ReportForm, record_button=True,
              roles=REPORTERS, permission="disasters.add_disasterreport", refusal=_not_a_copy, offered=_takes_figures,
              summary="保存草稿，并以其他业务的登记数据（如避灾安置的集中安置人口、集中安置点数）替换相应指标；"
                      "村级报告和收到的下级副本没有可取的数据（409）",
              message=_taken_message,
              next_url=lambda r, _: reverse("record_operation", args=["disaster-reports", r.pk, "submit"]),
              result=lambda r: {"figures": {c: v for c, (_, v) in _taken(r).items()}}),
    Operation("disaster-reports", "roll-up", "汇总下级", roll_up, record_button=True, roles=RECEIVERS,
              offered=lambda r: r.level != "village" and _editable(r), refusal=_not_a_copy,
              summary="按下级已提交的报告汇总本单位数据（乡镇汇总各村，县级汇总各乡镇并保留分乡镇数据）",
              message=lambda r: "已汇总下级数据，请核对后提交", next_url=lambda r, _: _page(r)),
    Operation("disaster-reports", "accept", "接收", accept, roles=RECEIVERS, refusal=_receiver,
              offered=lambda r: r.state == ReportState.SUBMITTED,
              summary="上一级接收下级提交的报告", message=lambda log: "已接收", next_url=lambda r, _: _page(r)),
    Operation("disaster-reports", "return-back", "退回", return_back, form=ReturnForm, roles=RECEIVERS,
              refusal=_receiver, offered=lambda r: r.state == ReportState.SUBMITTED,
              summary="上一级退回下级提交的报告（须写明理由），下级修改后重新提交",
              message=lambda log: "已退回", next_url=lambda r, _: _page(r)),
    Operation("disaster-reports", "send-up", "报送上级平台", send_up, record_button=True, roles=COUNTY,
              offered=lambda r: r.level == ReportLevel.COUNTY and r.state in (ReportState.SUBMITTED,
                                                                                  ReportState.ACCEPTED),
              summary="经上报通道把已提交的县级报告（含各乡镇数据）报送到上级平台的接收接口",
              message=lambda r: r.sent_up_result or "已报送上级平台", next_url=lambda r, _: _page(r),
              result=lambda r: {"sent_up_at": r.sent_up_at, "result": r.sent_up_result}),
    Operation("incidents", "open-disaster", "开启灾情报送", open_from_incident, form=OpenFromIncidentForm, record_button=True,
              permission="disasters.add_disasterevent", roles=COUNTY,
              offered=lambda incident: incident.category == "natural" and not incident.disaster_events.exists(),
              summary="自然灾害类突发事件开启灾情事件：按事件类型对应灾种，事件已有的伤亡和损失作为初报草稿的数据",
              message=lambda e: f"已开启灾情事件：{e.name}", next_url=lambda incident, e: _event_page(e),
              result=lambda e: {"event": e.pk, "url": _event_page(e)}),
)
