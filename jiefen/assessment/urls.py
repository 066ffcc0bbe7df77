from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("export/", views.export, name="export"),
]
