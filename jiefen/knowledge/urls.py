from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.library, name="library"),
    path("review/", views.review, name="review"),
    path("propose/<str:code>/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
    path("guide/", views.guide, name="guide"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
