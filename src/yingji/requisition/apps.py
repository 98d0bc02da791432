from yingji.core.framework.contributions import (
    DemoStep,
    MenuEntry,
    NearestSource,
    SupplySource,
    YingjiAppConfig,
)


class RequisitionConfig(YingjiAppConfig):
    name = "yingji.requisition"
    label = "requisition"
    verbose_name = "应急征用"
    # Above disasters (65: the 灾情事件 a requisition serves) and incidents (60), and above resources (50:
    # the materials catalogue its items stand for); below shelters (67) and relief (70), which need
    # nothing of it. resources reaches it only through the declarations below (nearest_sources,
    # supply_sources), so the layers still point down.
    order = 66

    urls = "yingji.requisition.urls"
    menu = (
        MenuEntry("应急资源", "征用预备清单", registry="requisition-items"),
        MenuEntry("应急资源", "征用单", registry="requisitions"),
        MenuEntry("应急资源", "征用使用记录", registry="requisition-uses"),
        MenuEntry("应急资源", "征用补偿规则", registry="requisition-rules"),
    )
    # 拟定 and 送达 are the bureau's and the townships' ("*": "vac"); 批准 is the leader's (a change);
    # the rates are the county's: townships read them. Owners' accounts (enterprise) see their own
    # items and cases by organization scope, read-only.
    role_grants = {
        "leader": {"requisition.requisition": "vc"},
        "township": {"requisition.requisitionrule": "v"},
        "village": {"requisition.requisition": "", "requisition.uselog": "", "requisition.requisitionrule": ""},
        "social_force": {"requisition.requisition": "", "requisition.uselog": ""},
    }
    demo = DemoStep("yingji.requisition.demo:load", order=68)
    engines = ("compcalc", "rules")
    api_enum_names = {"RequisitionItemKindEnum": "yingji.requisition.choices.ItemKind"}
    nearest_sources = (NearestSource("requisition-items", "可征用资源", "requisition-items",
                                     "yingji.requisition.services:nearest_available",
                                     "yingji.requisition.services:nearest_describe"),)
    supply_sources = (SupplySource("requisitions", "征用物资", "yingji.requisition.services:dispatch_supplies",
                                   "yingji.requisition.services:dispatch_commit"),)

    def ready(self):
        from yingji.requisition import operations, registries  # noqa: F401  (join the registries and operations)
