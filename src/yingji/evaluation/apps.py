from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig


class EvaluationConfig(YingjiAppConfig):
    name = "yingji.evaluation"
    label = "evaluation"
    verbose_name = "规划评估"
    # Above every app whose records its indicators count (incidents 60, disasters 65, relief 70, donations 75 …);
    # it reads them only through their declared series (contributions.SeriesSource), so it imports none.
    order = 85

    urls = "yingji.evaluation.urls"
    menu = (
        MenuEntry("统计分析", "规划", registry="development-plans"),
        MenuEntry("统计分析", "规划指标", registry="plan-indicators"),
        MenuEntry("统计分析", "重点项目", registry="plan-projects"),
        MenuEntry("统计分析", "规划任务", registry="plan-tasks"),
        MenuEntry("统计分析", "规划评估报告", registry="plan-evaluations"),
        MenuEntry("统计分析", "基础统计数据", registry="base-statistics"),
        MenuEntry("统计分析", "综合指数", registry="composite-indices"),
    )
    # The planning office is the county's staff ("*" gives them the registries); townships and villages read
    # the plan and its indicators; enterprise and social-force accounts have no business with plan records.
    role_grants = {
        "township": {"evaluation.developmentplan": "v", "evaluation.planindicator": "v", "evaluation.plantask": "v",
                     "evaluation.planproject": "v", "evaluation.evaluation": "v", "evaluation.basestatistic": "v",
                     "evaluation.compositeindex": "v", "evaluation.publiccomment": ""},
        "enterprise": {"evaluation.developmentplan": "", "evaluation.planindicator": "", "evaluation.plantask": "",
                       "evaluation.planproject": "", "evaluation.evaluation": "", "evaluation.basestatistic": "",
                       "evaluation.compositeindex": "", "evaluation.publiccomment": ""},
        "social_force": {"evaluation.developmentplan": "", "evaluation.planindicator": "", "evaluation.plantask": "",
                         "evaluation.planproject": "", "evaluation.evaluation": "", "evaluation.basestatistic": "",
                         "evaluation.compositeindex": "", "evaluation.publiccomment": ""},
    }
    demo = DemoStep("yingji.evaluation.demo:load", order=85)
    engines = ("indicators", "composite", "chart")
    # Named here: the model is "Evaluation", whose default enum name would be taken by the drills' evaluations
    api_enum_names = {"PlanEvaluationStateEnum": "yingji.evaluation.choices.EvaluationState"}

    def ready(self):
        from yingji.evaluation import operations, registries, services  # noqa: F401  (join the registries and operations)

        services.register_map_attribute()  # the 综合指数 map: townships coloured by an index
