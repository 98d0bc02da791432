from django.urls import path

from yingji.warnings import views

urlpatterns = [
    path("warnings/<int:pk>/board/", views.board, name="warning_board"),
    path("warnings/<int:pk>/cap.xml", views.cap_export, name="warning_cap"),
    path("warnings/import-cap/", views.cap_import, name="warning_cap_import"),
    path("warnings/from-alarm/<int:pk>/", views.from_alarm, name="warning_from_alarm"),
    path("ack/<str:token>/", views.acknowledge, name="warning_ack"),
    path("public/warnings/", views.public_warnings, name="public_warnings"),
    path("public/warnings.geojson", views.public_warnings_geojson, name="public_warnings_geojson"),
    path("warnings/external/", views.external, name="warning_external"),
    path("warnings/cap-messages/<int:pk>.xml", views.cap_message_xml, name="cap_message_xml"),
    path("warnings/cap-messages/<int:pk>/warning/", views.cap_message_warning, name="cap_message_warning"),
    path("public/cap/feed.atom", views.public_cap_feed, name="public_cap_feed"),
    path("public/cap/<int:pk>.xml", views.public_cap_message, name="public_cap_message"),
]
