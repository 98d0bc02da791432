"""The 灾害信息员 registries: officers, their training records, and the bureau's list of
disaster-prone villages (which decides where a B post is required). Registered on import; the
app's ``ready`` calls ``register_all`` to import this and add the 灾情 map's region attributes."""

from yingji.core.framework.registry import Registry, register
from yingji.disasters.officers import DisasterOfficer, DisasterProneVillage, OfficerTraining

GROUP = "灾情救助"

register(Registry(
    model=DisasterOfficer, slug="disaster-officers", menu_group=GROUP, icon="☎",
    list_fields=["person", "region", "post", "phone", "active", "account", "since"],
    search_fields=["person__name", "phone", "region__name"],
    filter_fields=["post", "active", "region"],
    natural_key=("id",),  # a person may hold posts in two villages: the platform's 编号 identifies a post
    form_fields=["person", "region", "post", "phone", "active", "since", "account", "notes"],
    select_related=("person", "region", "account"),
    example={"post": "A", "phone": "13800138000", "active": True},
    description="灾害信息员名录（应急〔2020〕11号）：每个村（社区）至少 1 名在岗信息员（A岗），"
                "灾害易发村社区另设 B岗；记录所属人员、负责区域、手机、在岗状态、报灾账号和培训记录。",
))
register(Registry(
    model=OfficerTraining, slug="officer-trainings", menu_group=GROUP, icon="🎓",
    list_fields=["officer", "date", "course", "hours", "organizer", "certificate"],
    search_fields=["course", "organizer", "certificate", "officer__person__name"],
    filter_fields=["officer"],
    natural_key=("id",),
    select_related=("officer__person", "officer__region"),
    example={"date": "2026-05-12", "hours": "8.0"},
    description="灾害信息员参加的培训：日期、内容、学时、主办单位和证书编号。",
))
register(Registry(
    model=DisasterProneVillage, slug="disaster-prone-villages", menu_group=GROUP, icon="⛰",
    list_fields=["region", "hazards", "basis", "listed_on"],
    search_fields=["region__name", "hazards", "basis"],
    filter_fields=["region"],
    natural_key=("id",),  # one entry per village (unique region); rows are matched by 编号 like other registries
    select_related=("region",),
    example={"listed_on": "2026-03-01"},
    description="县局认定的灾害易发村（社区）名录及认定依据；名录内的村社区须同时配备 A岗 和 B岗 灾害信息员。",
))


def register_all() -> None:
    from yingji.disasters import reporting_rates

    reporting_rates.register_map_attributes()  # the 灾情 map: townships coloured by a 快报 indicator
