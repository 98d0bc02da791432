import datetime
import itertools

from yingji.core.framework.registry import Registry, register
from yingji.disasters import ui
from yingji.disasters.documents import DOCUMENTS
from yingji.disasters.models import CasualtyRow, DisasterEvent, DisasterReport, DisasterRule, HouseholdRow, UpwardLink
from yingji.disasters.workflow import EVENT_FLOW, REPORT_FLOW

GROUP = "灾情救助"
_days = itertools.count()


def _next_day():
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=next(_days))

PERSONAL = ("admin", "staff", "township", "village")  # who enter and check the named lists see names and IDs

register(Registry(
    model=DisasterEvent, slug="disaster-events", menu_group=GROUP, icon="🌊",
    list_fields=["name", "disaster_type", "onset_date", "county_name", "state", "major", "received_from"],
    search_fields=["name", "county_name", "description"], filter_fields=["state", "disaster_type", "major", "region"],
    natural_key=("id",), select_related=("region", "incident"),
    form_fields=["name", "disaster_type", "onset_date", "learned_at", "region", "major", "incident", "description"],
    workflow=EVENT_FLOW, locked_states=frozenset({"closed"}), summary=lambda e: ui.event_summary(e),
    form_widgets={"disaster_type": ui.disaster_type_select}, documents=DOCUMENTS,
    record_links=[("快报表（.xlsx）", "disaster_event_forms"), ("HXL 数据（.csv）", "disaster_event_hxl")],
    example={"disaster_type": "flood", "onset_date": lambda: _next_day()},  # one event per (day, county, type)
    description="灾情事件：一次灾害过程，按（灾害发生日期、县、灾种）唯一；依次初报、续报（若干次）、核报。",
))
register(Registry(
    model=DisasterReport, slug="disaster-reports", menu_group=GROUP, icon="📊",
    list_fields=["event", "kind", "sequence", "level", "unit_name", "state", "submitted_at"],
    search_fields=["unit_name", "event__name"], filter_fields=["kind", "level", "state", "event", "region"],
    natural_key=("id",), select_related=("event", "region"),
    form_fields=["background", "course", "features", "trend", "relief", "needs", "next_steps"],
    workflow=REPORT_FLOW, locked_states=frozenset({"submitted", "accepted"}), allow_create=False,
    summary=lambda r: ui.report_summary(r),
    description="灾情报告：村（社区）、乡镇（街道）填报和县级汇总的初报、续报、核报；提交时核查数据，需说明的须书面说明。",
))
register(Registry(
    model=CasualtyRow, slug="disaster-casualties", menu_group=GROUP, icon="✝",
    list_fields=["event", "region", "name", "id_number", "gender", "age", "status", "occurred_on"],
    search_fields=["place", "cause"], filter_fields=["status", "event", "region"],
    natural_key=("id",), select_related=("event", "region"),
    personal_fields=("name", "id_number"), personal_roles=PERSONAL,
    description="因灾死亡失踪人口一览表：报送死亡、失踪人数时逐人填写；姓名和身份证号码仅填报和审核的角色可见。",
))
register(Registry(
    model=HouseholdRow, slug="disaster-households", menu_group=GROUP, icon="🏚",
    list_fields=["event", "region", "name", "id_number", "damage", "rooms", "address"],
    search_fields=["address"], filter_fields=["damage", "event", "region"],
    natural_key=("id",), select_related=("event", "region"),
    personal_fields=("name", "id_number"), personal_roles=PERSONAL,
    description="因灾倒塌损坏住房户一览表：核报时逐户填写；户主姓名和身份证号码仅填报和审核的角色可见。",
))
register(Registry(
    model=UpwardLink, slug="disaster-upward-links", menu_group=GROUP, icon="⇪",
    list_fields=["region", "name", "url", "active"], search_fields=["name", "url"], filter_fields=["active"],
    natural_key=("id",), select_related=("region",),
    personal_fields=("token",), personal_roles=("admin",),  # the token only for administrators
    description="灾情上报通道：上级使用独立平台时，本级报告经接口报送到上级平台（地址和令牌由上级签发）。",
))
register(Registry(
    model=DisasterRule, slug="disaster-rules", menu_group=GROUP, icon="⏱",
    list_fields=["key", "value", "region", "source", "article", "effective", "confirmed"],
    search_fields=["source", "note"], filter_fields=["key", "region", "confirmed"],
    natural_key=("id",),  # one per region and key (a constraint); an import names a row by its 编号
    select_related=("region",),
    form_fields=["key", "value", "region", "source", "article", "effective", "confirmed", "note"],
    example={"key": "followup_days", "value": "5"},
    description="本地的灾情报送时限与核查规则（初报、续报、核报时限，越级门槛，零报告时间，跳增倍数等）：市级设置适用于所辖各县，"
                "县级设置优先；未设置的按全国默认（每项注明依据文件和条款）。乡镇（街道）执行所在县的规则。",
))
