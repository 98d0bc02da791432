"""The donations' actions, declared once each (page button + API + OpenAPI); the lot's 查验入库 and 拒收
and the disclosure's 公开 are generated from workflow.py."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.moneyfields import WanYuanFormField
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.models import Region
from yingji.donations import services
from yingji.donations.choices import DonorKind, LotKind, LotState, Use
from yingji.donations.models import Campaign, ReceivingPoint
from yingji.donations.workflow import OFFICE, PUBLISHERS
from yingji.relief.models import ReliefBatch
from yingji.resources.models import Material

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
USES = [c for c in Use.choices if c[0] != Use.ANY]


def _page(slug):
    return lambda record, result: reverse("registry_detail", args=[slug, getattr(result, "pk", None) or record.pk])


def _scoped(form, name, queryset):
    if form.user is not None:
        form.fields[name].queryset = queryset.for_user(form.user)


class ReceiveForm(OperationForm):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label="捐赠活动")
    receiving_point = forms.ModelChoiceField(ReceivingPoint.objects.none(), label="接收点")
    pledge_code = forms.CharField(label="捐赠意向登记编号（有则填，捐赠人信息取自登记）", max_length=12, required=False)
    kind = forms.ChoiceField(label="捐赠类型", choices=LotKind.choices)
    donor_kind = forms.ChoiceField(label="捐赠人类型", choices=[("", "（按登记）")] + DonorKind.choices, required=False)
    donor_name = forms.CharField(label="捐赠人（匿名填“匿名”）", max_length=100, required=False)
    donor_phone = forms.CharField(label="捐赠人电话", max_length=20, required=False)
    publish_name = forms.NullBooleanField(label="同意公开捐赠人名称（不填按登记）", required=False)
    material = forms.ModelChoiceField(Material.objects.none(), label="物资", required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=100_000_000, required=False)
    amount_cny = WanYuanFormField(label="金额（万元，也可注明“元”）", required=False)
    value_cny = WanYuanFormField(label="物资估值（万元，可不填）", required=False)
    expires = forms.DateField(label="有效期至", widget=DATE, required=False)
    designated_use = forms.ChoiceField(label="指定用途（不选按登记，无登记为不限）", choices=[("", "（按登记）")] + Use.choices,
                                       required=False)
    designated_region = forms.ModelChoiceField(Region.objects.none(), label="指定地区", required=False)
    official_receipt = forms.CharField(label="公益事业捐赠票据号", max_length=40, required=False)
    received_at = forms.DateTimeField(label="接收时间（不填为现在）", widget=DATETIME, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(ended_on__isnull=True).order_by("-started_on")
        _scoped(self, "campaign", self.fields["campaign"].queryset)
        _scoped(self, "receiving_point", ReceivingPoint.objects.filter(active=True).order_by("name"))
        _scoped(self, "material", Material.objects.order_by("code"))
        _scoped(self, "designated_region", Region.objects.exclude(level__in=("province", "city")).order_by("path"))


class AllocateForm(OperationForm):
    relief_batch = forms.ModelChoiceField(ReliefBatch.objects.none(), label="救助发放批次（物资必选）", required=False)
    per_household = forms.IntegerField(label="每户数量（物资）", min_value=1, max_value=100_000, required=False)
    use = forms.ChoiceField(label="用途（资金）", choices=USES, required=False)
    target_region = forms.ModelChoiceField(Region.objects.none(), label="受益地区（资金）", required=False)
    amount_cny = WanYuanFormField(label="金额（资金；万元，也可注明“元”）", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "relief_batch", ReliefBatch.objects.order_by("-id"))
        _scoped(self, "target_region", Region.objects.exclude(level__in=("province", "city")).order_by("path"))
        if self.record is not None:
            self.fields["relief_batch"].queryset = self.fields["relief_batch"].queryset.filter(
                event_id=self.record.campaign.event_id)


class UseForm(OperationForm):
    use_note = forms.CharField(label="使用情况", max_length=200, help_text="如：购买饮用水 2000 箱发放大瑶镇各安置点")
    used_at = forms.DateTimeField(label="使用时间（不填为现在）", widget=DATETIME, required=False)


class ScheduleForm(OperationForm):
    pass


def _receive(user, **kw):
    kw = {k: v for k, v in kw.items() if v not in (None, "")} | {"publish_name": kw.get("publish_name")}
    return services.receive_lot(user, **kw)


def _lot_result(lot):
    return {"id": lot.pk, "number": lot.number, "state": lot.state}


operations.register(
    Operation("donation-lots", "receive", "接收捐赠", _receive, form=ReceiveForm, detail=False, permission="add",
              roles=OFFICE,
              summary="在接收点接收一批捐赠（物资或资金），生成捐赠收据号；有捐赠意向登记编号时取登记的捐赠人、"
                      "公开意愿和指定用途；随后查验入库或拒收",
              message=lambda lot: f"已接收，捐赠收据号 {lot.number}，请查验后入库或拒收",
              next_url=_page("donation-lots"), result=_lot_result),
    Operation("donation-lots", "allocate", "分配", lambda user, lot, **kw: services.allocate(
        user, lot, **{k: v for k, v in kw.items() if v not in (None, "")}),
              form=AllocateForm, roles=OFFICE, record_button=True, offered=lambda lot: lot.state == LotState.ACCEPTED,
              summary="把已入库（到账）的捐赠分配：物资分配到草拟中的救助发放批次（发放时从本批捐赠出库），"
                      "资金分配到用途和受益地区；定向捐赠不符用途或地区时 400 并说明；未入库 409",
              message=lambda a: f"已分配：{a.get_use_display()}，{a.target_region.name}",
              next_url=lambda lot, a: reverse("registry_detail", args=["donation-lots", lot.pk]),
              result=lambda a: {"id": a.pk, "use": a.use, "target_region": a.target_region_id,
                                "amount_cny": str(a.amount_cny) if a.amount_cny is not None else None,
                                "batch_goods": a.batch_goods_id}),
    Operation("donation-allocations", "record-use", "登记使用情况",
              lambda user, a, **kw: services.record_use(user, a, **kw), form=UseForm, roles=OFFICE, record_button=True,
              offered=lambda a: a.used_at is None and a.lot.kind == LotKind.MONEY,
              summary="登记已分配资金的使用时间和使用情况（物资以救助发放为准）",
              message=lambda a: "已登记使用情况", next_url=_page("donation-allocations"),
              result=lambda a: {"used_at": a.used_at}),
    Operation("donation-campaigns", "schedule-disclosures", "生成公开日历",
              lambda user, campaign: services.schedule(campaign), form=ScheduleForm, roles=PUBLISHERS,
              record_button=True, summary="按《慈善法》的公开规则生成到今天为止应公开的各期捐赠信息公开（已有的保留）",
              message=lambda made: f"公开日历共 {len(made)} 项", next_url=_page("donation-campaigns"),
              result=lambda made: {"disclosures": [d.pk for d in made]}),
)
