from django.urls import path

from yingji.supervision import caseviews

urlpatterns = [
    path("public/enforcement/", caseviews.public_notice, name="enforcement_public"),
    path("public/enforcement.csv", caseviews.public_notice_csv, name="enforcement_public_csv"),
]
