"""评审会议 pages: the secretary's 评审会议 (start, 开始表决 / 结束表决, 结束会议) and the expert's 我的评审会议
(签到, 投票, 书面评议意见), which work on a phone. Thin: every rule is in services and access."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from title_review.access import scoped
from title_review.access.decorators import guards, rule
from title_review.core.errors import DomainError
from title_review.core.kept import keep
from title_review.core.pagination import (
    PAGE_SIZE,
    capped_label,
    capped_total,
    page_of,
    paginate,
    posted_page,
    query_without_page,
)
from title_review.core.params import to_id, to_ids, to_int

from . import blind, draws, panels, selectors, services
from . import experts as pool
from .models import (
    BallotOutcome,
    BlindGrade,
    Choice,
    DeclaredRelation,
    ExpertStatus,
    Meeting,
    MeetingRecord,
    MeetingStatus,
)

# Rows per page of 评审对象, a member's 书面评议意见 and 评审结果 (the list pattern, core.pagination).
PER_PAGE = PAGE_SIZE


@rule("meeting.manage")
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    rows = scoped.meetings.visible(request.user, "manage").select_related("committee", "round")[:200]
    return render(request, "committees/meetings.html", {"meetings": rows})


@rule("meeting.manage")
@guards("meeting", "manage")
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """评审会议: the accepted declarations a page at a time with their ballots; the page's declarations are the ones
    its forms (分配评议, 送审代表作) offer, so every declaration is reached on its page."""
    found = scoped.meetings.get(request.user, pk, "manage", _with_names())
    return _meeting_page(request, found, request.GET.get("page"))


# What a refused form of the meeting page showed again (nothing typed or ticked is lost): `form` names the form
# (panel: 组建评议组, assign: 分配评议, blind: 送审代表作, recuse: 回避), `message` the reason; the other keys are what it
# posted. Every key is present, so that the page reads the same names whichever form was refused.
NOT_REFUSED: dict[str, Any] = {
    "form": "",
    "message": "",
    "name": "",
    "members": frozenset(),
    "asks_scores": False,
    "due_on": "",
    "panel": 0,
    "declarations": frozenset(),
    "work": (0, 0),
    "reviewers": frozenset(),
    "expert": 0,
    "reason": "",
}


def _meeting_page(
    request: HttpRequest, found: Meeting, page_number: str | None, refused: dict[str, Any] | None = None
) -> HttpResponse:
    members = selectors.members_of(found)
    page = page_of(
        selectors.accepted_of(found, with_works=found.status != MeetingStatus.CLOSED), page_number, per_page=PER_PAGE
    )
    declarations = list(page.object_list)
    context = {
        "meeting": found,
        "members": members,
        "present": sum(m.is_present for m in members),
        "page": page,
        "query": query_without_page(request),
        # A refused form is shown at its own address (…/panels/): its page links go to the meeting's.
        "page_path": reverse("committees:meeting", kwargs={"pk": found.pk}) if refused else "",
        "rows": selectors.ballot_rows(found, declarations),
        "refused": refused or NOT_REFUSED,
        **selectors.draw_of(found),
    }
    if found.status != MeetingStatus.CLOSED:  # the panels and 代表作 are shown until the meeting ends
        context.update(selectors.panels_of(found, declarations))
    context["record"] = MeetingRecord.objects.filter(meeting=found).first()
    return render(request, "committees/meeting.html", context, status=400 if refused else 200)


def _work_of(value: str) -> tuple[int, int]:
    """送审代表作's choice "declaration:achievement" as two ids ((0, 0) when it is not that)."""
    declaration_id, _sep, achievement_id = value.partition(":")
    declaration, achievement = to_id(declaration_id), to_id(achievement_id)
    return (declaration, achievement) if declaration is not None and achievement is not None else (0, 0)


def _refused_form(request: HttpRequest, pk: int, form: str, message: str) -> HttpResponse:
    """The meeting page again, on the page the form was posted from, with the reason at the refused form and
    everything it posted in place (400)."""
    found = scoped.meetings.get(request.user, pk, "manage", _with_names())
    post = request.POST
    refused = NOT_REFUSED | {
        "form": form,
        "message": message,
        "name": post.get("name", ""),
        "members": frozenset(to_ids(post.getlist("members"))),
        "asks_scores": post.get("asks_scores") == "1",
        "due_on": post.get("due_on", ""),
        "panel": to_id(post.get("panel")) or 0,
        "declarations": frozenset(to_ids(post.getlist("declarations"))),
        "work": _work_of(post.get("work", "")),
        "reviewers": frozenset(to_ids(post.getlist("reviewers"))),
        "expert": to_id(post.get("expert")) or 0,
        "reason": post.get("reason", ""),
    }
    return _meeting_page(request, found, post.get("page"), refused)


@rule("meeting.manage")
def draw(request: HttpRequest) -> HttpResponse:
    """抽取评委: a round's committee drawn from the expert pool; the meeting is made with the members drawn."""
    rounds = selectors.drawable_rounds(request.user)
    values = {"round": "", "title": "", "size": ""}
    if request.method == "POST":
        values = {key: (request.POST.get(key) or "").strip() for key in values}
        size = to_int(values["size"]) if values["size"] else None
        try:
            if values["size"] and size is None:
                raise ValueError(values["size"])
            made = draws.draw_committee(
                actor=request.user, round_id=to_id(values["round"]) or 0, title=values["title"], size=size
            )
        except ValueError:
            messages.error(request, "评委人数应为正整数。")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已抽取评委 {made.members.count()} 人，候补按抽取顺序递补。")
            return redirect("committees:meeting", pk=made.pk)
    return render(request, "committees/draw.html", {"rounds": rounds, "values": values})


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        replacement = draws.recuse(
            actor=request.user,
            meeting_id=pk,
            expert_id=to_id(request.POST.get("expert")) or 0,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return _refused_form(request, pk, "recuse", exc.message)
    return _done(request, pk, f"已回避，由第 {replacement.position} 位候补专家递补。")


def _with_names() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("committee__host", "round")


def _back(request: HttpRequest, to: str, pk: int) -> HttpResponse:
    """Back to the page the form was on: the meeting's forms carry the page of declarations they were posted
    from (``page``), so a declaration on page 3 is still in sight after its ballot opens."""
    url = reverse(to, kwargs={"pk": pk})
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


def _done(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return _back(request, "committees:meeting", pk)


def _refused(request: HttpRequest, exc: DomainError, to: str, pk: int) -> HttpResponse:
    messages.error(request, exc.message)
    return _back(request, to, pk)


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.start_meeting(actor=request.user, meeting_id=pk)
    except DomainError as exc:
        return _refused(request, exc, "committees:meeting", pk)
    return _done(request, pk, "会议已开始，评委可以签到。")


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def open_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ballot = services.open_ballot(
            actor=request.user, meeting_id=pk, declaration_id=to_id(request.POST.get("declaration")) or 0
        )
    except DomainError as exc:
        return _refused(request, exc, "committees:meeting", pk)
    return _done(
        request, pk, f"已开始表决：{ballot.declaration.applicant_name}（实到评委 {ballot.present_count} 人）。"
    )


@rule("meeting.manage")
@guards("ballot", "manage")
@require_POST
def close_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = scoped.ballots.get(request.user, pk, "manage")
    try:
        closed = services.close_ballot(actor=request.user, ballot_id=ballot.pk)
    except DomainError as exc:
        return _refused(request, exc, "committees:meeting", ballot.meeting_id)
    return _done(
        request,
        ballot.meeting_id,
        f"表决结束：同意 {closed.approve}、不同意 {closed.reject}、弃权 {closed.abstain}，{closed.get_outcome_display()}。",
    )


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.close_meeting(actor=request.user, meeting_id=pk)
    except DomainError as exc:
        return _refused(request, exc, "committees:meeting", pk)
    return _done(request, pk, "会议已结束，请签署会议记录。")


# ---- 评审专家 --------------------------------------------------------------------------------------------


@rule("meeting.take_part")
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    rows = scoped.meeting_seats.visible(request.user, "take_part").select_related("committee", "round")[:100]
    return render(request, "committees/my_meetings.html", {"meetings": rows})


@rule("meeting.take_part")
@guards("meeting_seat", "take_part")
@require_GET
def my_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = scoped.meeting_seats.get(request.user, pk, "take_part", _with_names())
    return _my_meeting_page(request, found, request.GET.get("page"))


def _my_meeting_page(
    request: HttpRequest, found: Meeting, page_number: str | None, refused: dict[str, Any] | None = None
) -> HttpResponse:
    """我的评审会议; `refused`: a refused 评议意见 shown again at its declaration (assignment, opinion, score, message)."""
    seat = selectors.seat_of(found, request.user)
    page = page_of(selectors.assignment_rows(selectors.assignments_of(found, seat)), page_number, per_page=PER_PAGE)
    assignments = list(page.object_list)
    written = selectors.written_by(seat, assignments)
    context = {
        "meeting": found,
        "choices": Choice.choices,
        "seat": seat,
        **selectors.open_ballots_for(found, seat),
        "page": page,
        "query": query_without_page(request),
        "page_path": reverse("committees:my_meeting", kwargs={"pk": found.pk}) if refused else "",
        "assignments": [(a, a.pk in written) for a in assignments],
        "refused": refused or {"assignment": 0, "opinion": "", "score": "", "message": ""},
    }
    return render(request, "committees/my_meeting.html", context, status=400 if refused else 200)


@rule("meeting.take_part")
@guards("meeting_seat", "take_part")
@require_POST
def sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    found = scoped.meeting_seats.get(request.user, pk, "take_part")
    try:
        services.sign_in(actor=request.user, meeting_id=found.pk)
    except DomainError as exc:
        return _refused(request, exc, "committees:my_meeting", found.pk)
    messages.success(request, "签到成功。")
    return redirect("committees:my_meeting", pk=found.pk)


@rule("meeting.take_part")
@guards("ballot_seat", "vote")
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = scoped.ballot_seats.get(request.user, pk, "vote")
    try:
        services.cast_vote(actor=request.user, ballot_id=ballot.pk, choice=request.POST.get("choice", ""))
    except DomainError as exc:
        return _refused(request, exc, "committees:my_meeting", ballot.meeting_id)
    messages.success(request, "投票成功。您的选择不会被记录在您的名下。")
    return _back(request, "committees:my_meeting", ballot.meeting_id)


@rule("meeting.take_part")
@guards("panel_assignment", "write")
@require_POST
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = scoped.panel_seats.get(request.user, pk, "write")
    raw_score = (request.POST.get("score") or "").strip()
    try:
        score = int(raw_score) if raw_score else None
    except ValueError:
        score = -1  # refused by the service with its message
    try:
        panels.write_opinion(
            actor=request.user, assignment_id=assignment.pk, opinion=request.POST.get("opinion", ""), score=score
        )
    except DomainError as exc:
        # The expert's text comes back with the reason, at its declaration: nothing written is lost.
        found = scoped.meeting_seats.get(request.user, assignment.meeting_id, "take_part", _with_names())
        refused = {"assignment": assignment.pk, "opinion": request.POST.get("opinion", ""), "score": raw_score}
        return _my_meeting_page(request, found, request.POST.get("page"), refused | {"message": exc.message})
    messages.success(request, "评议意见已提交。")
    return _back(request, "committees:my_meeting", assignment.meeting_id)


# ---- 评议组 and 代表作 (secretary) ------------------------------------------------------------------------


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def form_panel(request: HttpRequest, pk: int) -> HttpResponse:
    raw_due = (request.POST.get("due_on") or "").strip()
    try:
        due_on = dt.date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        return _refused_form(request, pk, "panel", "评议截止日期格式不正确。")
    try:
        made = panels.form_panel(
            actor=request.user,
            meeting_id=pk,
            name=request.POST.get("name", ""),
            member_user_ids=to_ids(request.POST.getlist("members")),
            asks_scores=request.POST.get("asks_scores") == "1",
            due_on=due_on,
        )
    except DomainError as exc:
        return _refused_form(request, pk, "panel", exc.message)
    return _done(request, pk, f"已组建评议组“{made.name}”（{made.members.count()} 人）。")


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = scoped.meetings.get(request.user, pk, "manage")
    panel = scoped.panels.visible(request.user, "manage").filter(
        meeting=found, pk=to_id(request.POST.get("panel")) or 0
    )
    chosen = panel.first()
    if chosen is None:
        return _refused_form(request, pk, "assign", "请选择评议组。")
    try:
        rows = panels.assign(
            actor=request.user, panel_id=chosen.pk, declaration_ids=to_ids(request.POST.getlist("declarations"))
        )
    except DomainError as exc:
        return _refused_form(request, pk, "assign", exc.message)
    return _done(request, pk, f"已将 {len(rows)} 份申报材料分配给“{chosen.name}”。")


@rule("meeting.manage")
@guards("meeting_panel", "manage")
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    panel = scoped.panels.get(request.user, pk, "manage")
    count = panels.remind(actor=request.user, panel_id=panel.pk)
    return _done(request, panel.meeting_id, f"已提醒 {count} 名评委填写评议意见。" if count else "评议意见已全部提交。")


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def send_blind(request: HttpRequest, pk: int) -> HttpResponse:
    scoped.meetings.get(request.user, pk, "manage")  # 404 outside the meeting, before the form is read
    try:
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        return _refused_form(request, pk, "blind", "请填写评审截止日期。")
    declaration_id, _sep, achievement_id = (request.POST.get("work") or "").partition(":")
    if to_id(declaration_id) is None or to_id(achievement_id) is None:
        return _refused_form(request, pk, "blind", "请选择代表作。")
    try:
        work = blind.send_for_review(
            actor=request.user,
            meeting_id=pk,
            declaration_id=int(declaration_id),
            achievement_id=int(achievement_id),
            reviewer_ids=to_ids(request.POST.getlist("reviewers")),
            due_on=due_on,
        )
    except DomainError as exc:
        return _refused_form(request, pk, "blind", exc.message)
    return _done(request, pk, f"代表作已送审，送审编号 {work.code}。")


@rule("meeting.take_part")
def my_relations(request: HttpRequest) -> HttpResponse:
    """回避关系: an expert declares a relation with an applicant, and stands aside from their review from then on."""
    values = {"applicant_name": "", "id_number": "", "relation": ""}
    if request.method == "POST":
        values = {key: (request.POST.get(key) or "").strip() for key in values}
        try:
            made = pool.declare_own_relation(actor=request.user, **values)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已申报与{made.applicant}的{made.relation}关系，评审时将自动回避。")
            return redirect("committees:my_relations")
    return render(
        request, "committees/my_relations.html", {"relations": pool.own_relations(request.user), "values": values}
    )


# ---- 代表作评审 (reviewer) -------------------------------------------------------------------------------


@rule("meeting.take_part")
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    rows = scoped.blind_reviews.visible(request.user, "review").select_related("work").order_by("due_on", "pk")[:200]
    return render(request, "committees/my_reviews.html", {"reviews": rows})


@rule("meeting.take_part")
@guards("blind_review", "review")
def my_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = scoped.blind_reviews.get(request.user, pk, "review")
    if request.method == "POST":
        try:
            blind.submit_review(
                actor=request.user,
                review_id=review.pk,
                grade=request.POST.get("grade", ""),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "代表作评审意见已提交。")
            return redirect("committees:my_review", pk=review.pk)
    seen = blind.reviewer_view(actor=request.user, review_id=review.pk)
    return render(
        request,
        "committees/my_review.html",
        {"review": review, "seen": seen, "grades": BlindGrade.choices, "posted": request.POST},
    )


# ---- 专家库 (title office) -------------------------------------------------------------------------------


@rule("expert.manage")
@require_GET
def experts(request: HttpRequest) -> HttpResponse:
    """专家库: the experts of units in the office's subtree, pending ones first."""
    shown = request.GET.get("status", "")
    rows = (
        scoped.experts.visible(request.user, "manage")
        .select_related("user", "employer", "series")
        .prefetch_related(Prefetch("relations", DeclaredRelation.objects.select_related("applicant")))
    )
    if shown in ExpertStatus.values:
        rows = rows.filter(status=shown)
    page = paginate(request, rows.order_by("status", "pk"))
    return render(
        request,
        "committees/experts.html",
        {"page": page, "statuses": ExpertStatus.choices, "shown": shown, "query": query_without_page(request)},
    )


@rule("expert.manage")
@guards("expert", "manage")
@require_POST
def approve_expert(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        expert = pool.approve_expert(actor=request.user, expert_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{expert.user} 已入库。")
    return redirect("committees:experts")


@rule("expert.manage")
@guards("expert", "manage")
@require_POST
def remove_expert(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        expert = pool.remove_expert(actor=request.user, expert_id=pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{expert.user} 已出库。")
    return redirect("committees:experts")


@rule("expert.manage")
@guards("expert", "manage")
@require_POST
def record_relation(request: HttpRequest, pk: int) -> HttpResponse:
    """登记回避关系 for an expert of the office's subtree: the applicant by 姓名 and 证件号码, and the relation."""
    try:
        made = pool.record_relation(
            actor=request.user,
            expert_id=pk,
            applicant_name=request.POST.get("applicant_name", ""),
            id_number=request.POST.get("id_number", ""),
            relation=request.POST.get("relation", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        # The expert's form shows again with what was typed (core.kept); one form per expert, named with its id.
        keep(request, form=f"relation:{pk}", to=reverse("committees:experts"))
    else:
        messages.success(request, f"已登记{made.expert}与{made.applicant}的{made.relation}关系，评审时将自动回避。")
    # Back to the list as it was: its 状态 tab and page.
    status, page = request.POST.get("status", ""), posted_page(request)
    back = QueryDict(mutable=True)
    if status in ExpertStatus.values:
        back["status"] = status
    if page:
        back["page"] = page
    return redirect(reverse("committees:experts") + (f"?{back.urlencode()}" if back else ""))


# ---- 评审结果 (the title office that published the round) ---------------------------------------------


@rule("round.manage")
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    rows = scoped.meetings.visible(request.user, "results").select_related("committee", "round")
    return render(request, "committees/results.html", {"meetings": rows.order_by("-pk")[:200]})


@rule("round.manage")
@guards("meeting", "results")
@require_GET
def meeting_results(request: HttpRequest, pk: int) -> HttpResponse:
    """评审结果: each declaration's last ballot, a page at a time; 通过 and the total are capped counts (the export
    gives every row)."""
    found = scoped.meetings.get(request.user, pk, "results", _with_names())
    counts = selectors.result_counts(found)
    total = capped_total(counts.values())
    page = paginate(request, selectors.meeting_results(found), PER_PAGE, counted=total)
    return render(
        request,
        "committees/meeting_results.html",
        {
            "meeting": found,
            "page": page,
            "query": query_without_page(request),
            "voted": capped_label(total),
            "passed": capped_label(counts[BallotOutcome.PASSED]),
        },
    )
