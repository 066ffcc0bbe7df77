from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("", views.register, name="register"),
    path("review/", views.review, name="review"),
    path("visits/", views.my_visits, name="visits"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/close/", views.close, name="close"),
]
