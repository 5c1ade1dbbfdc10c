"""站内信 pages: the inbox, 查看 (marks read, then follows the message's link) and 全部标为已读."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from title_review.access.decorators import authenticated, guards
from title_review.core.pagination import paginate, query_without_page

from . import services
from .selectors import messages_for

FILTERS = {"all": "全部", "unread": "未读"}


@authenticated
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's own messages; the unread count comes from the top bar's context processor (one COUNT)."""
    shown = request.GET.get("show", "all")
    if shown not in FILTERS:
        shown = "all"
    page = paginate(request, messages_for(request.user, unread_only=shown == "unread"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "query": query_without_page(request),
            "filters": FILTERS,
            "shown": shown,
        },
    )


@authenticated
@guards("message", "own")
@require_GET
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    """查看: marks the message read and goes to its link when that is a path on this site."""
    message = services.mark_read(user=request.user, message_id=pk)
    return redirect(message.safe_link or "notifications:inbox")


@authenticated
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(request, f"已将 {count} 条站内信标为已读。" if count else "没有未读的站内信。")
    return redirect("notifications:inbox")
