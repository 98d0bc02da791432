from django.urls import path

from yingji.compliance import views

urlpatterns = [
    path("compliance/alerts/run-checks/", views.run_page, name="compliance_run"),
]
