import itertools
from decimal import Decimal

from yingji.core.framework.registry import RecordDocument, Registry, register
from yingji.requisition import documents
from yingji.requisition.models import ReadyItem, Requisition, RequisitionRule, UseLog
from yingji.requisition.workflow import REQUISITION_FLOW

GROUP = "应急资源"
_days = itertools.count()
PERSONAL = ("admin", "staff", "township", "leader", "duty")  # who requisition and pay see owners' names and phones


def _sample_event():
    """A disaster event for the generic tests' records (a requisition serves an event or an incident)."""
    import datetime

    from yingji.core.models import Region
    from yingji.disasters.models import DisasterEvent

    county = Region.objects.filter(level="county").order_by("code").first()
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=next(_days))
    return DisasterEvent.objects.create(name="样例灾情事件", disaster_type="landslide", onset_date=day, region=county)


def _summary(r):
    from yingji.core.framework import money

    out = [("征用", [f"{r.item.name}（{r.item.get_kind_display()}）{r.quantity.normalize():f}{r.item.unit}，"
                     f"被征用人：{r.item.owner}", f"用途：{r.purpose}；使用地点：{r.place}"])]
    if r.dispatched:
        out.append(("调度", [f"已由物资调度调出 {r.dispatched.normalize():f}{r.item.unit}"]))
    detail = r.compensation_detail or {}
    if detail:
        rule = detail.get("rule", {})
        lines = [f"{x['label']}：{x['basis']} = {money.yuan_text(Decimal(x['amount_cny']))} 元" for x in detail["lines"]]
        lines.append(f"应补偿 {money.yuan_text(r.compensation_cny)} 元（使用 {detail['days']} 日；{rule.get('region', '')}"
                     f" {rule.get('source', '')}{'' if rule.get('confirmed') else '，未核实'}）")
        if r.paid_on:
            lines.append(f"已支付 {money.yuan_text(r.paid_cny)} 元，{r.paid_on:%Y-%m-%d}，凭证号 {r.voucher_number}")
        out.append(("补偿", lines))
    return out


register(Registry(
    model=ReadyItem, slug="requisition-items", menu_group=GROUP, icon="🚜",
    list_fields=["name", "kind", "region", "organization", "owner_name", "owner_phone", "capacity", "unit", "material"],
    search_fields=["name", "spec", "address"], filter_fields=["kind", "region", "organization", "material"],
    natural_key=("id",), select_related=("region", "organization", "material"),
    personal_fields=("owner_name", "owner_phone"), personal_roles=PERSONAL,
    example={"owner_phone": "13800000000", "capacity": Decimal("1"), "unit": "台"},
    description="征用预备清单：突发事件发生时可依法征用的企业、场地、交通工具、工程机械和物资，登记所有人、联系电话、"
                "可征用数量和位置；在地图、就近资源查询中显示，征用期间对应物资目录的可作为物资调度的货源。",
))
register(Registry(
    model=RequisitionRule, slug="requisition-rules", menu_group=GROUP, icon="¥",
    list_fields=["region", "kind", "effective_from", "daily_rate_cny", "depreciation_pct_year", "operator_daily_cny",
                 "source", "confirmed", "example"],
    search_fields=["source", "note"], filter_fields=["kind", "region", "confirmed"],
    natural_key=("id",), select_related=("region",),
    example={"daily_rate_cny": Decimal("1000")},
    description="征用补偿规则：按区划、类别和执行日期登记使用补偿日费率、折旧率和操作人员补偿，注明依据文件；"
                "未登记的按全国参考值（示例值，未核实）计算。毁损按评估修复费用，灭失按征用时价值补偿。",
))
register(Registry(
    model=Requisition, slug="requisitions", menu_group=GROUP, icon="📜",
    list_fields=["number", "item", "event", "incident", "quantity", "purpose", "state", "compensation_cny", "paid_on"],
    search_fields=["number", "purpose", "place"], filter_fields=["state", "event", "incident", "region"],
    natural_key=("number",), select_related=("item", "event", "incident", "region"),
    form_fields=["event", "incident", "item", "issuer", "quantity", "purpose", "place", "planned_days", "operators"],
    workflow=REQUISITION_FLOW, summary=lambda r: _summary(r), example={"event": lambda: _sample_event()},
    locked_states=frozenset({"approved", "served", "in_use", "returned", "compensated", "cancelled"}),
    documents={
        "notice": RecordDocument("征用通知书", documents.notice,
                                 available=lambda r: r.state not in ("drafted", "cancelled"),
                                 filename=lambda r: f"应急征用通知书-{r.number}.docx", for_reader=True),
        "return": RecordDocument("返还记录", documents.return_record, available=lambda r: r.returned_at is not None,
                                 filename=lambda r: f"征用财产返还记录-{r.number}.docx", for_reader=True),
    },
    description="征用单：为灾情事件或突发事件征用预备清单中的财产（拟定 → 批准 → 送达征用通知书 → 使用中 → 返还 → 补偿，"
                "未使用前可撤销）；返还时评估毁损，按本地区补偿规则计算补偿并登记支付。",
))
register(Registry(
    model=UseLog, slug="requisition-uses", menu_group=GROUP, icon="🕘",
    list_fields=["requisition", "day", "hours", "place", "work", "quantity", "source"],
    search_fields=["requisition__number", "place", "work"], filter_fields=["requisition", "source"],
    natural_key=("id",), select_related=("requisition",), append_only=True,
    description="征用使用记录：被征用财产每日的使用地点、时长和作业内容，以及物资调度从征用物资调出的数量。",
))
