"""Jiefen's URLs plus POST /bench/bare/: the same server, middleware and database, but the
view only parses the JSON body and inserts one row into a plain table (no validation, no
case, no timeline, no clocks). The intake benchmark's floor."""

import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from jiefen.urls import urlpatterns as jiefen_urls

BARE_TABLE = "bench_bare_intake"


@csrf_exempt
def bare(request):
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (body, created_at) VALUES (%s, now()) RETURNING id", [json.dumps(body)]
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/bare/", bare), *jiefen_urls]
