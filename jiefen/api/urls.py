from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("v1/cases/", views.CaseListCreate.as_view(), name="cases"),
    path("v1/cases/<str:code>/", views.CaseDetail.as_view(), name="case-detail"),
    path("v1/cases/<str:code>/events/", views.CaseEvents.as_view(), name="case-events"),
    path("v1/cases/<str:code>/attachments/", views.CaseAttachments.as_view(), name="case-attachments"),
    path("v1/cases/<str:code>/attachments/<int:pk>/", views.AttachmentFile.as_view(), name="case-attachment-file"),
    path("v1/cases/<str:code>/actions/", views.CaseActions.as_view(), name="case-actions"),
    path("v1/cases/<str:code>/actions/<str:action>/", views.CaseAction.as_view(), name="case-action"),
    path("v1/cases/<str:code>/parties/<int:party>/reveal/", views.PartyReveal.as_view(), name="party-reveal"),
    # Swagger UI only: drf-spectacular's Redoc page loads Google fonts, and nothing here may need the internet.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
