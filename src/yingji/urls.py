from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from yingji.core import api as core_api
from yingji.core import live, logins
from yingji.core import views as core
from yingji.core.operation_views import OperationView
from yingji.hazards import views as hazard_views
from yingji.incidents import views as incident_views
from yingji.monitoring import views as monitoring_views
from yingji.resources import views as resource_views
from yingji.risk import views as risk_views
from yingji.warnings import views as warning_views

router = DefaultRouter()
core_api.register_routes(router)

registry_urls = [
    path("", core.ListView.as_view(), name="registry_list"),
    path("new/", core.EditView.as_view(), name="registry_create"),
    path("export.xlsx", core.ExportView.as_view(), name="registry_export"),
    path("template.xlsx", core.TemplateView.as_view(), name="registry_template"),
    path("import/", core.ImportView.as_view(), name="registry_import"),
    path("import/jobs/<int:job>/", core.ImportJobView.as_view(), name="registry_import_job"),
    path("suggest/", core.SuggestView.as_view(), name="registry_suggest"),
    path("<int:pk>/", core.DetailView.as_view(), name="registry_detail"),
    path("<int:pk>/edit/", core.EditView.as_view(), name="registry_edit"),
    path("<int:pk>/delete/", core.DeleteView.as_view(), name="registry_delete"),
    path("<int:pk>/attachments/", core.AttachmentUploadView.as_view(), name="registry_attach"),
    path("<int:pk>/transition/", core.TransitionView.as_view(), name="registry_transition"),
    path("<int:pk>/documents/<slug:name>.docx", core.DocumentView.as_view(), name="registry_document"),
    path("do/<slug:name>/", OperationView.as_view(), name="operation"),
    path("<int:pk>/do/<slug:name>/", OperationView.as_view(), name="record_operation"),
]

urlpatterns = [
    path("", core.home, name="home"),
    path("map/", core.map_view, name="map"),
    path("risk/map/", risk_views.risk_map, name="risk_map"),
    path("risk/lists/", risk_views.risk_lists, name="risk_lists"),
    path("risk/points/<int:pk>/card/", risk_views.notice_card_print, name="risk_notice_card"),
    path("risk/lists/<slug:name>.xlsx", risk_views.risk_list_download, name="risk_list"),
    path("hazards/dashboard/", hazard_views.hazard_dashboard, name="hazard_dashboard"),
    path("public/tip-off/", hazard_views.tip_off, name="tip_off"),
    path("public/tip-off/status/", hazard_views.tip_off_status, name="tip_off_status"),
    path("public/boundary.geojson", core.public_boundary, name="public_boundary"),
    path("api/hazards/dashboard/", hazard_views.hazard_dashboard_api, name="hazard_dashboard_api"),
    path("live/stream", live.stream, name="live_stream"),
    path("monitoring/live/", monitoring_views.live_board, name="monitoring_live"),
    path("monitoring/sensors/<int:pk>/chart/", monitoring_views.sensor_chart, name="sensor_chart"),
    path("monitoring/alarms/<int:pk>/chart/", monitoring_views.alarm_chart, name="alarm_chart"),
    path("monitoring/dead-letters/", monitoring_views.dead_letters, name="dead_letters"),
    path("api/ingest/readings/", monitoring_views.ReadingIngestView.as_view(), name="ingest_readings"),
    path("api/monitoring/sensors/<int:pk>/series/", monitoring_views.SensorSeriesView.as_view(), name="sensor_series"),
    path("warnings/<int:pk>/board/", warning_views.board, name="warning_board"),
    path("warnings/<int:pk>/cap.xml", warning_views.cap_export, name="warning_cap"),
    path("warnings/import-cap/", warning_views.cap_import, name="warning_cap_import"),
    path("warnings/from-alarm/<int:pk>/", warning_views.from_alarm, name="warning_from_alarm"),
    path("ack/<str:token>/", warning_views.acknowledge, name="warning_ack"),
    path("public/warnings/", warning_views.public_warnings, name="public_warnings"),
    path("public/warnings.geojson", warning_views.public_warnings_geojson, name="public_warnings_geojson"),
    path("resources/nearest/", resource_views.nearest_page, name="nearest_resources"),
    path("resources/coverage/", resource_views.coverage_page, name="coverage"),
    path("resources/dispatch/", resource_views.dispatch_page, name="dispatch_plan"),
    path("resources/stock/move/", resource_views.stock_move, name="stock_move"),
    path("resources/stock/report.xlsx", resource_views.stock_report, name="stock_report"),
    path("api/resources/nearest/", resource_views.nearest_api, name="nearest_api"),
    path("api/resources/coverage/", resource_views.coverage_api, name="coverage_api"),
    path("api/resources/dispatch-plan/", resource_views.dispatch_api, name="dispatch_api"),
    path("public/rescue-teams/apply/", resource_views.social_force_apply, name="social_force_apply"),
    path("public/rescue-teams/status/", resource_views.social_force_status, name="social_force_status"),
    path("incidents/intake/", incident_views.intake, name="incident_intake"),
    path("incidents/<int:pk>/", incident_views.desk, name="incident_desk"),
    path("incidents/from-alarm/<int:pk>/", incident_views.from_alarm, name="incident_from_alarm"),
    path("incidents/from-warning/<int:pk>/", incident_views.from_warning, name="incident_from_warning"),
    # The desk's actions are declared operations (incidents/operations.py), kept at their addresses.
    path("incidents/<int:pk>/activate/", OperationView.as_view(), {"registry": "incidents", "name": "activate"},
         name="incident_activate"),
    path("incidents/<int:pk>/reports/new/", OperationView.as_view(), {"registry": "incidents", "name": "draft-report"},
         name="incident_new_report"),
    path("incidents/<int:pk>/timeline/", OperationView.as_view(), {"registry": "incidents", "name": "add-entry"},
         name="incident_message"),
    path("incidents/<int:pk>/map/", incident_views.situation_map, name="incident_map"),
    path("incidents/<int:pk>/dispatch-team/", OperationView.as_view(),
         {"registry": "incidents", "name": "dispatch-team"}, name="incident_dispatch_team"),
    path("api/incidents/open/", incident_views.OpenIncidentsView.as_view(), name="incidents_open_api"),
    path("api/incidents/<int:pk>/situation/", incident_views.SituationView.as_view(), name="incident_situation_api"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("registry/<slug:registry>/", include(registry_urls)),
    path("attachments/<int:pk>/", core.attachment_download, name="attachment"),
    path("notifications/", core.notifications, name="notifications"),
    path("notifications/badge/", core.notification_badge, name="notification_badge"),
    path("notifications/<int:pk>/", core.notification_open, name="notification_open"),
    path("system/audit-log/", core.audit_log, name="audit_log"),
    path("system/jobs/", core.job_runs, name="job_runs"),
    path("api/map/regions.geojson", core_api.region_layer, name="map_regions"),
    path("api/map/locate-address/", core_api.locate_address, name="locate_address"),
    path("api/map/risk-enterprises.geojson", risk_views.enterprise_layer_api, name="map_risk_enterprises"),
    path("api/map/<slug:slug>.geojson", core_api.point_layer, name="map_points"),
    path("api/token/", logins.TokenView.as_view(), name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file, so the docs need no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
]

handler404 = "yingji.core.rest.not_found"  # JSON under /api/, so an unknown id format answers as declared
admin.site.site_header = admin.site.site_title = "yingji 应急管理平台 · 系统管理"
