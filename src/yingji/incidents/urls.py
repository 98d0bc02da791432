from django.urls import path

from yingji.core.framework.operation_views import OperationView
from yingji.incidents import views

urlpatterns = [
    path("incidents/intake/", views.intake, name="incident_intake"),
    path("incidents/<int:pk>/", views.desk, name="incident_desk"),
    path("incidents/from-alarm/<int:pk>/", views.from_alarm, name="incident_from_alarm"),
    path("incidents/from-warning/<int:pk>/", views.from_warning, name="incident_from_warning"),
    # The desk's actions are declared operations (incidents/operations.py), kept at their addresses.
    path("incidents/<int:pk>/activate/", OperationView.as_view(), {"registry": "incidents", "name": "activate"},
         name="incident_activate"),
    path("incidents/<int:pk>/reports/new/", OperationView.as_view(), {"registry": "incidents", "name": "draft-report"},
         name="incident_new_report"),
    path("incidents/<int:pk>/timeline/", OperationView.as_view(), {"registry": "incidents", "name": "add-entry"},
         name="incident_message"),
    path("incidents/<int:pk>/map/", views.situation_map, name="incident_map"),
    path("incidents/<int:pk>/dispatch-team/", OperationView.as_view(),
         {"registry": "incidents", "name": "dispatch-team"}, name="incident_dispatch_team"),
    path("api/incidents/open/", views.OpenIncidentsView.as_view(), name="incidents_open_api"),
    path("api/incidents/<int:pk>/situation/", views.SituationView.as_view(), name="incident_situation_api"),
]
