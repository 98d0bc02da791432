from django.urls import path

from yingji.declarations import views

urlpatterns = [
    path("public/declare/", views.declare, name="declare"),
    path("public/declare/status/", views.declare_status, name="declare_status"),
    path("declarations/map/", views.declaration_map, name="declaration_map"),
]
