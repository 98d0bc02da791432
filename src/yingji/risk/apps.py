from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig


class RiskConfig(YingjiAppConfig):
    name = "yingji.risk"
    label = "risk"
    verbose_name = "风险分级管控"
    order = 10

    urls = "yingji.risk.urls"
    menu = (
        MenuEntry("风险防控", "风险点", registry="risk-points"),
        MenuEntry("风险防控", "风险评估", registry="risk-assessments"),
        MenuEntry("风险防控", "分级阈值", registry="risk-bands"),
        MenuEntry("风险防控", "重大危险源", registry="hazard-sources"),
        MenuEntry("风险防控", "危险化学品存量", registry="hazard-inventories"),
        MenuEntry("风险防控", "脆弱性目标", registry="vulnerable-targets"),
        MenuEntry("风险防控", "四色图", url_name="risk_map"),
        MenuEntry("风险防控", "三清单", url_name="risk_lists"),
    )
    demo = DemoStep("yingji.risk.demo:load", order=20)
    api_enum_names = {"RiskLevelEnum": "yingji.risk.choices.Level", "RiskMethodEnum": "yingji.risk.choices.Method"}
    engines = ("scoring", "gb18218")

    def ready(self):
        from yingji.risk import maps, registries  # noqa: F401
