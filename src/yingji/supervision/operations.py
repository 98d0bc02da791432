"""The supervision actions, declared once each (core/framework/operations.py), each a page action and an
API endpoint with the same checks and located errors:

- 同步名录 (POST /api/inspection-objects/enroll/): the scope's enterprises into the 检查对象名录库, risk
  levels refreshed from the risk app;
- 双随机抽取 (POST /api/plan-items/<id>/draw/): a seeded draw of enterprises and inspectors, logged,
  with one check per enterprise drawn;
- 安排检查 (POST /api/inspections/schedule/): a key-enterprise check, or a complaint- or accident-driven
  one (which may go beyond the plan's cap, recorded as such);
- 填写结果 (POST /api/inspection-items/<id>/answer/), 记录问题 and 拍照取证 on a check in progress;
- 转为隐患 (POST /api/findings/<id>/to-hazard/): the finding becomes a hidden hazard on the closed loop.

Verifying a draw re-runs a computation and writes nothing: a page and a GET endpoint (views.py).
"""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm, PhotosField
from yingji.core.models import Organization, Region
from yingji.hazards.choices import Grade
from yingji.risk.choices import Level as RiskLevel
from yingji.supervision import draw, services
from yingji.supervision.choices import Answer, CheckState, EnterpriseClass, Standardization, Trigger
from yingji.supervision.models import Finding, InspectionItem, Inspector, PlanItem
from yingji.supervision.workflow import INSPECTORS, PLANNERS

DATE = forms.DateInput(attrs={"type": "date"})


def _record_url(slug):
    return lambda record, result: reverse("registry_detail", args=[slug, result.pk])


# ---- 同步名录 --------------------------------------------------------------------------------------

def _enroll(user):
    return services.enroll(user)


# ---- 双随机抽取 ------------------------------------------------------------------------------------

class DrawForm(OperationForm):
    n_objects = forms.IntegerField(label="抽取企业数", min_value=1, max_value=10000,
                                   help_text="不超过本事项随机抽查总数中尚未抽取的部分")
    group_size = forms.IntegerField(label="每组检查人员数", min_value=draw.MIN_GROUP, max_value=10,
                                    initial=draw.MIN_GROUP, required=False, help_text=f"不少于 {draw.MIN_GROUP} 名")
    enterprise_class = forms.MultipleChoiceField(label="行业类别", choices=EnterpriseClass.choices, required=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 4}))
    risk_level = forms.MultipleChoiceField(label="风险等级", choices=RiskLevel.choices, required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 4}))
    standardization = forms.MultipleChoiceField(label="标准化等级", choices=Standardization.choices, required=False,
                                                widget=forms.SelectMultiple(attrs={"size": 4}))
    township = forms.ModelChoiceField(Region.objects.none(), label="乡镇（街道）", required=False)
    scheduled_on = forms.DateField(label="计划检查日期", required=False, widget=DATE)
    seed = forms.IntegerField(label="随机种子", required=False, min_value=0, max_value=draw.MAX_SEED,
                              help_text="可填写公开产生的数字（如现场摇号结果）；不填则由系统随机生成。种子与候选清单一并公示，任何人可复核")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["township"].queryset = Region.objects.filter(
                level="township", path__startswith=self.record.plan.region.path)
            left = self.record.random_total - sum(d.objects_wanted for d in self.record.draws.all())
            if left > 0:
                self.fields["n_objects"].initial = left

    def clean_scheduled_on(self):
        value = self.cleaned_data.get("scheduled_on")
        if value and self.record is not None and value.year != self.record.plan.year:
            raise forms.ValidationError(f"应在计划年度 {self.record.plan.year} 年内")
        return value


def _draw(user, item, *, n_objects, group_size=None, enterprise_class=(), risk_level=(), standardization=(), township=None,
          scheduled_on=None, seed=None):
    criteria = {"enterprise_class": list(enterprise_class), "risk_level": list(risk_level),
                "standardization": list(standardization), "township": township.path if township else ""}
    return services.make_draw(user, item, n_objects=n_objects, group_size=group_size or draw.MIN_GROUP,
                              criteria=criteria, seed=seed,
                              scheduled_on=scheduled_on)


# ---- 安排检查 --------------------------------------------------------------------------------------

class ScheduleForm(OperationForm):
    trigger = forms.ChoiceField(label="检查类型", choices=[(k, v) for k, v in Trigger.choices if k != Trigger.RANDOM],
                                help_text="随机抽查请在计划检查事项上使用“双随机抽取”")
    organization = forms.ModelChoiceField(Organization.objects.none(), label="被检查单位")
    plan_item = forms.ModelChoiceField(PlanItem.objects.none(), label="计划检查事项", required=False,
                                       help_text="重点检查必选；投诉举报、事故调查可不选")
    trigger_note = forms.CharField(label="投诉举报/事故说明", max_length=200, required=False)
    inspectors = forms.ModelMultipleChoiceField(Inspector.objects.none(), label="检查人员",
                                                help_text=f"不少于 {draw.MIN_GROUP} 名，执法证须在有效期内")
    scheduled_on = forms.DateField(label="计划检查日期", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.fields["organization"].queryset = Organization.objects.for_user(self.user).filter(kind="enterprise")
            self.fields["plan_item"].queryset = PlanItem.objects.for_user(self.user).filter(
                plan__state="published").select_related("plan", "matter")
            self.fields["inspectors"].queryset = Inspector.objects.for_user(self.user).filter(
                active=True).select_related("person")


def _schedule(user, *, trigger, organization, inspectors, plan_item=None, trigger_note="", scheduled_on=None):
    return services.schedule(user, organization=organization, inspectors=inspectors, trigger=trigger,
                             plan_item=plan_item, trigger_note=trigger_note, scheduled_on=scheduled_on)


# ---- on site -------------------------------------------------------------------------------------

class AnswerForm(OperationForm):
    answer = forms.ChoiceField(label="检查结果", choices=[(k, v) for k, v in Answer.choices if k != Answer.UNANSWERED],
                               widget=forms.RadioSelect)
    note = forms.CharField(label="情况说明", max_length=300, required=False, help_text="不符合的须说明情况")


def _answer(user, item, *, answer, note=""):
    return services.answer(user, item, answer=answer, note=note)


class FindingForm(OperationForm):
    description = forms.CharField(label="问题描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    clause = forms.CharField(label="违反的规定", max_length=200, required=False,
                             help_text="如《中华人民共和国安全生产法》第四十一条")
    item = forms.ModelChoiceField(InspectionItem.objects.none(), label="对应检查要点", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["item"].queryset = self.record.items.all()


def _add_finding(user, inspection, *, description, clause="", item=None):
    return services.add_finding(user, inspection, description=description, clause=clause, item=item)


class EvidenceForm(OperationForm):
    photo = PhotosField(label="取证照片", help_text="可直接用手机拍照")
    taken_at = forms.DateTimeField(label="拍摄时间", required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(label="经度", required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(label="纬度", required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(label="定位精度（米）", required=False, min_value=0, widget=forms.HiddenInput)
    finding = forms.ModelChoiceField(Finding.objects.none(), label="对应问题", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            self.fields["finding"].queryset = self.record.findings.all()


def _add_evidence(user, inspection, *, photo, taken_at=None, lon=None, lat=None, accuracy_m=None, finding=None,
                  note=""):
    saved = None
    for upload in photo:
        saved = services.add_evidence(user, inspection, photo=upload, taken_at=taken_at, lon=lon, lat=lat,
                                      accuracy_m=accuracy_m, finding=finding, note=note)
    return saved


class HazardForm(OperationForm):
    grade = forms.ChoiceField(label="隐患等级", choices=Grade.choices, initial=Grade.GENERAL, required=False)
    major_basis = forms.CharField(label="重大隐患判定依据", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="整改措施", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE)
    responsible_person = forms.CharField(label="整改责任人", max_length=32, required=False,
                                         help_text="不填则取企业的安全负责人")

    def clean(self):
        data = super().clean()
        if data.get("grade") == Grade.MAJOR and not (data.get("major_basis") or "").strip():
            self.add_error("major_basis", "重大事故隐患须填写判定依据")
        return data


def _to_hazard(user, finding, *, grade="", **inputs):
    return services.finding_to_hazard(user, finding, grade=grade or Grade.GENERAL, **inputs)



operations.register(
    Operation("inspection-objects", "enroll", "同步名录", _enroll, detail=False, permission="add", roles=PLANNERS,
              summary="把管辖范围内的全部企业纳入检查对象名录库，并从风险分级管控刷新各企业的风险等级",
              message=lambda r: f"新纳入 {r[0]} 家企业，刷新风险等级 {r[1]} 家",
              next_url=lambda record, r: reverse("registry_list", args=["inspection-objects"]),
              result=lambda r: {"added": r[0], "refreshed": r[1]}),
    Operation("plan-items", "draw", "双随机抽取", _draw, form=DrawForm, permission="supervision.add_inspection",
              roles=PLANNERS, record_button=True, offered=lambda item: item.plan.state == "published",
              summary="按随机种子从检查对象名录库抽取企业、从执法检查人员名录库为每家企业抽取检查人员（回避利害关系和上次检查人员，"
                      "执法证过期的不参与），记录种子和排序后的候选清单及其 SHA-256，并为每家企业生成待检查的检查记录",
              message=lambda d: f"已抽取 {len(d.result)} 家企业（随机种子 {d.seed}），生成检查记录 {len(d.result)} 条",
              next_url=lambda record, d: reverse("draw_detail", args=[d.pk]),
              result=lambda d: {"draw": d.pk, "seed": d.seed, "objects_hash": d.objects_hash,
                                "inspectors_hash": d.inspectors_hash, "result": d.result,
                                "url": reverse("draw_detail", args=[d.pk])}),
    Operation("inspections", "schedule", "安排检查", _schedule, form=ScheduleForm, detail=False, permission="add",
              roles=INSPECTORS,
              summary="安排重点检查，或因投诉举报、事故安排检查：计划检查受年度计划每企业每年上限限制（超出时 409），"
                      "投诉举报和事故引起的检查可超出上限并记为“超出计划上限”",
              message=lambda i: "已安排检查" + ("（超出年度计划上限，已记录）" if i.beyond_cap else ""),
              next_url=_record_url("inspections"),
              result=lambda i: {"inspection": i.pk, "beyond_cap": i.beyond_cap}),
    Operation("inspection-items", "answer", "填写检查结果", _answer, form=AnswerForm, roles=INSPECTORS,
              summary="现场逐项填写检查结果：符合、不符合（须说明）或不适用；检查开始后、完成前可填",
              message=lambda item: f"第 {item.number} 项：{item.get_answer_display()}",
              next_url=lambda record, item: reverse("inspection_onsite", args=[item.inspection_id]) + f"#item-{item.pk}",
              result=lambda item: {"answer": item.answer}),
    Operation("inspections", "add-finding", "记录问题", _add_finding, form=FindingForm, roles=INSPECTORS,
              record_button=True, offered=lambda i: i.state == CheckState.IN_PROGRESS,
              summary="记录现场发现的问题（可对应检查要点和违反的规定）；问题可转为隐患或立案",
              message=lambda f: "已记录问题",
              next_url=lambda record, f: reverse("inspection_onsite", args=[record.pk]) + "#findings",
              result=lambda f: {"finding": f.pk}),
    Operation("inspections", "add-evidence", "拍照取证", _add_evidence, form=EvidenceForm, roles=INSPECTORS,
              record_button=True, offered=lambda i: i.state == CheckState.IN_PROGRESS,
              summary="上传现场取证照片（multipart，字段 photo，可多张），附拍摄时间和手机定位（taken_at、lon、lat、accuracy_m）",
              message=lambda e: "已保存取证照片" + ("（含定位）" if e and e.lon is not None else "（无定位）"),
              next_url=lambda record, e: reverse("inspection_onsite", args=[record.pk]) + "#evidence",
              result=lambda e: {"evidence": e.pk if e else None}),
    Operation("findings", "to-hazard", "转为隐患", _to_hazard, form=HazardForm, permission="hazards.add_hazard",
              roles=INSPECTORS, record_button=True, offered=lambda f: not f.hazard_id,
              summary="把检查发现的问题登记为事故隐患（政府检查，上报待核实），进入隐患排查治理闭环；隐患记录链接回本次检查",
              message=lambda h: f"已转为隐患（编号 {h.pk}），进入隐患治理闭环",
              next_url=lambda record, h: reverse("registry_detail", args=["hazards", h.pk]),
              result=lambda h: {"hazard": h.pk, "url": reverse("registry_detail", args=["hazards", h.pk])}),
)
