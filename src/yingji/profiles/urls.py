from django.urls import path

from yingji.profiles import views

urlpatterns = [
    path("profiles/", views.index, name="profiles_index"),
    path("profiles/pivot/", views.pivot, name="profiles_pivot"),
    path("profiles/org/<int:pk>/", views.by_pk, name="profiles_by_pk"),
    path("profiles/<str:code>/", views.profile_page, name="profiles_profile"),
    path("profiles/<str:code>/relations/", views.relations_page, name="profiles_relations"),
    path("api/profiles/graph/", views.graph_api, name="profiles_graph_api"),
]
