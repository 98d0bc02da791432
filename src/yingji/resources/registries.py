from yingji.core.framework.registry import Registry, register
from yingji.resources.choices import Readiness
from yingji.resources.models import (
    Equipment,
    Expert,
    Material,
    Shelter,
    SocialForceApplication,
    StockLevel,
    StockMovement,
    Team,
    TeamActivity,
    TeamMember,
    TransferLine,
    TransferOrder,
    Warehouse,
)
from yingji.resources.workflow import SOCIAL_FORCE_REVIEW, TRANSFER_FLOW

GROUP = "应急资源"


def readiness_a_person_may_set(team) -> list[str]:
    """待命 or 休整; 出动 only shows (and stays) while a dispatch has the team out."""
    if team.pk and team.readiness == Readiness.DEPLOYED:
        return [Readiness.DEPLOYED]
    return [Readiness.STANDBY, Readiness.RESTING]

register(Registry(
    model=Team, slug="teams", menu_group=GROUP, icon="⛑",
    list_fields=["name", "kind", "readiness", "members", "capabilities", "response_minutes", "region"],
    search_fields=["name", "capabilities", "leader"],
    filter_fields=["kind", "readiness", "organization", "region"],
    natural_key=("name",), select_related=("region", "organization"),
    offered_choices={"readiness": readiness_a_person_may_set},
    page_links=[("就近资源", "nearest_resources", "view"), ("覆盖分析", "coverage", "view")],
    description="综合性消防救援、专业救援、企业专职、社会应急力量和基层“一队多用”队伍：驻地、人数、能力、战备状态和承诺响应时间。",
))
register(Registry(
    model=TeamMember, slug="team-members", menu_group=GROUP, icon="👤",
    list_fields=["name", "team", "position", "certificate", "certificate_expires"],
    search_fields=["name", "certificate"], filter_fields=["team"],
    natural_key=("id",), select_related=("team",),
    description="队员及其证书和有效期。",
))
register(Registry(
    model=TeamActivity, slug="team-activities", menu_group=GROUP, icon="🗓",
    list_fields=["team", "kind", "date", "title", "score"],
    search_fields=["title", "notes"], filter_fields=["kind", "team"],
    natural_key=("id",), select_related=("team",),
    example={"date": "2026-10-01"},
    description="社会力量动态管理：培训、演练、救援任务和考核评估记录。",
))
register(Registry(
    model=Expert, slug="experts", menu_group=GROUP, icon="🎓",
    list_fields=["name", "specialties", "title", "organization", "mobile", "available"],
    search_fields=["name", "specialties", "title"], filter_fields=["available", "organization", "region"],
    natural_key=("name", "mobile"), select_related=("organization", "region"),
    example={"specialties": "危化,消防", "mobile": "13800000001"},
    description="应急专家库：专业领域、职称、单位、联系方式和是否可随时调用。",
))
register(Registry(
    model=Warehouse, slug="warehouses", menu_group=GROUP, icon="🏬",
    list_fields=["name", "level", "reserve_kind", "manager", "phone", "delivery_hours", "region"],
    search_fields=["name", "address", "manager"], filter_fields=["level", "reserve_kind", "region"],
    natural_key=("name",), select_related=("region", "organization"),
    example={"reserve_kind": "physical", "level": "county"},
    description="县、乡镇街道、村社区三级储备库：实物储备、协议储备（供应商与供货时限）、产能储备（日产能）。",
))
register(Registry(
    model=Material, slug="materials", menu_group=GROUP, icon="📦",
    list_fields=["code", "name", "category", "unit", "spec", "shelf_life_days"],
    search_fields=["code", "name", "spec"], filter_fields=["category"],
    natural_key=("code",), select_related=("region",),
    example={"category": "living", "unit": "顶"},
    description="救灾和救援物资目录：标准类别、计量单位、规格和保质期；县级维护，乡镇村社区共用。",
))
register(Registry(
    model=StockLevel, slug="stock", menu_group=GROUP, icon="▤",
    list_fields=["warehouse", "material", "quantity", "minimum"],
    search_fields=["warehouse__name", "material__name"], filter_fields=["warehouse", "material"],
    natural_key=("id",), select_related=("warehouse", "material"), form_fields=["minimum"], allow_create=False,
    page_links=[("登记出入库", "stock_move", "view"), ("库存报表（Excel）", "stock_report", "view")],
    description="各储备库的物资库存：数量是台账的合计，只能通过入库、出库、调拨、盘点、报废变动；可设置最低储备量。",
))
register(Registry(
    model=StockMovement, slug="stock-movements", menu_group=GROUP, icon="≡",
    list_fields=["at", "warehouse", "material", "kind", "delta", "balance", "batch", "expires", "reference", "actor"],
    search_fields=["reference", "batch", "note"], filter_fields=["kind", "warehouse", "material"],
    natural_key=("id",), select_related=("warehouse", "material"), append_only=True,
    page_links=[("登记出入库", "stock_move", "add")],
    example={"kind": "receive", "delta": 1, "balance": 1, "at": "2026-11-22T08:00:00+08:00"},
    description="库存台账：每一笔入库、出库、调拨、盘点、报废都是一行，只追加，不修改。",
))
register(Registry(
    model=Equipment, slug="equipment", menu_group=GROUP, icon="🛠",
    list_fields=["name", "kind", "model_no", "quantity", "team", "warehouse", "status", "maintenance_due"],
    search_fields=["name", "kind", "model_no"], filter_fields=["status", "team", "warehouse", "region"],
    natural_key=("id",), select_related=("team", "warehouse", "region"),
    description="救援装备：类型、型号、数量、所属队伍或储备库、状态和维保日期。",
))
register(Registry(
    model=Shelter, slug="shelters", menu_group=GROUP, icon="⛺",
    list_fields=["name", "duration_class", "space", "effective_area_m2", "capacity_people", "status", "region"],
    search_fields=["name", "address"], filter_fields=["duration_class", "space", "status", "region"],
    natural_key=("name",), select_related=("region", "organization"),
    example={"duration_class": "short", "effective_area_m2": 2000, "facilities": "应急供水,应急厕所"},
    description="应急避难场所：按避难时长分类（紧急/短期/中期/长期），有效避难面积和按人均面积折算的可容纳人数、"
                "配套设施、功能分区和开放状态。",
))
register(Registry(
    model=SocialForceApplication, slug="social-force-applications", menu_group=GROUP, icon="✚",
    list_fields=["name", "leader", "mobile", "members", "capabilities", "region", "created_at"],
    search_fields=["name", "leader", "capabilities", "tracking_code"], filter_fields=["state", "region"],
    natural_key=("tracking_code",), select_related=("region",), allow_create=False,
    example={"mobile": "13800138000"},
    workflow=SOCIAL_FORCE_REVIEW, locked_states=frozenset({"approved", "rejected"}),
    description="社会应急力量通过公开登记表自主登记，经审核认定后进入救援队伍库。登记入口：/public/rescue-teams/apply/",
))
register(Registry(
    model=TransferOrder, slug="transfer-orders", menu_group=GROUP, icon="🚚",
    list_fields=["number", "source", "destination", "purpose", "needed_by", "travel_minutes", "state", "region"],
    search_fields=["number", "destination", "purpose"], filter_fields=["state", "source", "destination_warehouse", "region"],
    natural_key=("number",), select_related=("source", "destination_warehouse", "region"),
    workflow=TRANSFER_FLOW,
    locked_states=frozenset({"approved", "issued", "in_transit", "received", "voided"}),
    page_links=[("物资调度", "dispatch_plan", "add")],
    example={"destination": "大瑶镇中心小学安置点", "purpose": "防汛转移安置"},
    description="调拨单：拟定 → 审批 → 出库 → 在途 → 签收；出库时从调出库扣减库存，调往储备库的在签收时计入调入库。",
))
register(Registry(
    model=TransferLine, slug="transfer-lines", menu_group=GROUP, icon="≡",
    list_fields=["order", "material", "quantity", "batch"],
    search_fields=["order__number", "material__name"], filter_fields=["order", "material"],
    natural_key=("id",), select_related=("order", "material"), locked_with="order",
    description="调拨单的物资明细；调拨单审批后不能再修改。",
))
