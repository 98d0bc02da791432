from django.urls import path

from yingji.monitoring import views

urlpatterns = [
    path("monitoring/live/", views.live_board, name="monitoring_live"),
    path("monitoring/sensors/<int:pk>/chart/", views.sensor_chart, name="sensor_chart"),
    path("monitoring/alarms/<int:pk>/chart/", views.alarm_chart, name="alarm_chart"),
    path("monitoring/dead-letters/", views.dead_letters, name="dead_letters"),
    path("api/ingest/readings/", views.ReadingIngestView.as_view(), name="ingest_readings"),
    path("api/monitoring/sensors/<int:pk>/series/", views.SensorSeriesView.as_view(), name="sensor_series"),
]
