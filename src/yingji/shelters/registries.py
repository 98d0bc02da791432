"""The registries of shelter operations. Personal data (names, ID numbers, phones, medication) is
shown only to the roles that register and look after people; everyone else reads it masked on every
path (list and record pages, the API, exports, the history)."""

from yingji.core.framework.registry import PointColour, Registry, register
from yingji.shelters.documents import ACTIVATION_DOCUMENTS, HOUSEHOLD_DOCUMENTS
from yingji.shelters.models import Activation, Evacuee, Household, LogEntry, ShelterRule, Stay
from yingji.shelters.workflow import ACTIVATION_FLOW

GROUP = "灾情救助"
PERSONAL = ("admin", "staff", "township")  # the desk officers of the county and the township running the site


def _a_village():  # the generic tests' sample household comes from some village
    from yingji.core.models import Region

    return Region.objects.filter(level="village").order_by("code").first()


def _summary(activation):
    from yingji.shelters.services import activation_summary

    return activation_summary(activation)


OCCUPANCY_COLOURS = {"red": "#d9001b", "amber": "#f7ba1e", "green": "#389e0d"}

register(Registry(
    model=Activation, slug="shelter-activations", menu_group=GROUP, icon="⛺",
    list_fields=["name", "event", "state", "capacity_people", "occupants", "households_in", "total_people",
                 "occupancy", "activated_at"],
    search_fields=["name", "commander"], filter_fields=["state", "occupancy", "event"],
    natural_key=("id",), select_related=("shelter", "event"), allow_create=False,
    form_fields=["commander", "phone", "zones", "note"],
    workflow=ACTIVATION_FLOW, locked_states=frozenset({"closed"}), documents=ACTIVATION_DOCUMENTS,
    summary=lambda a: _summary(a),
    point_colour=PointColour("occupancy", OCCUPANCY_COLOURS),
    description=("安置点运行：避难场所为灾情事件应急启用后的运行记录（已启用 → 运行中 → 安置运行结束）；可用容量按有效避难面积 ÷ "
                 "人均面积定额计算，在住人数随入住、离开和转移实时更新，地图上按占用着色（绿：有空位，黄：接近满员，红：满员）。"),
))
register(Registry(
    model=LogEntry, slug="shelter-logs", menu_group=GROUP, icon="📋",
    list_fields=["activation", "kind", "logged_at", "zone", "staff_on_duty", "people", "content"],
    search_fields=["content", "staff_on_duty", "zone"], filter_fields=["kind", "activation"],
    natural_key=("id",), select_related=("activation",), append_only=True,
    description="安置点运行情况日志（GB/T 33744 运行情况日志表）：值班人员、分区入住、物资、突发情况、巡查，只追加。",
))
register(Registry(
    model=Household, slug="shelter-households", menu_group=GROUP, icon="🏠",
    list_fields=["card_number", "head_name", "head_id_number", "phone", "village", "activation", "zone", "room",
                 "state", "checked_in_at"],
    search_fields=["card_number", "zone", "room"], filter_fields=["state", "activation", "event"],
    natural_key=("card_number",), select_related=("activation", "village", "event"), allow_create=False,
    form_fields=["zone", "room", "pets", "needs"],
    example={"village": _a_village, "head_id_number": ""}, documents=HOUSEHOLD_DOCUMENTS,
    personal_fields=("head_name", "head_id_number", "phone", "needs", "destination"), personal_roles=PERSONAL,
    description=("安置户（受灾群众安置登记表、居民安置卡）：在安置点入住登记生成，离开时登记去向，可转移到同一事件的其他安置点"
                 "（入住记录连续）；户主姓名、身份证号码和电话仅登记和管理安置的角色可见。"),
))
register(Registry(
    model=Evacuee, slug="shelter-evacuees", menu_group=GROUP, icon="🧑",
    list_fields=["household", "name", "id_number", "no_id", "relation", "gender", "birth_year", "flags"],
    search_fields=["household__card_number"], filter_fields=["no_id", "relation", "household"],
    natural_key=("id",), select_related=("household",), allow_create=False,
    form_fields=["name", "id_number", "phone", "relation", "gender", "birth_year", "flags", "medication"],
    personal_fields=("name", "id_number", "phone", "medication"), personal_roles=PERSONAL,
    description="安置人员：安置户的每位成员（含户主）；无身份证号码的人员允许登记并标明，特殊需求：老、幼、孕、残、病、三无、三孤。",
))
register(Registry(
    model=Stay, slug="shelter-stays", menu_group=GROUP, icon="↹",
    list_fields=["household", "activation", "people", "arrived_at", "left_at", "ended", "destination"],
    search_fields=["household__card_number"], filter_fields=["ended", "activation"],
    natural_key=("id",), select_related=("household", "activation"), append_only=True,
    personal_fields=("destination",), personal_roles=PERSONAL,
    description="安置记录：每户在每个安置点的入住和离开（离开或转移），转移后仍是同一户的连续记录；只由入住、离开、转移写入。",
))
register(Registry(
    model=ShelterRule, slug="shelter-rules", menu_group=GROUP, icon="⚖",
    list_fields=["region", "key", "value", "source", "article", "confirmed"],
    search_fields=["key", "source"], filter_fields=["confirmed", "region"],
    natural_key=("id",), select_related=("region",),  # one per region and key (a constraint)
    example={"key": "retention_days", "value": 90, "source": "本县规定"},
    description=("安置规则：人均有效避难面积定额、占用着色阈值、个人信息保存期限、寻亲查询次数限制的本级取值，覆盖全国默认值"
                 "（未核实的默认值已标明）；下级未设的取上级的。"),
))
