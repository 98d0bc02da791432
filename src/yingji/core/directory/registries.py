"""The core registries: administrative divisions, organizations, the address book, accounts."""

from yingji.core.directory import accounts
from yingji.core.framework.registry import Registry, register
from yingji.core.models import Organization, Person, Region, User

register(Registry(
    model=Region, slug="regions", menu_group="系统管理", icon="🗺",
    list_fields=["code", "name", "level", "parent", "population", "area_km2"],
    search_fields=["code", "name"],
    filter_fields=["level", "parent"],
    natural_key=("code",),
    form_fields=["code", "name", "level", "parent", "population", "area_km2", "gdp_cny", "geometry",
                 "geometry_note"],
    select_related=("parent",),
    description="县、乡镇街道、村社区三级行政区划，代码遵循 GB/T 2260 与统计用区划代码。",
))

register(Registry(
    model=Organization, slug="organizations", menu_group="系统管理", icon="🏭",
    list_fields=["name", "credit_code", "kind", "industry_code", "region", "safety_manager", "employees"],
    search_fields=["name", "credit_code", "address", "legal_representative", "safety_manager"],
    filter_fields=["kind", "scale", "industry_code", "region"],
    natural_key=("credit_code",),
    form_fields=["credit_code", "name", "kind", "industry_code", "scale", "region", "address", "lon", "lat",
                 "legal_representative", "safety_manager", "safety_manager_phone", "phone", "employees"],
    select_related=("region",),
    description="政府部门、企事业单位与社会组织；统一社会信用代码按 GB 32100-2015 校验。",
))

register(Registry(
    model=Person, slug="persons", menu_group="系统管理", icon="☎",
    list_fields=["name", "mobile", "title", "contact_role", "organization", "region"],
    search_fields=["name", "mobile", "title"],
    filter_fields=["contact_role", "organization", "region"],
    natural_key=("name", "mobile"),
    form_fields=["name", "mobile", "office_phone", "email", "title", "contact_role", "organization", "region",
                 "notes"],
    select_related=("organization", "region"),
    example={"mobile": "13800138000"},
    description="全平台共用的通讯录：值班、通知、预警叫应都从这里取人。",
))

register(Registry(
    model=User, slug="users", menu_group="系统管理", icon="👤",
    list_fields=["username", "first_name", "groups", "scope_region", "scope_organization", "is_active", "last_login"],
    search_fields=["username", "first_name", "phone"],
    filter_fields=["groups", "scope_region", "scope_organization", "is_active"],
    natural_key=("username",),
    form_fields=["username", "first_name", "phone", "email", "groups", "scope_region", "scope_organization",
                 "person"],
    select_related=("scope_region", "scope_organization__region", "person"),
    secret_fields=("password",),
    referred_by_id=True,  # a task's assignee, a timeline entry's actor: by id, as before accounts were a registry
    hidden_fields=("last_name", "is_staff", "is_superuser", "date_joined"),  # is_staff follows the 系统管理员 role
    code_fields=("username",),  # a login name is typed, not read: shown as code
    history_exclude=("last_login",),  # signing in is not a change of the account
    refusal=accounts.refusal, on_create=accounts.initial_password, clean_many=accounts.clean_roles,
    summary=accounts.summary,
    description="平台账号：角色决定能做什么，管辖区划和所属单位决定能看到哪些数据。新账号得到一次性密码，"
                "首次登录时须改为自己的密码。",
))
