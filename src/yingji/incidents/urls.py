from django.urls import path

from yingji.incidents import views

urlpatterns = [
    path("incidents/intake/", views.intake, name="incident_intake"),
    path("incidents/<int:pk>/", views.desk, name="incident_desk"),
    path("incidents/from-alarm/<int:pk>/", views.from_alarm, name="incident_from_alarm"),
    path("incidents/from-warning/<int:pk>/", views.from_warning, name="incident_from_warning"),
    path("incidents/<int:pk>/activate/", views.activate, name="incident_activate"),
    path("incidents/<int:pk>/reports/new/", views.new_report, name="incident_new_report"),
    path("incidents/<int:pk>/timeline/", views.add_message, name="incident_message"),
    path("incidents/<int:pk>/map/", views.situation_map, name="incident_map"),
    path("incidents/<int:pk>/dispatch-team/", views.dispatch_team, name="incident_dispatch_team"),
    path("api/incidents/open/", views.incidents_now, name="incidents_open_api"),
    path("api/incidents/<int:pk>/situation/", views.situation_api, name="incident_situation_api"),
]
