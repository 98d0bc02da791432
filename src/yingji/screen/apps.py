from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig


class ScreenConfig(YingjiAppConfig):
    name = "yingji.screen"
    label = "screen"
    verbose_name = "指挥大屏与事理图谱"
    # Above every app whose figures it shows: it reads them only through their declarations
    # (``screen_figures``, contributions.ScreenFigure) and their registries, never by import.
    order = 90

    urls = "yingji.screen.urls"
    menu = (
        MenuEntry("应急指挥", "指挥大屏", url_name="screen"),
        MenuEntry("应急指挥", "事件关联（次生衍生）", registry="incident-links"),
        # 应急指挥, where the duty desk works (统计分析 keeps its planned 指标与指数 until the evaluation app fills it)
        MenuEntry("应急指挥", "事理图谱", url_name="chains", perm="incidents.view_incident"),
    )
    # Who records a link: whoever registers incidents (duty desk, townships); leaders and the rest read.
    role_grants = {
        "duty": {"screen.incidentlink": "vac"},
        "village": {"screen.incidentlink": "v"},
    }
    demo = DemoStep("yingji.screen.demo:load", order=90)
    engines = ("chains",)

    def ready(self):
        from yingji.screen import registries  # noqa: F401  (join the registry)
