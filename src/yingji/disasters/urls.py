from django.urls import path

from yingji.disasters import officer_views, rate_views

urlpatterns = [
    path("disasters/rates/", rate_views.rates_page, name="disaster_rates"),
    path("api/disasters/reporting-rates/", rate_views.rates_api, name="rates_api"),
    path("api/disasters/officer-coverage/", officer_views.coverage_api, name="officer_coverage_api"),
]
