from django.urls import path

from yingji.resources import views

urlpatterns = [
    path("resources/nearest/", views.nearest_page, name="nearest_resources"),
    path("resources/coverage/", views.coverage_page, name="coverage"),
    path("resources/dispatch/", views.dispatch_page, name="dispatch_plan"),
    path("resources/stock/move/", views.stock_move, name="stock_move"),
    path("resources/stock/report.xlsx", views.stock_report, name="stock_report"),
    path("api/resources/nearest/", views.nearest_api, name="nearest_api"),
    path("api/resources/coverage/", views.coverage_api, name="coverage_api"),
    path("api/resources/dispatch-plan/", views.dispatch_api, name="dispatch_api"),
    path("public/rescue-teams/apply/", views.social_force_apply, name="social_force_apply"),
    path("public/rescue-teams/status/", views.social_force_status, name="social_force_status"),
]
