from yingji.core.framework.contributions import HomePanel, MenuEntry, PeriodicJob, YingjiAppConfig


class ExampleConfig(YingjiAppConfig):
    name = "tests.example_app"
    label = "example"
    verbose_name = "消防水源（示例）"
    order = 900

    urls = "tests.example_app.urls"
    menu = (MenuEntry("消防水源", "消防栓", registry="hydrants"),)
    role_grants = {"duty": {"example.hydrant": "vac"}}
    periodic_jobs = (PeriodicJob("hydrant-inspections", "tests.example_app.tasks.inspections_due", 86400),)
    home_panels = (HomePanel("example/panel.html", "tests.example_app.views:panel", width="col-12"),)
    engines = ("pressure",)

    def ready(self):
        from tests.example_app import operations, registries, tasks  # noqa: F401
