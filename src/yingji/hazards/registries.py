from yingji.core.framework.registry import Registry, register
from yingji.hazards.documents import escalation_notice
from yingji.hazards.models import Hazard, TipOff
from yingji.hazards.workflow import HAZARD_LOOP

register(Registry(
    model=Hazard, slug="hazards", menu_group="隐患治理", icon="⚠",
    list_fields=["title", "organization", "grade", "state", "deadline", "channel", "region"],
    search_fields=["title", "description", "place", "finder"],
    filter_fields=["state", "grade", "channel", "organization", "region"],
    natural_key=("id",),  # no natural code: the platform's 编号 identifies a hazard across exports and imports
    form_fields=["title", "organization", "place", "region", "lon", "lat", "description", "channel", "category",
                 "grade", "major_basis", "finder", "found_at", "responsible_unit", "responsible_person", "measures",
                 "funds_cny", "deadline"],
    select_related=("organization", "region", "reported_by"),
    workflow=HAZARD_LOOP,
    photos_on_create="现场照片",
    countdown=("deadline", {"rectifying", "overdue"}, "整改期限"),
    documents={"escalation": ("隐患整改督办通知书", escalation_notice, lambda h: h.escalated_at is not None)},
    description="隐患排查治理闭环：上报 → 核实（或驳回）→ 整改中 → 待验收 → 销号；逾期自动督办。",
))

register(Registry(
    model=TipOff, slug="tip-offs", menu_group="隐患治理", icon="✉",
    list_fields=["tracking_code", "description", "region", "created_at", "hazard", "reward_eligible", "reward_cny"],
    search_fields=["tracking_code", "description", "place", "contact_phone"],
    filter_fields=["reward_eligible", "region"],
    natural_key=("tracking_code",),
    form_fields=["reward_eligible", "reward_cny", "reward_note"],
    select_related=("region", "hazard"),
    allow_create=False,
    description="群众通过公开页面（无需登录）提交的举报，自动生成待核实的隐患；经核实属实的可登记举报奖励。",
))
