"""The actions of shelter operations, each declared once (page + API + schema + generic tests):
应急启用 on a shelter, 入住登记 and 记运行日志 on its activation, 添加成员 / 离开登记 / 转移安置点 on a
household, 开放/关闭寻亲查询 on a 灾情事件. 开始运行 and 安置运行结束 are the activation's workflow."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.framework.widgets import ChecklistWidget
from yingji.shelters import services
from yingji.shelters.choices import FLAG_HINTS, FLAGS, LogKind, Relation
from yingji.shelters.imports import import_households
from yingji.shelters.workflow import OPERATORS

FLAG_CHOICES = [(f, f"{f}（{FLAG_HINTS[f]}）") for f in FLAGS]
DESK = OPERATORS + ("village",)  # a village officer registers people at a village site


def _page(slug, record) -> str:
    return reverse("registry_detail", args=[slug, record.pk])


def _candidates(found) -> list[dict]:
    return [{"reason": c.reason_label, "first": {"card_number": c.first.get("card_number"), "shelter": c.first["shelter"]},
             "second": {"card_number": c.second.get("card_number"), "shelter": c.second["shelter"]}} for c in found]


def _warn(found) -> str:
    return f"；发现 {len(found)} 条疑似重复登记，请到“疑似重复登记”核对（不会自动合并）" if found else ""


# ---- 应急启用 --------------------------------------------------------------------------------------

class ActivateForm(OperationForm):
    event = forms.ModelChoiceField(queryset=None, label="灾情事件", error_messages={"required": "请选择灾情事件"})
    commander = forms.CharField(max_length=32, required=False, label="现场负责人")
    phone = forms.CharField(max_length=20, required=False, label="联系电话")
    zones = forms.CharField(required=False, label="分区", widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="不填则取避难场所登记的功能分区")

    def __init__(self, *args, **kwargs):
        from yingji.disasters.models import DisasterEvent

        super().__init__(*args, **kwargs)
        events = DisasterEvent.objects.filter(received_from="")  # shelters may run on after the 核报
        self.fields["event"].queryset = events.for_user(self.user) if self.user is not None else events.none()


def activate(user, shelter, *, event, commander="", phone="", zones=""):
    return services.activate(user, shelter, event=event, commander=commander, phone=phone, zones=zones)


# ---- 入住登记 --------------------------------------------------------------------------------------

class CheckInForm(OperationForm):
    head_name = forms.CharField(max_length=32, label="户主姓名", error_messages={"required": "请填写户主姓名"})
    head_id_number = forms.CharField(max_length=18, required=False, label="户主身份证号码",
                                     help_text="无证件的可不填（登记为无身份证号码人员）")
    phone = forms.CharField(max_length=20, required=False, label="联系电话")
    village = forms.ModelChoiceField(queryset=None, label="户籍村（社区）", error_messages={"required": "请选择户籍村（社区）"})
    head_flags = forms.MultipleChoiceField(choices=FLAG_CHOICES, required=False, label="户主特殊需求",
                                           widget=ChecklistWidget())
    head_medication = forms.CharField(max_length=200, required=False, label="户主常用药品")
    members = forms.CharField(required=False, label="其他家庭成员", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="每行一人：姓名，身份证号码，关系（配偶/子女/父母/其他），特殊需求（用、分隔），常用药品")
    zone = forms.CharField(max_length=40, required=False, label="分区")
    room = forms.CharField(max_length=40, required=False, label="房间/床位")
    pets = forms.CharField(max_length=100, required=False, label="随行宠物")
    needs = forms.CharField(required=False, label="安置需求", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from yingji.core.models import Region

        super().__init__(*args, **kwargs)
        villages = Region.objects.filter(level="village").order_by("code")
        if self.record is not None:  # people come from the county the event is in
            villages = villages.filter(path__startswith=self.record.event.region.path)
        self.fields["village"].queryset = villages

    def clean_head_id_number(self):
        from django.utils import timezone

        from yingji.core.directory.codes import id_number_error

        number = self.cleaned_data["head_id_number"].strip().upper()
        why = id_number_error(number, timezone.localdate()) if number else None
        if why:
            raise forms.ValidationError(why)
        return number

    def clean_members(self):
        from django.core.exceptions import ValidationError

        try:
            return services.parse_members(self.cleaned_data["members"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["members"]) from None


def check_in(user, activation, **data):
    return services.check_in(user, activation, **data)


# ---- 导入安置名单 -----------------------------------------------------------------------------------

class ImportForm(OperationForm):
    file = forms.FileField(label="安置名单文件", error_messages={"required": "请选择要导入的安置名单（.xlsx 或 .csv）"},
                           help_text="每行一人（户主也占一行），列名见导入模板；任何一行有错误时整份名单都不导入，并逐行列出错误")


def import_list(user, activation, *, file):
    """导入安置名单: the list checked whole, then written in one transaction or refused with located errors
    (on the file field); a large list becomes a background import job (its page and API show progress)."""
    from django.core.exceptions import ValidationError

    from yingji.core.framework.services import start_operation_import

    if activation.state == "closed":
        raise operations.Conflict("安置点已结束运行，不能再导入安置名单")
    result = start_operation_import(user, _IMPORT, activation, file.name, file.read())
    if getattr(result, "errors", None) and not hasattr(result, "state"):
        raise ValidationError({"file": result.errors})
    return result


def _import_message(result) -> str:
    if hasattr(result, "state"):  # a background job
        return f"名单较大，已转入后台导入（{result.total_rows} 行），完成后在本页查看结果"
    text = f"已导入安置名单：新增 {result.created} 户"
    if result.warnings:
        shown = "；".join(result.warnings[:3])
        more = "……" if len(result.warnings) > 3 else ""
        text += f"；{len(result.warnings)} 条疑似重复登记提示（已导入，不会自动合并）：{shown}{more}"
    return text


def _import_next(activation, result) -> str:
    if hasattr(result, "state"):
        return reverse("registry_import_job", args=["shelter-activations", result.pk])
    return _page("shelter-activations", activation)


def _import_answer(result) -> dict:
    if hasattr(result, "state"):
        return {"job": result.pk, "state": result.state, "total_rows": result.total_rows,
                "url": reverse("registry_import_job", args=["shelter-activations", result.pk])}
    return {"households": result.created, "warnings": result.warnings}


# ---- 运行日志 ----------------------------------------------------------------------------------------

class LogForm(OperationForm):
    kind = forms.ChoiceField(choices=LogKind.choices, label="类别")
    content = forms.CharField(label="情况记录", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写情况记录"})
    zone = forms.CharField(max_length=40, required=False, label="分区")
    staff_on_duty = forms.CharField(max_length=120, required=False, label="值班人员")
    people = forms.IntegerField(min_value=0, required=False, label="人数/数量")


def add_log(user, activation, **data):
    return services.add_log(user, activation, **{k: v for k, v in data.items() if v is not None})


# ---- household: members, check-out, transfer --------------------------------------------------------

class MemberForm(OperationForm):
    name = forms.CharField(max_length=32, label="姓名", error_messages={"required": "请填写姓名"})
    id_number = forms.CharField(max_length=18, required=False, label="身份证号码", help_text="无证件的可不填")
    relation = forms.ChoiceField(choices=[c for c in Relation.choices if c[0] != Relation.HEAD], label="与户主关系")
    flags = forms.MultipleChoiceField(choices=FLAG_CHOICES, required=False, label="特殊需求",
                                      widget=ChecklistWidget())
    medication = forms.CharField(max_length=200, required=False, label="常用药品")
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False, label="出生年份",
                                    help_text="无身份证号码时填写")


def add_member(user, household, **data):
    return services.add_member(user, household, **data)


class CheckOutForm(OperationForm):
    destination = forms.CharField(max_length=200, label="去向", error_messages={"required": "请填写去向"},
                                  help_text="如 返回原住址、投亲靠友（地址）、转入医院")


def check_out(user, household, *, destination):
    return services.check_out(user, household, destination=destination)


class TransferForm(OperationForm):
    target = forms.ModelChoiceField(queryset=None, label="转入安置点", error_messages={"required": "请选择转入的安置点"})
    zone = forms.CharField(max_length=40, required=False, label="分区")
    room = forms.CharField(max_length=40, required=False, label="房间/床位")

    def __init__(self, *args, **kwargs):
        from yingji.shelters.models import Activation

        super().__init__(*args, **kwargs)
        targets = Activation.objects.filter(state__in=services.OPEN)
        if self.record is not None:
            targets = targets.filter(event=self.record.event_id).exclude(pk=self.record.activation_id)
        self.fields["target"].queryset = targets.for_user(self.user) if self.user is not None else targets.none()


def transfer(user, household, *, target, zone="", room=""):
    return services.transfer(user, household, target=target, zone=zone, room=room)


def _in(household) -> bool:
    return household.state == "in"


# ---- 寻亲 switch on a 灾情事件 --------------------------------------------------------------------------

def open_search(user, event):
    return services.switch_search(user, event, enabled=True)


def close_search(user, event):
    return services.switch_search(user, event, enabled=False)


_IMPORT = Operation(
    "shelter-activations", "import-households", "导入安置名单", import_list, form=ImportForm, record_button=True, roles=DESK,
    permission="shelters.add_household", offered=lambda a: a.state != "closed", template="shelters/import.html",
    summary=("导入乡镇报来的转移安置人员名单（multipart，字段 file，.xlsx 或 .csv，每行一人，列名见导入模板 "
             "GET /api/shelters/household-import-template/）：按户号或户主行分户，身份证号码按 GB 11643 校验，本事件已登记的"
             "同一人、超出可用容量等任何一行有错误时整份不导入，400 的 file 字段逐行列出（第几行、哪一列、原因）；疑似重复登记"
             "作为 warnings 返回、照常导入；行数较多时转入后台导入任务（返回 job 和查询地址）"),
    message=_import_message, next_url=_import_next, result=_import_answer, importer=import_households)

operations.register(
    Operation("shelters", "activate", "应急启用", activate, form=ActivateForm, record_button=True, roles=OPERATORS,
              permission="shelters.add_activation",
              summary="为灾情事件应急启用避难场所：按有效避难面积和人均面积定额计算可用容量；同一场所正在运行时返回 409",
              message=lambda a: f"已启用：{a.name}（可用容量 {a.capacity_people} 人）",
              next_url=lambda shelter, a: _page("shelter-activations", a),
              result=lambda a: {"activation": a.pk, "capacity_people": a.capacity_people}),
    Operation("shelter-activations", "check-in", "入住登记", check_in, form=CheckInForm, record_button=True, roles=DESK,
              permission="shelters.add_household", offered=lambda a: a.state != "closed", idempotent=True,
              summary=("按户登记入住（户主和家庭成员、户籍村、特殊需求、分区房间）；身份证号码按 GB 11643 校验，"
                       "无证件的允许登记并标明；容量不足返回 409 并指出最近有空位的安置点；返回疑似重复登记（不自动合并）"),
              message=lambda r: f"已登记入住：安置卡号 {r[0].card_number}" + _warn(r[1]),
              next_url=lambda a, r: _page("shelter-households", r[0]),
              result=lambda r: {"household": r[0].pk, "card_number": r[0].card_number,
                                "members": r[0].members.count(), "duplicates": _candidates(r[1])}),
    _IMPORT,
    Operation("shelter-activations", "add-log", "记运行日志", add_log, form=LogForm, record_button=True, roles=DESK,
              permission="shelters.add_logentry", offered=lambda a: a.state != "closed", idempotent=True,
              summary="记一条运行情况日志（值班人员、分区入住、物资、突发情况、巡查）",
              message=lambda e: f"已记录：{e.get_kind_display()}", next_url=lambda a, e: _page("shelter-activations", a),
              result=lambda e: {"entry": e.pk}),
    Operation("shelter-households", "add-member", "添加成员", add_member, form=MemberForm, record_button=True, roles=DESK,
              permission="shelters.add_evacuee", offered=_in, idempotent=True,
              summary="为在住的安置户添加家庭成员；返回疑似重复登记",
              message=lambda r: "已添加成员" + _warn(r[1]), next_url=lambda h, r: _page("shelter-households", h),
              result=lambda r: {"person": r[0].pk, "duplicates": _candidates(r[1])}),
    Operation("shelter-households", "check-out", "离开登记", check_out, form=CheckOutForm, record_button=True, roles=DESK,
              offered=_in, idempotent=True, summary="安置户离开安置点，登记去向；已离开的返回 409",
              message=lambda h: f"已登记离开：{h.card_number}", next_url=lambda h, r: _page("shelter-households", h),
              result=lambda h: {"state": h.state}),
    Operation("shelter-households", "transfer", "转移安置点", transfer, form=TransferForm, record_button=True,
              roles=OPERATORS, offered=_in, idempotent=True,
              summary="把安置户转移到同一灾情事件的另一安置点，入住记录连续；目标已满返回 409 并指出最近有空位的安置点",
              message=lambda h: f"已转移到 {h.activation.name}", next_url=lambda h, r: _page("shelter-households", h),
              result=lambda h: {"activation": h.activation_id}),
    Operation("disaster-events", "open-family-search", "开放寻亲查询", open_search, record_button=True,
              roles=("admin", "staff"), permission="shelters.add_activation",
              offered=lambda e: not services.search_enabled(e),
              summary="开放本事件的公众寻亲查询（姓名加身份证号码或电话的一部分，只答复所在安置点）",
              message=lambda s: "已开放寻亲查询", next_url=lambda e, s: _page("disaster-events", e),
              result=lambda s: {"enabled": s.enabled}),
    Operation("disaster-events", "close-family-search", "关闭寻亲查询", close_search, record_button=True,
              roles=("admin", "staff"), permission="shelters.add_activation", offered=services.search_enabled,
              summary="关闭本事件的公众寻亲查询", message=lambda s: "已关闭寻亲查询",
              next_url=lambda e, s: _page("disaster-events", e), result=lambda s: {"enabled": s.enabled}),
)
