from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("<slug:source_code>/", views.hook, name="hook"),
]
