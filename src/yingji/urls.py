"""The site's URLs: every app's own (its AppConfig ``urls``, apps in order), then the generic
registry pages, map layers and API that every registry gets, then the admin."""

from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from yingji.core.framework import api as core_api
from yingji.core.framework import contributions
from yingji.core.framework import views as core
from yingji.core.framework.operation_views import OperationView

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
    path("<int:pk>/documents/<slug:name>.<slug:extension>", core.DocumentView.as_view(), name="registry_document_as"),
    path("do/<slug:name>/", OperationView.as_view(), name="operation"),
    path("<int:pk>/do/<slug:name>/", OperationView.as_view(), name="record_operation"),
]

urlpatterns = [
    # Apps' own paths come first: "api/hazards/dashboard/" before the router's "api/hazards/<pk>/",
    # "api/map/risk-enterprises.geojson" before the generic "api/map/<slug>.geojson".
    *contributions.urlpatterns(),
    path("registry/<slug:registry>/", include(registry_urls)),
    path("api/map/<slug:slug>.geojson", core_api.point_layer, name="map_points"),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
]

handler404 = "yingji.core.framework.rest.not_found"  # JSON under /api/, so an unknown id format answers as declared
handler500 = "yingji.core.framework.rest.server_error"  # Chinese: JSON under /api/, templates/500.html elsewhere
admin.site.site_header = admin.site.site_title = "yingji 应急管理平台 · 系统管理"
