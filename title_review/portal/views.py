"""公共服务门户 (no login): 通知公告, the 公示 lists and 证书查验 in one place, usable on a phone."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from title_review.access.decorators import guards, public

from .selectors import notices, public_file

# Public pages of other apps, linked by URL name when the installation has them (the first name that
# resolves; the results app's public list was planned as `public_list` and is served as `publicity`).
PUBLIC_LINKS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (
        ("results:public_list", "results:publicity"),
        "评审结果公示",
        "评审通过人员名单公示，公示期内可实名提出异议。",
        "bi-megaphone",
    ),
    (
        ("certificates:verify",),
        "证书查验",
        "输入证书编号和姓名，或扫描电子证书上的二维码，查验证书真伪和状态。",
        "bi-patch-check",
    ),
)


def _first_url(names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:  # that part of the system is not installed: no link, never a broken one
            continue
    return ""


def _links() -> list[dict[str, str]]:
    links = []
    for names, label, text, icon in PUBLIC_LINKS:
        url = _first_url(names)
        if url:
            links.append({"url": url, "label": label, "text": text, "icon": icon})
    return links


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"links": _links(), "notices": notices()})


@public
@guards("public_notice_file", "download")
def notice_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A published round's 通知附件, to anyone."""
    attachment = public_file(pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.original_name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
