import datetime
import itertools
from decimal import Decimal

from yingji.core.framework.registry import Registry, register
from yingji.relief.models import BatchGoods, BatchLine, Beneficiary, ReliefBatch, ReliefItem, ReliefRule
from yingji.relief.workflow import BATCH_FLOW

GROUP = "灾情救助"
PERSONAL = ("admin", "staff", "township", "village")  # who enter, review and pay see names, IDs and phones
_days = itertools.count()
_people = itertools.count(1)


def _next_day():
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=next(_days))


def _next_id_number():  # valid GB 11643 numbers for the generic tests' records
    from yingji.core.directory.codes import id_number_check_char

    first17 = f"43018119800101{next(_people) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _batch_summary(batch):
    from django.utils import timezone

    from yingji.core.framework import money
    from yingji.relief import services

    item = batch.item
    lines = [f"{item.title}：{item.get_basis_display()} {money.yuan_text(item.amount_cny)} 元（{item.source}"
             f"{'，未核实' if not item.confirmed else ''}{'，示例' if item.example else ''}）",
             f"{batch.households} 户 {batch.people} 人，合计 {money.yuan_text(batch.total_cny)} 元"]
    if batch.notice_until:
        lines.append(f"公示 {timezone.localtime(batch.notice_from):%Y-%m-%d %H:%M} 至 "
                     f"{timezone.localtime(batch.notice_until):%Y-%m-%d %H:%M}，投诉举报：{batch.complaint_channel}")
    elif services.notice_required(batch):
        lines.append("本地区规定发放前须公示")
    problems = services.tie_out(batch)
    out = [("发放", lines), ("核对", problems or ["金额与明细、物资与库存台账一致"])]
    if batch.state in ("distributing", "done"):
        signed = batch.lines.filter(signed_at__isnull=False).count()
        out.append(("签收", [f"已签收 {signed} / {batch.households} 户"]))
    return out


register(Registry(
    model=ReliefItem, slug="relief-items", menu_group=GROUP, icon="¥",
    list_fields=["kind", "name", "basis", "amount_cny", "period_days", "effective_from", "region", "source",
                 "confirmed", "example"],
    search_fields=["name", "source", "note"], filter_fields=["kind", "region", "confirmed", "example"],
    natural_key=("id",), select_related=("region",),
    example={"kind": "emergency", "basis": "person", "amount_cny": Decimal("300"), "effective_from": lambda: _next_day()},
    description="本地的生活救助项目和标准（应急救助、过渡期生活救助、遇难人员家属抚慰金、住房补助、冬春生活救助），"
                "按适用区划和执行日期登记并注明依据文件；未核实原文的标准标明“未核实”，示例数据标明“示例”。",
))
register(Registry(
    model=ReliefRule, slug="relief-rules", menu_group=GROUP, icon="⏱",
    list_fields=["key", "value", "region", "source", "effective", "confirmed"],
    search_fields=["key", "source", "note"], filter_fields=["key", "region", "confirmed"],
    natural_key=("id",), select_related=("region",), example={"key": "notice_days"},
    description="本地的救助工作规则：发放前是否公示、公示期、灾后基本生活得到初步救助的时限；"
                "未设置的按全国默认（每项注明依据文件）。",
))
register(Registry(
    model=Beneficiary, slug="relief-beneficiaries", menu_group=GROUP, icon="👪",
    list_fields=["event", "region", "head_name", "head_id_number", "members", "category", "placement", "sanwu",
                 "sangu", "dibao", "source"],
    search_fields=["note"], filter_fields=["event", "region", "category", "placement", "sanwu", "sangu", "dibao", "source"],
    natural_key=("id",), select_related=("event", "region"),
    form_fields=["event", "region", "head_name", "head_id_number", "phone", "members", "deaths", "category",
                 "placement", "sanwu", "sangu", "dibao", "vulnerable", "note"],
    personal_fields=("head_name", "head_id_number", "phone"), personal_roles=PERSONAL,
    example={"head_id_number": lambda: _next_id_number(), "members": 3, "deaths": 0, "phone": ""},
    description="救助对象：每个灾情事件的受灾户（户主、身份证号码、所在村、家庭人口、三无/三孤/低保、救助类别）；"
                "来自避难场所安置登记、灾情一览表或人工登记、导入。户主姓名、身份证号码和电话仅经办角色可见。",
))
register(Registry(
    model=ReliefBatch, slug="relief-batches", menu_group=GROUP, icon="📦",
    list_fields=["number", "title", "event", "item", "region", "households", "total_cny", "state"],
    search_fields=["number", "title"], filter_fields=["state", "event", "category", "region"],
    natural_key=("number",), select_related=("event", "item", "region"),
    # The period starts after any sample event's onset (the disasters samples' days count from 2020).
    example={"total_cny": Decimal("0"), "period_start": lambda: _next_day() + datetime.timedelta(days=5479)},
    form_fields=["title"], allow_create=False,  # 新建批次 (operations.py) takes the standard in force
    workflow=BATCH_FLOW, summary=lambda b: _batch_summary(b),
    locked_states=frozenset({"reviewed", "approved", "notice", "distributing", "done", "cancelled"}),
    description="救助发放批次：一个救助项目发给一批救助对象（审核 → 审批 → 公示 → 发放 → 签收）；"
                "同一户同一项目同一救助期只能领取一次。",
))
register(Registry(
    model=BatchLine, slug="relief-lines", menu_group=GROUP, icon="✍",
    list_fields=["batch", "region", "beneficiary", "people", "days", "amount_cny", "period_key", "signed_at", "signer"],
    search_fields=["batch__number"], filter_fields=["batch", "region", "sign_method"],
    natural_key=("id",), select_related=("batch", "region", "beneficiary", "beneficiary__region"), allow_create=False,
    locked_with="batch", example={"amount_cny": Decimal("300"), "people": 1},
    description="救助发放明细：批次中的每一户及其金额和签收（手机签名或签收照片）。",
))
register(Registry(
    model=BatchGoods, slug="relief-goods", menu_group=GROUP, icon="⛺",
    list_fields=["batch", "warehouse", "material", "per_household", "quantity", "issued_at"],
    search_fields=["batch__number"], filter_fields=["batch", "warehouse", "material"],
    natural_key=("id",), select_related=("batch", "warehouse", "material"), allow_create=False,
    locked_with="batch",
    description="救助发放物资：批次每户发放的物资，发放时从储备库出库记入库存台账（单据号为批次编号）。",
))
