from django.urls import path

from yingji.supervision import caseviews, views

urlpatterns = [
    path("supervision/plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("supervision/draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("supervision/inspections/<int:pk>/onsite/", views.inspection_onsite, name="inspection_onsite"),
    path("api/supervision/plans/<int:pk>/progress/", views.plan_progress_api, name="plan_progress_api"),
    path("api/supervision/draws/<int:pk>/verify/", views.draw_verify_api, name="draw_verify_api"),
    path("public/inspections/", views.public_draws, name="public_draws"),
    path("public/inspections/<int:pk>/", views.public_draw, name="public_draw"),
    path("public/enforcement/", caseviews.public_notice, name="enforcement_public"),
    path("public/enforcement.csv", caseviews.public_notice_csv, name="enforcement_public_csv"),
]
