"""The native REST API (v1). Thin: parse, call the intake or workflow service, answer.

Callers are API clients (key authentication: request.auth is the ApiClient, request.user its
service account) or signed-in staff (session authentication, CSRF-checked). Every query of
cases starts from `visible_cases(request.user)`: outside it a case does not exist (404)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jiefen.accounts.models import Role
from jiefen.cases import privacy
from jiefen.cases.models import Case, Channel, Party
from jiefen.cases.scope import visible_cases
from jiefen.cases.services import ActionError, perform
from jiefen.cases.workflow import ACTIONS, allowed_actions
from jiefen.intake.forms import PhotosField, SystemIntakeForm
from jiefen.intake.services import add_photo, field_messages, submit_case
from jiefen.lib.codes import normalize_tracking_code

from .models import ApiClient
from .serializers import (
    CASE_RELATED,
    ActionInputSerializer,
    ActionSerializer,
    AttachmentInputSerializer,
    AttachmentSerializer,
    CaseCreatedSerializer,
    CaseInputSerializer,
    CaseQuerySerializer,
    CaseSerializer,
    ErrorSerializer,
    EventSerializer,
    RevealInputSerializer,
    RevealSerializer,
    created_body,
)

MAX_IDEMPOTENCY_KEY = 80
MAX_ATTACHMENTS = 20  # per case, all uploads together
# Posts that may file a case (as on the staff entry page).
FILERS = (Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.GRID_WORKER, Role.MEDIATOR)

FIELD_ERRORS = OpenApiResponse(
    response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Bad input: messages (Chinese) by field; `non_field_errors` for the whole request.",
    examples=[OpenApiExample("field errors", value={"phone": ["请输入正确的手机号（11位，以1开头）或带区号的固定电话。"]})],
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No key, a wrong key or a revoked key.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such case, or not in the caller's jurisdiction.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The caller's post may not do this.")
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH,
                        description="tracking code, with or without the dash (ABCD-EFGH)")
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description=f"Up to {MAX_IDEMPOTENCY_KEY} characters, unique per request you mean; a retry with the same key "
                "returns the first case with 200 and creates nothing. Keys are per caller.",
)


def field_errors(exc: ValidationError) -> dict:
    body: dict[str, list[str]] = {}
    for name, message in field_messages(exc):
        body.setdefault("non_field_errors" if name == "__all__" else name, []).append(message)
    return body


def plain_data(request) -> dict:
    """The request body as a flat dict (multipart: the last value of each non-file field)."""
    data = request.data
    if isinstance(data, QueryDict):
        return {k: data.get(k) for k in data if k not in request.FILES}
    if not isinstance(data, dict):
        raise ParseError(_("请求体应为 JSON 对象。"))
    return dict(data)


def client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


def case_or_404(request, code: str, related=CASE_RELATED) -> Case:
    case = (visible_cases(request.user).select_related(*related)
            .filter(tracking_code=normalize_tracking_code(code)).first())
    if case is None:
        raise NotFound(_("案件不存在，或不在您的管辖范围内。"))
    return case


def with_parties(qs):
    return qs.select_related(*CASE_RELATED).prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("id")))


class CasePagination(CursorPagination):
    """Newest first, by an opaque cursor (`next`/`previous` links): stable while cases arrive."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseListCreate(GenericAPIView):
    serializer_class = CaseSerializer
    pagination_class = CasePagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return visible_cases(self.request.user)

    @extend_schema(
        operation_id="cases_list",
        summary="List cases in the caller's jurisdiction",
        parameters=[CaseQuerySerializer],
        responses={200: CaseSerializer(many=True), 400: FIELD_ERRORS, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        query = CaseQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return Response(query.errors, status=http.HTTP_400_BAD_REQUEST)
        f = query.validated_data
        qs = self.get_queryset()
        if f.get("status"):
            qs = qs.filter(status__in=f["status"])
        if f.get("channel"):
            qs = qs.filter(channel=f["channel"])
        if f.get("updated_since"):
            qs = qs.filter(updated_at__gte=f["updated_since"])
        if f.get("region"):
            qs = qs.filter(region_path__startswith=f["region"].path)
        for name in ("external_source", "external_id"):
            if f.get(name):
                qs = qs.filter(**{name: f[name]})
        page = self.paginate_queryset(with_parties(qs))
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="File a case",
        description="Goes through the same intake checks as every other door. An API client files in its own "
                    "region (the place must lie inside it; without a place the point, the address or the client's "
                    "region decides) under its own channel.",
        request={"application/json": CaseInputSerializer, "multipart/form-data": CaseInputSerializer},
        parameters=[IDEMPOTENCY],
        responses={
            201: OpenApiResponse(CaseCreatedSerializer, description="Created."),
            200: OpenApiResponse(CaseCreatedSerializer, description="A retry: the case filed first; nothing created."),
            400: FIELD_ERRORS, 401: UNAUTHENTICATED, 403: FORBIDDEN,
            409: OpenApiResponse(ErrorSerializer, description="The external id belongs to a case outside your scope."),
        },
    )
    def post(self, request):
        user = request.user
        if not (user.is_superuser or user.has_role(*FILERS)):
            raise PermissionDenied(_("您的岗位不能登记案件。"))
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY:
            return Response({"Idempotency-Key": [_("Idempotency-Key 不能超过%(n)d个字符。") % {"n": MAX_IDEMPOTENCY_KEY}]},
                            status=http.HTTP_400_BAD_REQUEST)
        data = plain_data(request)
        client = client_of(request)
        if client is not None:
            data["channel"] = client.channel  # a system files under its own channel
            form_kwargs = {"within": client.region, "default_region": client.region}
        else:
            form_kwargs = {}
        try:
            case = submit_case(
                data, request.FILES, channel=Channel.API, actor=user,
                idempotency_key=f"api:{user.pk}:{key}" if key else None,
                form_class=SystemIntakeForm, form_kwargs=form_kwargs,
            )
        except ValidationError as exc:
            return Response(field_errors(exc), status=http.HTTP_400_BAD_REQUEST)
        if case.created:
            return Response(created_body(case), status=http.HTTP_201_CREATED)
        # a retry: the first case, if the caller may see it (an external id is global)
        case = visible_cases(user).select_related("region").filter(pk=case.pk).first()
        if case is None:
            return Response({"detail": _("该外部编号已被另一案件使用。")}, status=http.HTTP_409_CONFLICT)
        return Response(created_body(case), status=http.HTTP_200_OK)


class CaseDetail(APIView):
    @extend_schema(operation_id="cases_retrieve", summary="One case", parameters=[CODE],
                   responses={200: CaseSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def get(self, request, code):
        case = with_parties(visible_cases(request.user)).filter(tracking_code=normalize_tracking_code(code)).first()
        if case is None:
            raise NotFound(_("案件不存在，或不在您的管辖范围内。"))
        return Response(CaseSerializer(case).data)


class CaseEvents(APIView):
    @extend_schema(operation_id="cases_events", summary="The case's timeline, oldest first", parameters=[CODE],
                   responses={200: EventSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def get(self, request, code):
        from jiefen.web.views import timeline  # the case page's own rows

        case = case_or_404(request, code, related=())
        rows = timeline(case.events.select_related("actor").order_by("created_at", "id"))
        return Response(EventSerializer([
            {"id": e.pk, "action": e.action, "label": str(label), "from_status": e.from_status,
             "to_status": e.to_status, "actor": e.actor_label, "reason": e.reason, "summary": str(summary),
             "public": e.public, "created_at": e.created_at}
            for e, label, summary in rows
        ], many=True).data)


class CaseAttachments(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="cases_attachments_list", summary="The case's photos", parameters=[CODE],
                   responses={200: AttachmentSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def get(self, request, code):
        case = case_or_404(request, code, related=())
        atts = list(case.attachments.all())
        for att in atts:
            att.case = case
        return Response(AttachmentSerializer(atts, many=True).data)

    @extend_schema(
        operation_id="cases_attachments_create", summary="Add a photo to the case", parameters=[CODE],
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request, code):
        case = case_or_404(request, code, related=())
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件（表单字段 file）。")]}, status=http.HTTP_400_BAD_REQUEST)
        if case.attachments.count() >= MAX_ATTACHMENTS:
            return Response({"file": [_("每个案件最多%(n)d个附件。") % {"n": MAX_ATTACHMENTS}]},
                            status=http.HTTP_400_BAD_REQUEST)
        try:
            upload = PhotosField.clean_one(upload)
        except ValidationError as exc:
            return Response({"file": [str(m) for m in exc.messages]}, status=http.HTTP_400_BAD_REQUEST)
        att = add_photo(case, upload, request.user)
        return Response(AttachmentSerializer(att).data, status=http.HTTP_201_CREATED)


class AttachmentFile(APIView):
    @extend_schema(operation_id="cases_attachments_file", summary="Download a photo", parameters=[CODE],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 401: UNAUTHENTICATED,
                              404: NOT_FOUND})
    def get(self, request, code, pk):
        case = case_or_404(request, code, related=())
        att = case.attachments.filter(pk=pk).first()
        if att is None:
            raise NotFound(_("附件不存在。"))
        return FileResponse(att.file.open("rb"), content_type=att.content_type or "application/octet-stream")


def action_rows(actions) -> list[dict]:
    return [{"name": a.name, "label": str(a.label), "target_status": a.target, "public": a.public} for a in actions]


class CaseActions(APIView):
    @extend_schema(operation_id="cases_actions_list", summary="The actions the caller may take on the case now",
                   parameters=[CODE],
                   responses={200: ActionSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def get(self, request, code):
        case = case_or_404(request, code)
        return Response(ActionSerializer(action_rows(allowed_actions(request.user, case)), many=True).data)


class CaseAction(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cases_actions_perform", summary="Take a workflow action",
        description="The body holds the action's fields (at the top level or under `data`), `reason` and `version` "
                    "(the case version you read; a stale version gives 409). An unknown action name gives 404.",
        parameters=[CODE, OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=ActionInputSerializer,
        responses={200: CaseSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: NOT_FOUND, 409: OpenApiResponse(ErrorSerializer, description="The case changed meanwhile.")},
    )
    def post(self, request, code, action):
        if action not in ACTIONS:
            raise NotFound(_("未知的操作。"))
        case = case_or_404(request, code)
        body = plain_data(request)
        data = body.pop("data", None)
        if isinstance(data, dict):
            body = body | data
        reason = body.get("reason") or ""
        version = body.get("version")
        if version in ("", None):
            version = None
        else:
            try:
                version = int(version)
            except (TypeError, ValueError):
                return Response({"version": [_("版本号应为整数。")]}, status=http.HTTP_400_BAD_REQUEST)
        if not isinstance(reason, str):
            return Response({"reason": [_("原因应为文字。")]}, status=http.HTTP_400_BAD_REQUEST)
        try:
            perform(case, action, request.user, data=body, reason=reason, expected_version=version)
        except ValidationError as exc:
            return Response(field_errors(exc), status=http.HTTP_400_BAD_REQUEST)
        except ActionError as exc:
            return Response({"detail": exc.message}, status=exc.http_status)
        fresh = with_parties(Case.objects.all()).get(pk=case.pk)
        return Response(CaseSerializer(fresh).data)


class PartyReveal(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="cases_parties_reveal", summary="Unmask one item of a party's personal data",
        description="For posts whose work needs the contact (privacy.may_unmask). The reason is required "
                    "and every view is logged, as on the staff case page.",
        parameters=[CODE, OpenApiParameter("party", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=RevealInputSerializer,
        responses={200: RevealSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code, party):
        case = case_or_404(request, code, related=())
        person = case.parties.filter(pk=party).first()
        if person is None:
            raise NotFound(_("当事人不存在。"))
        body = plain_data(request)
        field, reason = body.get("field"), body.get("reason")
        if field not in privacy.MASKS:
            return Response({"field": [_("请选择要查看的信息：phone、id_number 或 name。")]}, status=http.HTTP_400_BAD_REQUEST)
        try:
            value = privacy.reveal(request.user, case, person, field, reason if isinstance(reason, str) else "")
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from None
        except ValueError as exc:
            return Response({"reason": [str(exc)]}, status=http.HTTP_400_BAD_REQUEST)
        return Response({"field": field, "value": value})
