from django.urls import path

from . import map_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", map_views.map_page, name="map"),
    path("map/regions.json", map_views.map_regions, name="map_regions"),
    path("map/cases.json", map_views.map_points, name="map_points"),
]
