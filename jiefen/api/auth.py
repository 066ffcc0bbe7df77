"""DRF authentication by API key: `Authorization: Token jf_…` or `X-Api-Key: jf_…`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiClient


def key_from(request) -> str:
    header = authentication.get_authorization_header(request).decode(errors="replace")
    if header.lower().startswith("token "):
        return header[6:].strip()
    return request.META.get("HTTP_X_API_KEY", "").strip()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        key = key_from(request)
        if not key:
            return None
        client = ApiClient.authenticate(key)
        if client is None:
            raise exceptions.AuthenticationFailed(_("接口密钥无效或已吊销。"))
        return client.user, client

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token jf_…  (issued by an administrator; X-Api-Key also accepted)"}
