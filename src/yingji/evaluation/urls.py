from django.urls import path

from yingji.evaluation import views

urlpatterns = [
    path("evaluation/plans/<int:pk>/", views.plan_page, name="evaluation_plan"),
    path("evaluation/indices/<int:pk>/", views.index_page, name="evaluation_index"),
    path("public/plan-evaluations/", views.public_list, name="evaluation_public_list"),
    path("public/plan-evaluations/<int:pk>/", views.public_detail, name="evaluation_public_detail"),
]
