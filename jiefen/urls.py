from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("jiefen.api.urls")),
    path("open311/v2/", include("jiefen.open311.urls")),
    path("hooks/", include("jiefen.imports.urls")),
    path("q/", include("jiefen.posters.urls")),
    path("routing/", include("jiefen.routing.urls")),
    path("incidents/", include("jiefen.incidents.urls")),
    path("warnings/", include("jiefen.warnings.urls")),
    path("risk/", include("jiefen.risk.urls")),
    path("accounts/", include("jiefen.accounts.urls")),
    path("analytics/", include("jiefen.analytics.urls")),
    path("reports/", include("jiefen.reports.urls")),
    path("assessment/", include("jiefen.assessment.urls")),
    path("mediators/", include("jiefen.mediators.urls")),
    path("knowledge/", include("jiefen.knowledge.urls")),
    path("online/", include("jiefen.online.urls")),
    path("points/", include("jiefen.points.urls")),
    path("field/", include("jiefen.field.urls")),
    path("", include("jiefen.web.urls")),
]
