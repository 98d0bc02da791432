from django.urls import path

from yingji.shelters import views

urlpatterns = [
    path("shelters/duplicates/", views.duplicates_page, name="shelter_duplicates"),
    path("shelters/household-import-template/", views.import_template_page, name="shelter_import_template"),
    path("api/shelters/household-import-template/", views.import_template_api, name="shelter_import_template_api"),
    path("api/shelters/duplicates/", views.duplicates_api, name="shelter_duplicates_api"),
    path("api/shelters/report-figures/<int:pk>/", views.report_figures_api, name="shelter_report_figures_api"),
    path("public/family-search/", views.family_search, name="family_search"),
]
