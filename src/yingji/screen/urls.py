from django.urls import path

from yingji.screen import views

urlpatterns = [
    path("screen/", views.screen_page, name="screen"),
    path("api/screen/figures/", views.figures_api, name="screen_figures_api"),
    path("chains/", views.chains_page, name="chains"),
    path("api/chains/", views.chains_api, name="chains_api"),
]
