from django.urls import path

from . import views

app_name = "mediators"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/", views.organisations, name="organisations"),
    path("public/", views.public_list, name="public"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/<str:decision>/", views.answer, name="answer"),
    path("case/<str:code>/order/", views.case_order, name="case_order"),
    path("case/<str:code>/cancel/", views.case_cancel, name="case_cancel"),
    path("track/<str:code>/", views.choose, name="choose"),
    path("track/<str:code>/cancel/", views.track_cancel, name="track_cancel"),
    path("track/<str:code>/rate/", views.track_rate, name="track_rate"),
]
