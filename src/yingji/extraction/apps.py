from yingji.core.framework.contributions import YingjiAppConfig


class ExtractionConfig(YingjiAppConfig):
    name = "yingji.extraction"
    label = "extraction"
    verbose_name = "灾情信息提取"
    order = 5  # below every domain app, so intake, 灾情 and 值班 pages can all use it

    urls = "yingji.extraction.urls"
    # Its registry's menu entry (提取校正记录) is declared by incidents, at the end of 应急指挥: an app of
    # order 5 would put it first.
    # The evaluation set is the bureau's: enterprises and social forces have no business with it.
    role_grants = {"enterprise": {"extraction.extractioncorrection": ""},
                   "social_force": {"extraction.extractioncorrection": ""}}
    engines = ("engine", "numbers", "normalize", "types", "dates", "places", "figures", "scoring", "filling")

    def ready(self):
        from yingji.extraction import registries  # noqa: F401  (join the registry)
