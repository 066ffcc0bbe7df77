from django.urls import path

from . import views

app_name = "accounts"

urlpatterns: list = [
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/verify/", views.verify, name="verify"),
    path("2fa/disable/", views.disable, name="disable"),
]
