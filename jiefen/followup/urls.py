from django.urls import path

from . import views

urlpatterns = [
    path("", views.follow_up_list, name="follow_up_list"),
    path("<int:pk>/", views.follow_up_visit, name="follow_up_visit"),
]
