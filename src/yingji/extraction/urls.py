from django.urls import path

from yingji.extraction import views

urlpatterns = [
    path("api/extraction/", views.ExtractionView.as_view(), name="extraction_api"),
]
