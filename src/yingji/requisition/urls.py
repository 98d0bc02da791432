from django.urls import path

from yingji.requisition import views

urlpatterns = [
    path("public/requisition/", views.public_lookup, name="requisition_lookup"),
]
