from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, YingjiAppConfig


class ReviewsConfig(YingjiAppConfig):
    name = "yingji.reviews"
    label = "reviews"
    verbose_name = "调查评估与复盘"
    # Above incidents (60: accidents, plans, drills, responses, dispatches), disasters (65), requisition
    # (66) and relief (70), whose records the reviews read; nothing below reads these.
    order = 80

    urls = "yingji.reviews.urls"
    menu = (
        MenuEntry("调查评估", "事故调查", registry="investigations"),
        MenuEntry("调查评估", "复盘与灾害调查评估", registry="reviews"),
        MenuEntry("调查评估", "演练评估", registry="drill-evaluations"),
        MenuEntry("调查评估", "整改措施", registry="measures"),
        MenuEntry("调查评估", "回头看", registry="investigation-lookbacks"),
        MenuEntry("调查评估", "演练逾期提醒", registry="drill-alerts"),
        MenuEntry("调查评估", "评估期限规则", registry="review-intervals"),
    )
    # The leader approves investigation reports (批复结案) and takes 复核/销号 as the supervising office;
    # an enterprise reports its own measures done and explains its overdue drills (organization scope).
    # Villages and social forces see none of it.
    role_grants = {
        "leader": {"reviews.measure": "vc", "reviews.investigation": "vc", "reviews.review": "vc"},
        "enterprise": {"reviews.measure": "vc", "reviews.drillalert": "vc"},
        "village": {"reviews.investigation": "", "reviews.responsibility": "", "reviews.lookback": "",
                    "reviews.measure": "", "reviews.review": ""},
        "social_force": {"reviews.investigation": "", "reviews.responsibility": "", "reviews.lookback": "",
                         "reviews.measure": "", "reviews.review": ""},
    }
    periodic_jobs = (
        PeriodicJob("reviews-overdue-measures", "yingji.reviews.tasks.mark_overdue", 3600),
        PeriodicJob("reviews-lookbacks", "yingji.reviews.tasks.open_lookbacks", 3600 * 6),
        PeriodicJob("reviews-drill-alerts", "yingji.reviews.tasks.drill_alerts", 3600 * 6),
    )
    demo = DemoStep("yingji.reviews.demo:load", order=80)
    engines = ("scoring", "timeline", "rules")
    api_enum_names = {"MeasureStateEnum": "yingji.reviews.choices.MeasureState",
                      "InvestigationStateEnum": "yingji.reviews.choices.InvestigationState",
                      "ReviewStateEnum": "yingji.reviews.choices.ReviewState",
                      "DrillEvaluationStateEnum": "yingji.reviews.choices.EvaluationState",
                      "AlertStateEnum": "yingji.reviews.choices.AlertState",
                      "LookbackStateEnum": "yingji.reviews.choices.LookbackState",
                      # 个人/单位: the same pair as an enforcement case's party, so one enum in the API
                      "PartyKindEnum": "yingji.reviews.choices.SubjectKind"}

    def ready(self):
        from yingji.reviews import operations, registries, tasks  # noqa: F401  (join the registries, operations, jobs)
