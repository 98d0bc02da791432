from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig


class DeclarationsConfig(YingjiAppConfig):
    name = "yingji.declarations"
    label = "declarations"
    verbose_name = "网上申报"
    order = 69  # above disasters (65) and incidents (60), which it feeds: a declaration becomes a 灾情 entry or an incident

    urls = "yingji.declarations.urls"
    menu = (
        MenuEntry("灾情救助", "网上申报", registry="declarations"),
        MenuEntry("灾情救助", "网上申报地图", url_name="declaration_map"),
    )
    # The public's contacts and texts are the county desk's and the townships' to handle: the duty desk
    # turns declarations into incidents; enterprise and social-force accounts see none of them.
    role_grants = {
        "duty": {"declarations.declaration": "vc"},
        "enterprise": {"declarations.declaration": ""},
        "social_force": {"declarations.declaration": ""},
    }
    demo = DemoStep("yingji.declarations.demo:load", order=69)
    engines = ("grouping", "rules")

    def ready(self):
        from yingji.declarations import operations, registries  # noqa: F401  (join the registry and operations)
