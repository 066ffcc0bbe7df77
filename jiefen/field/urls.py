from django.urls import path

from . import views

app_name = "field"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("report/", views.report, name="report"),
    path("proxy/", views.proxy_list, name="proxy_list"),
    path("proxy/new/", views.proxy_new, name="proxy_new"),
]
