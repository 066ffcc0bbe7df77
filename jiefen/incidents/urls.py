from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("suggestions/<int:pk>/<str:decision>/", views.decide, name="decide"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
]
