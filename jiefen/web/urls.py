from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import exports, sheet_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/done/<str:code>/", views.report_done, name="report_done"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_case, name="track_case"),
    path("regions.json", views.region_children, name="regions_json"),
    path("regions/<int:pk>/outlines.geojson", views.region_outline, name="region_outlines"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("work/", views.worklist, name="worklist"),
    path("work/export/", exports.worklist_export, name="worklist_export"),
    path("work/new/", views.staff_new, name="staff_new"),
    path("work/notifications/", views.notifications, name="notifications"),
    path("cases/<str:code>/", views.case_detail, name="case_detail"),
    path("cases/<str:code>/act/<str:action>/", views.case_act, name="case_act"),
    path("cases/<str:code>/reveal/", views.case_reveal, name="case_reveal"),
    path("cases/<str:code>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("work/sheets/", sheet_views.sheet_list, name="sheet_list"),
    path("work/sheets/<int:pk>/", sheet_views.sheet_detail, name="sheet_detail"),
    path("work/sheets/<int:pk>/<str:action>/", sheet_views.sheet_act, name="sheet_act"),
    path("work/followups/", include("jiefen.followup.urls")),
    path("healthz", views.healthz, name="healthz"),
]
