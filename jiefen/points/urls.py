from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.orders, name="orders"),
    path("hall/", views.hall, name="hall"),
    path("new/", views.new, name="new"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export/", views.ranking_export, name="ranking_export"),
    path("<int:pk>/", views.order_detail, name="order"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/send-back/", views.send_back, name="send_back"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
