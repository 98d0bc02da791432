from django.urls import path

from yingji.credit import views

urlpatterns = [
    path("public/credit/", views.public_list, name="credit_public"),
    path("public/credit.csv", views.public_csv, name="credit_public_csv"),
]
