from django.urls import path

from . import views

app_name = "posters"

urlpatterns = [
    path("poster/", views.poster_list, name="list"),
    path("poster/<int:pk>.pdf", views.poster_pdf, name="pdf"),
    path("<str:code>/", views.short, name="short"),
]
