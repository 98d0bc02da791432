from django.urls import path

from yingji.relief import views

urlpatterns = [
    path("relief/hours/", views.hours_page, name="relief_hours"),
    path("api/relief/hours/", views.hours_api, name="relief_hours_api"),
]
