from django.urls import path

from yingji.extraction import views

urlpatterns = [
    path("api/extraction/", views.ExtractionView.as_view(), name="extraction_api"),
    path("api/extraction/fill/", views.FillView.as_view(), name="extraction_fill_api"),
    path("api/extraction/file/", views.FileTextView.as_view(), name="extraction_file_api"),
]
