from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import webhooks
from .models import Source


@csrf_exempt
@require_POST
def hook(request, source_code: str):
    source = Source.objects.filter(code=source_code, active=True).select_related("region").first()
    if source is None:
        return JsonResponse({"error": _("来源不存在或已停用。")}, status=404)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > webhooks.MAX_BODY:
        return JsonResponse({"error": _("请求体太大，不能超过 1 MB。")}, status=413)
    body = request.read(webhooks.MAX_BODY + 1)
    if len(body) > webhooks.MAX_BODY:
        return JsonResponse({"error": _("请求体太大，不能超过 1 MB。")}, status=413)
    answer = webhooks.receive(
        source, body,
        timestamp=request.headers.get("X-Jiefen-Timestamp", ""),
        signature=request.headers.get("X-Jiefen-Signature", ""),
        delivery_id=request.headers.get("X-Jiefen-Delivery", ""),
    )
    return JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})
