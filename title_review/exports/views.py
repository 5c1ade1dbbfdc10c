"""导出汇总表 buttons post here with the list page's current filters; each view keeps its page's rule."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from title_review.access import scoped
from title_review.access.decorators import guards, rule
from title_review.access.policies import employer_of
from title_review.rounds.selectors import rounds_visible_to

from .responses import export_response


def _export(request: HttpRequest, list_key: str, filters: dict[str, list[str]] | None = None) -> HttpResponse:
    return export_response(
        request, list_key, filters if filters is not None else request.POST, full=request.POST.get("full") == "1"
    )


@rule("review.inbox")
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """待审核材料."""
    return _export(request, "inbox")


@rule("declaration.track")
@require_POST
def tracking(request: HttpRequest) -> HttpResponse:
    """上报材料跟踪."""
    return _export(request, "tracking")


@rule("review.inbox")
@require_POST
def accepted(request: HttpRequest) -> HttpResponse:
    """已受理名单."""
    return _export(request, "accepted")


@rule("declaration.fill")
@require_POST
def declarations(request: HttpRequest) -> HttpResponse:
    """管理材料: the employer's own declarations."""
    employer_of(request.user, "declaration.fill")
    return _export(request, "declarations")


@rule("review.inbox")
@require_POST
@guards("round", "view")
def round_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's 汇总表: every declaration of the round the viewer may track."""
    round_ = get_object_or_404(rounds_visible_to(request.user), pk=pk)
    return _export(request, "round", {"round": [str(round_.pk)]})


@rule("round.manage")
@require_POST
@guards("meeting", "results")
def meeting_results(request: HttpRequest, pk: int) -> HttpResponse:
    """评审结果 of a closed meeting, for the title office that published the round (the results page's rule)."""
    meeting = scoped.meetings.get(request.user, pk, "results")
    return _export(request, "meeting_results", {"meeting": [str(meeting.pk)]})
