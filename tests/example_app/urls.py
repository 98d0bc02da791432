from django.urls import path

from tests.example_app import views

urlpatterns = [path("example/hydrants/summary/", views.summary, name="hydrant_summary")]
