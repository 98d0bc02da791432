"""core's own pages and endpoints (the directory's home, map and region layer; the framework's
login, notifications, system pages and API schema) (the generic registry, map-layer and API routes, which must
follow every app's, are in yingji/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from yingji.core.directory import api as directory_api
from yingji.core.directory import views as directory
from yingji.core.framework import live, logins
from yingji.core.framework import views as core
from yingji.core.framework.api import ToDoListView

urlpatterns = [
    path("", directory.home, name="home"),
    path("map/", directory.map_view, name="map"),
    path("public/boundary.geojson", directory.public_boundary, name="public_boundary"),
    path("live/stream", live.stream, name="live_stream"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", directory.my_account, name="my_account"),
    path("account/password/", directory.PasswordChangeView.as_view(), name="password_change"),
    path("attachments/<int:pk>/", core.attachment_download, name="attachment"),
    path("notifications/", core.notifications, name="notifications"),
    path("notifications/badge/", core.notification_badge, name="notification_badge"),
    path("notifications/<int:pk>/", core.notification_open, name="notification_open"),
    path("todos/", core.todos, name="todos"),
    path("todos/badge/", core.todo_badge, name="todo_badge"),
    path("api/todos/", ToDoListView.as_view(), name="todos_api"),
    path("system/audit-log/", core.audit_log, name="audit_log"),
    path("system/jobs/", core.job_runs, name="job_runs"),
    path("api/map/regions.geojson", directory_api.region_layer, name="map_regions"),
    path("api/map/locate-address/", directory_api.locate_address, name="locate_address"),
    path("api/token/", logins.TokenView.as_view(), name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file, so the docs need no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
