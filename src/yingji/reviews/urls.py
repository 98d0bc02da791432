from django.urls import path

from yingji.reviews import views

urlpatterns = [
    path("reviews/evaluations/<int:pk>/field/", views.field, name="reviews_field"),
]
