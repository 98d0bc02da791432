import datetime
import itertools
from decimal import Decimal

from yingji.core.framework.registry import RecordDocument, register
from yingji.core.framework.registry import Registry as _Registry
from yingji.core.framework.tabular import XLSX_TYPE
from yingji.donations.models import Allocation, Campaign, Disclosure, DonationLot, NeedItem, Pledge, ReceivingPoint
from yingji.donations.workflow import DISCLOSURE_FLOW, LOT_FLOW

GROUP = "捐赠管理"
OFFICE = ("admin", "staff", "township")  # who receive donations see donors' phones
_names = itertools.count(1)
_days = itertools.count()

Registry = _Registry


def _lot_summary(lot):
    from yingji.core.framework import money
    from yingji.donations import services
    from yingji.donations.choices import LotKind

    lines = [f"{lot.get_donor_kind_display()}捐赠：{lot.what}（{lot.receiving_point.name}）",
             "公开捐赠人名称：" + ("同意" if lot.publish_name else "不同意（公开页面显示为“爱心人士/爱心单位”）")]
    if lot.designated_use != "any" or lot.designated_region_id:
        lines.append(f"定向捐赠：{lot.get_designated_use_display()}"
                     + (f"，{lot.designated_region.name}" if lot.designated_region_id else ""))
    out = [("捐赠", lines)]
    if lot.state in services.IN_HAND:
        left = services.unallocated(lot)
        left_text = f"{money.yuan_text(left)} 元" if lot.kind == LotKind.MONEY else \
            f"{left}{lot.material.unit if lot.material_id else ''}"
        out.append(("分配", [f"未分配：{left_text}"]))
    if lot.refused_reason:
        out.append(("拒收", [lot.refused_reason]))
    return out


def _campaign_summary(c):
    from yingji.core.framework import money
    from yingji.donations import services

    t = services.tie_out(c)
    needs = [f"{r['material'].name}：需 {r['wanted']}，已登记 {r['pledged']}，已接收 {r['received']}，尚缺 {r['still']}"
             f"{r['material'].unit}" for r in services.needs(c)]
    return [("急需物资", needs or ["尚未登记急需物资"]),
            ("资金核对", [f"到账 {money.yuan_text(t['received'])} 元 = 已分配 {money.yuan_text(t['allocated'])} 元 + "
                      f"未分配 {money.yuan_text(t['unallocated'])} 元；已使用 {money.yuan_text(t['used'])} 元",
                      *(t["problems"] or ["收支相符"])]),
            ("信息公开", [f"待公开 {services.open_count(c)} 项"])]


def _label(lot):
    from yingji.donations import views

    return views.label_html(lot)


def _disclosure_xlsx(d):
    from yingji.donations import services

    return services.disclosure_xlsx(d)


def _charity_xlsx(campaign, user):
    import io

    from openpyxl import Workbook

    from yingji.core.framework.tabular import safe_row
    from yingji.donations import services

    book = Workbook()
    sheet = book.active
    sheet.title = "捐赠明细"
    sheet.append(list(services.CHARITY_COLUMNS))
    for row in services.charity_rows(user, campaign):
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


register(Registry(
    model=ReceivingPoint, slug="donation-points", menu_group=GROUP, icon="📍",
    list_fields=["name", "region", "address", "contact", "phone", "warehouse", "bank_name", "account_number", "active"],
    search_fields=["name", "address", "contact"], filter_fields=["region", "active"], natural_key=("name",),
    select_related=("region", "warehouse"),
    example={"name": lambda: f"捐赠接收点{next(_names)}", "phone": "0731-83612345", "account_number": ""},
    description="捐赠接收点：地址、联系人、接收时间，物资入库的储备库和收款账户（开户银行、账户名称、账号）。",
))
register(Registry(
    model=Campaign, slug="donation-campaigns", menu_group=GROUP, icon="🤝",
    list_fields=["title", "event", "region", "office", "started_on", "ended_on", "published"],
    search_fields=["title", "office"], filter_fields=["event", "region", "published"], natural_key=("id",),
    select_related=("event", "region"), summary=lambda c: _campaign_summary(c),
    example={"started_on": lambda: datetime.date(2026, 1, 1) + datetime.timedelta(days=next(_days)),
             "ended_on": None, "planned_end": None},
    documents={"charity": RecordDocument("捐赠明细（慈善信息公开格式）", _charity_xlsx, media_type=XLSX_TYPE,
                                         extension="xlsx", for_reader=True)},
    record_links=[("公开的需求清单", "donation_needs_public"), ("捐赠明细（.xlsx）", "donation_campaign_charity")],
    description="捐赠活动：一个灾情事件的社会捐赠，向社会公布急需物资清单和请勿捐赠的物品，"
                "按《慈善法》的公开日历定期公开接收和使用情况。",
))
register(Registry(
    model=NeedItem, slug="donation-needs", menu_group=GROUP, icon="📝",
    list_fields=["campaign", "material", "quantity", "receiving_point", "spec"],
    search_fields=["spec"], filter_fields=["campaign", "material", "receiving_point"], natural_key=("id",),
    select_related=("campaign", "material", "receiving_point"),
    description="急需物资清单：每个捐赠活动需要的物资、数量、规格和送达的接收点；尚缺数量按登记和接收情况自动计算。",
))
register(Registry(
    model=Pledge, slug="donation-pledges", menu_group=GROUP, icon="✉",
    list_fields=["tracking_code", "campaign", "donor_kind", "donor_name", "kind", "material", "quantity", "amount_cny",
                 "designated_use", "publish_name", "state", "created_at"],
    search_fields=["tracking_code"], filter_fields=["campaign", "kind", "state", "designated_use"],
    natural_key=("tracking_code",), select_related=("campaign", "material"), allow_create=False,
    example={"contact_phone": "13800138000"},
    personal_fields=("donor_name", "contact_phone"), personal_roles=OFFICE,
    description="捐赠意向登记：群众和单位在公开页面登记的捐赠意向（无需登录），凭登记编号在接收点交付。",
))
register(Registry(
    model=DonationLot, slug="donation-lots", menu_group=GROUP, icon="🎁",
    list_fields=["number", "campaign", "receiving_point", "donor_name", "kind", "material", "quantity", "amount_cny",
                 "designated_use", "state", "received_at"],
    search_fields=["number", "official_receipt"], filter_fields=["campaign", "receiving_point", "kind", "state",
                                                                   "designated_use"],
    natural_key=("number",), select_related=("campaign", "receiving_point", "material"), allow_create=False,
    workflow=LOT_FLOW, summary=lambda lot: _lot_summary(lot), personal_fields=("donor_phone",), personal_roles=OFFICE,
    locked_states=frozenset({"accepted", "refused", "closed"}),
    # Every field travels in the audit export; before 查验入库 the office may still correct a lot's entry.
    documents={"label": RecordDocument("收据和二维码标签", _label, media_type="text/html", extension="html",
                                       inline=True)},
    record_links=[("收据和二维码标签", "donation_lot_label"), ("公开追溯页", "donation_lot_trace")],
    example={"kind": "money", "amount_cny": Decimal("1000"), "quantity": None, "material": None, "donor_phone": "",
             "received_at": lambda: datetime.datetime.now(datetime.UTC)},
    description="捐赠接收：每批捐赠一个捐赠收据号（随二维码标签跟随物资），查验合格入库或拒收（注明理由），"
                "物资以收据号为批次记入库存台账，可经调拨单和救助发放批次追溯到村。",
))
register(Registry(
    model=Allocation, slug="donation-allocations", menu_group=GROUP, icon="➗",
    list_fields=["lot", "use", "target_region", "relief_batch", "per_household", "amount_cny", "allocated_at", "used_at"],
    search_fields=["lot__number", "note"], filter_fields=["use", "target_region", "relief_batch"], natural_key=("id",),
    select_related=("lot", "target_region", "relief_batch"), allow_create=False, append_only=True,
    description="捐赠分配：物资分配到救助发放批次（发放时从捐赠批次出库），资金分配到用途和地区并登记使用情况；"
                "定向捐赠只能按捐赠人指定的用途和地区分配。",
))
register(Registry(
    model=Disclosure, slug="donation-disclosures", menu_group=GROUP, icon="📢",
    list_fields=["campaign", "kind", "period_start", "period_end", "due_on", "state", "published_at"],
    search_fields=["campaign__title"], filter_fields=["campaign", "kind", "state"], natural_key=("id",),
    select_related=("campaign",), allow_create=False, workflow=DISCLOSURE_FLOW,
    countdown=("due_on", {"due"}, "应公开日期"),
    documents={"xlsx": RecordDocument("捐赠信息公开表", _disclosure_xlsx, media_type=XLSX_TYPE, extension="xlsx")},
    record_links=[("公开页面", "donation_disclosure_public"), ("公开表（.xlsx）", "donation_disclosure_xlsx")],
    description="捐赠信息公开：按《慈善法》的公开日历生成（募捐超过六个月的至少每三个月公开一次，结束后三个月内全面公开，"
                "应急阶段可设更短间隔），逾期未公开的进入负责单位的待办。",
))
