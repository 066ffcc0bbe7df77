from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.archive, name="list"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/<str:fmt>/", views.download, name="download"),
]
