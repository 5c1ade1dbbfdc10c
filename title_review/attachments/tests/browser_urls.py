"""The site's URLs plus a page that includes two upload blocks inside a form (browser test only)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from title_review.access.decorators import authenticated

PAGE = """{% extends "base.html" %}{% load attachment_tags %}{% block body %}
<main class="container py-3">
  <form method="post" action="/attachments-test/save/" enctype="multipart/form-data">
    {% csrf_token %}
    <label for="kind">申报类别</label><input id="kind" name="kind" value="outer">
    {% attachment_upload "review_form" field="review_form" %}
    {% attachment_upload "photo" field="photo" %}
    <button type="submit" class="btn btn-primary">保存</button>
  </form>
</main>{% endblock %}"""


@authenticated
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


@authenticated
def save(request: HttpRequest) -> HttpResponse:
    posted = sorted(f"{k}={v}" for k, v in request.POST.items() if k != "csrfmiddlewaretoken")
    files = sorted(request.FILES)
    return HttpResponse(f"POST {' '.join(posted)} FILES {' '.join(files) or '-'}", content_type="text/plain")


urlpatterns = [
    *site_urlpatterns,
    path("attachments-test/", page),
    path("attachments-test/save/", save),
]
