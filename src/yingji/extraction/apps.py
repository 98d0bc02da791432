from yingji.core.framework.contributions import YingjiAppConfig


class ExtractionConfig(YingjiAppConfig):
    name = "yingji.extraction"
    label = "extraction"
    verbose_name = "灾情信息提取"
    order = 5  # below every domain app, so intake, 灾情 and 值班 pages can all use it

    urls = "yingji.extraction.urls"
    engines = ("engine", "numbers", "normalize", "types", "dates", "places", "figures", "scoring")
