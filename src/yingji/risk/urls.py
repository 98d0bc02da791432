from django.urls import path

from yingji.risk import views

urlpatterns = [
    path("risk/map/", views.risk_map, name="risk_map"),
    path("risk/lists/", views.risk_lists, name="risk_lists"),
    path("risk/points/<int:pk>/card/", views.notice_card_print, name="risk_notice_card"),
    path("risk/lists/<slug:name>.xlsx", views.risk_list_download, name="risk_list"),
    path("api/map/risk-enterprises.geojson", views.enterprise_layer_api, name="map_risk_enterprises"),
]
