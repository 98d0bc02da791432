from django.urls import path

from yingji.hazards import views

urlpatterns = [
    path("hazards/dashboard/", views.hazard_dashboard, name="hazard_dashboard"),
    path("public/tip-off/", views.tip_off, name="tip_off"),
    path("public/tip-off/status/", views.tip_off_status, name="tip_off_status"),
    path("api/hazards/dashboard/", views.hazard_dashboard_api, name="hazard_dashboard_api"),
]
