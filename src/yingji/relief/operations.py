"""The relief actions, declared once each (page button + API + OpenAPI); the batch's workflow steps
(审核, 审批, 退回, 发放, 作废) are generated from workflow.py."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.models import Region
from yingji.disasters.models import DisasterEvent
from yingji.relief import services
from yingji.relief.choices import NEEDS, BatchState, Category, ItemKind, SignMethod
from yingji.relief.models import Beneficiary
from yingji.relief.workflow import APPROVERS, ISSUERS, REVIEWERS
from yingji.resources.models import Material, Warehouse

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SIGNERS = ("admin", "staff", "township", "village")


def _page(slug):
    return lambda record, result: reverse("registry_detail", args=[slug, getattr(result, "pk", None) or record.pk])


def _scoped(form, name, queryset):
    if form.user is not None:
        form.fields[name].queryset = queryset.for_user(form.user)


class EventForm(OperationForm):
    event = forms.ModelChoiceField(DisasterEvent.objects.none(), label="灾情事件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "event", DisasterEvent.objects.order_by("-onset_date"))


class NewBatchForm(EventForm):
    region = forms.ModelChoiceField(Region.objects.none(), label="发放区划（县或乡镇）")
    kind = forms.ChoiceField(label="救助项目", choices=ItemKind.choices)
    category = forms.ChoiceField(label="救助类别", choices=Category.choices)
    period_start = forms.DateField(label="救助期起始日", widget=DATE)
    days = forms.IntegerField(label="救助天数（按每人每天计发时；不填按一期）", required=False, min_value=1, max_value=366)
    title = forms.CharField(label="批次名称（可不填）", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "region", Region.objects.filter(level__in=("county", "township")).order_by("path"))


class AddHouseholdsForm(OperationForm):
    beneficiaries = forms.ModelMultipleChoiceField(Beneficiary.objects.none(), label="救助对象（不选则加入全部符合条件的）",
                                                   required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            qs = Beneficiary.objects.for_user(self.user)
            if self.record is not None:
                qs = services.eligible(self.record)
            self.fields["beneficiaries"].queryset = qs


class GoodsForm(OperationForm):
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="储备库")
    material = forms.ModelChoiceField(Material.objects.none(), label="物资")
    per_household = forms.IntegerField(label="每户数量", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "warehouse", Warehouse.objects.order_by("name"))
        _scoped(self, "material", Material.objects.order_by("code"))


class NoticeForm(OperationForm):
    complaint_channel = forms.CharField(label="投诉举报渠道", max_length=200,
                                        help_text="如：县应急管理局救灾股 0731-8xxxxxxx；村务公开栏")
    days = forms.IntegerField(label="公示天数（不填按本地规定）", required=False, min_value=1, max_value=60)


class SignForm(OperationForm):
    method = forms.ChoiceField(label="签收方式", choices=SignMethod.choices, initial=SignMethod.SIGNATURE)
    file = forms.FileField(label="签名图片或签收照片",
                           widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
                           error_messages={"required": "请上传手写签名或签收照片"})
    signer = forms.CharField(label="签收人", max_length=32)


class NeedsForm(OperationForm):
    needs = forms.MultipleChoiceField(label="已送达", choices=NEEDS, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "请选择已送达的基本生活救助"})
    at = forms.DateTimeField(label="送达时间（不填为现在）", required=False, widget=DATETIME)


class SeedForm(OperationForm):
    region = forms.ModelChoiceField(Region.objects.none(), label="适用区划")
    effective_from = forms.DateField(label="执行日期", widget=DATE)
    example = forms.BooleanField(label="标为示例数据", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "region", Region.objects.exclude(level__in=("township", "village")).order_by("path"))


def _draft(batch):
    return batch.state == BatchState.DRAFT


def _added_message(result):
    skipped = "；".join(f"{label}：{why}" for label, why in result["skipped"][:5])
    return f"已加入 {result['added']} 户" + (f"；未加入 {len(result['skipped'])} 户（{skipped}）" if skipped else "")


operations.register(
    Operation("relief-batches", "new-batch", "新建发放批次", lambda user, **kw: services.create_batch(user, **kw),
              form=NewBatchForm, detail=False, permission="add", roles=REVIEWERS,
              summary="新建草拟批次：按发放区划在救助期起始日执行的标准计发（无标准时 400 并说明）",
              message=lambda b: f"已新建批次 {b.number}，请加入救助对象", next_url=_page("relief-batches"),
              result=lambda b: {"id": b.pk, "number": b.number, "item": b.item_id}),
    Operation("relief-batches", "add-households", "加入救助对象",
              lambda user, batch, beneficiaries=None: services.add_households(
                  user, batch, list(beneficiaries) if beneficiaries else None),
              form=AddHouseholdsForm, roles=REVIEWERS, offered=_draft, record_button=True,
              summary="把救助对象加入草拟批次；本期已领取或未到最少间隔的户不加入并说明原因；非草拟 409",
              message=_added_message, next_url=lambda b, r: reverse("registry_detail", args=["relief-batches", b.pk]),
              result=lambda r: {"added": r["added"], "skipped": [{"household": a, "reason": b} for a, b in r["skipped"]],
                                "total_cny": str(r["batch"].total_cny)}),
    Operation("relief-batches", "add-goods", "加入发放物资", lambda user, batch, **kw: services.add_goods(user, batch, **kw),
              form=GoodsForm, roles=REVIEWERS, offered=_draft, record_button=True,
              summary="每户发放的物资（储备库、物资、每户数量）；发放时出库记入库存台账",
              message=lambda g: f"已加入物资：{g.material.name} 每户 {g.per_household}{g.material.unit}",
              next_url=lambda b, g: reverse("registry_detail", args=["relief-batches", b.pk]),
              result=lambda g: {"id": g.pk, "quantity": g.quantity}),
    Operation("relief-batches", "publish-notice", "公示", lambda user, batch, **kw: services.publish_notice(user, batch, **kw),
              form=NoticeForm, roles=APPROVERS + ISSUERS, record_button=True,
              offered=lambda b: b.state == BatchState.APPROVED,
              summary="审批后公示救助对象和金额（公示期不少于本地规定，注明投诉举报渠道）；期满后才能发放",
              message=lambda log: "已公示", next_url=_page("relief-batches"),
              result=lambda log: {"state": log.to_state}),
    Operation("relief-lines", "sign", "签收", lambda user, line, **kw: services.sign(user, line, **kw), form=SignForm,
              roles=SIGNERS, record_button=True, offered=lambda line: line.signed_at is None
              and line.batch.state == BatchState.DISTRIBUTING,
              summary="受助户签收：手机上手写签名或拍摄签收照片（multipart 上传 file）；全部签收后批次为已签收",
              message=lambda line: f"已签收：{line.signer}", next_url=_page("relief-lines"),
              result=lambda line: {"signed_at": line.signed_at, "batch_state": line.batch.state}),
    Operation("relief-lines", "remove", "移出批次", lambda user, line: services.remove_line(user, line),
              roles=REVIEWERS, record_button=True, offered=lambda line: line.batch.state == BatchState.DRAFT,
              summary="把一户移出草拟批次（批次合计随之重算）；非草拟 409", message=lambda _: "已移出批次",
              next_url=lambda line, _: reverse("registry_list", args=["relief-lines"])),
    Operation("relief-beneficiaries", "from-disaster-lists", "从灾情一览表生成",
              lambda user, event: services.beneficiaries_from_disaster_lists(event, user), form=EventForm, detail=False,
              permission="add", roles=REVIEWERS,
              summary="按灾情事件的因灾倒塌损坏住房户一览表生成救助对象（倒塌户需过渡期生活救助，损坏户需紧急生活救助）",
              message=lambda r: f"已生成 {r['created']} 户" + (f"，跳过 {len(r['skipped'])} 户" if r["skipped"] else ""),
              result=lambda r: {"created": r["created"], "skipped": [{"row": a, "reason": b} for a, b in r["skipped"]]}),
    Operation("relief-beneficiaries", "from-shelters", "从安置登记生成",
              lambda user, event: services.beneficiaries_from_shelters(event, user), form=EventForm, detail=False,
              permission="add", roles=REVIEWERS,
              summary="按灾情事件各避难场所的安置登记生成救助对象（集中安置户需紧急生活救助；已列入的户只更新不重复）",
              message=lambda r: f"新增 {r['created']} 户，更新 {r['updated']} 户"
              + (f"，跳过 {len(r['skipped'])} 户（户主未登记身份证号码）" if r["skipped"] else ""),
              result=lambda r: {"created": r["created"], "updated": r["updated"],
                                "skipped": [{"row": a, "reason": b} for a, b in r["skipped"]]}),
    Operation("relief-beneficiaries", "meet-needs", "登记基本生活救助",
              lambda user, b, needs, at=None: services.meet_needs(user, b, needs, at or timezone.now()),
              form=NeedsForm, roles=SIGNERS, record_button=True, offered=lambda b: b.category == Category.EMERGENCY,
              summary="登记已送达受灾户的食、饮用水、衣被、临时住所、医疗（计入灾后基本生活救助时限）",
              message=lambda b: "已登记", next_url=_page("relief-beneficiaries"),
              result=lambda b: {k: v for k, v in b.met().items()}),
    Operation("relief-items", "seed-national", "载入全国参考值",
              lambda user, region, effective_from, example=False: services.seed_items(
                  user, region, effective_from=effective_from, example=example),
              form=SeedForm, detail=False, permission="add", roles=("admin", "staff"),
              summary="把全国参考标准复制为本地区的标准（标明依据和未核实），再按本地文件改正",
              message=lambda items: f"已载入 {len(items)} 项标准，请按本地文件核对改正",
              result=lambda items: {"created": [i.pk for i in items]}),
)
