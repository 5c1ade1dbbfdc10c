"""The project's URLs plus the bare reference view of the surge bench (bench settings only).

`/bench/bare/<declaration id>/`: one row read (the declaration's id, version and status) and one row write
(a timestamp in the bench-only table `bench_surge_tick`, one row per declaration, created by
bench/surge/data.py) — on the same stack as every page: gunicorn, the whole middleware list, the session
of the signed-in user, PostgreSQL. No template, no access policy, no form: what is left when the
application does nothing but touch the database once each way.
"""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from title_review.access.decorators import public
from title_review.declarations.models import Declaration


@public
def bare(request: HttpRequest, pk: int) -> HttpResponse:
    row = Declaration.objects.filter(pk=pk).values_list("id", "version", "status").first()
    if row is None:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_surge_tick SET touched_at = now() WHERE declaration_id = %s", [pk])
    return HttpResponse(f"{row[0]} {row[1]} {row[2]}", content_type="text/plain")


urlpatterns = [*project_urlpatterns, path("bench/bare/<int:pk>/", bare, name="bench_bare")]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
