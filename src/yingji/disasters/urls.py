from django.urls import path

from yingji.core.framework.views import DocumentView
from yingji.disasters import officer_views, rate_views

# The event's spreadsheet and CSV papers at addresses of their own type (the .docx one is the registry's).
urlpatterns = [
    path("registry/disaster-events/<int:pk>/documents/forms.xlsx", DocumentView.as_view(),
         {"registry": "disaster-events", "name": "forms", "extension": "xlsx"}, name="disaster_event_forms"),
    path("registry/disaster-events/<int:pk>/documents/hxl.csv", DocumentView.as_view(),
         {"registry": "disaster-events", "name": "hxl", "extension": "csv"}, name="disaster_event_hxl"),
    path("disasters/rates/", rate_views.rates_page, name="disaster_rates"),
    path("api/disasters/reporting-rates/", rate_views.rates_api, name="rates_api"),
    path("api/disasters/officer-coverage/", officer_views.coverage_api, name="officer_coverage_api"),
]
