"""评委会评审 through the API: the expert pool, the draw, the meeting and its secret ballots, 评议组 and 代表作
anonymous review — every write the same service call as on the pages, every object reached through the same
access policy (access/scoped.py).

An object in the URL the caller may not reach answers 404; an id in the body that names nothing the caller may
use is input, 400 naming the field (ADR 0020). A refusal (DomainError) reaches the API's error handler: 400 with
the service's code and Chinese sentence, 409 for a Conflict, 403 for NotAllowed.

The secret ballot (ADR 0030): no answer says how a member voted. A vote answers only "您已投票。"; a ballot
shows how many have voted while it is open and its totals once closed; members' names go to the committee's
secretary only.
"""

from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access import scoped
from title_review.access.policies import scope_filter
from title_review.accounts.models import User
from title_review.api.base import AccessRuleAPIView
from title_review.api.schema import MAX_ID
from title_review.core.pagination import COUNT_CAP, PAGE_SIZE, capped_label, capped_total, page_of
from title_review.declarations.models import Declaration
from title_review.organisations.models import Organisation
from title_review.rounds.models import Round

from . import blind, draws, panels, selectors, services
from . import experts as pool
from .models import (
    Ballot,
    BallotOutcome,
    BallotStatus,
    BlindGrade,
    BlindReview,
    BlindWork,
    Choice,
    DeclaredRelation,
    DrawnExpert,
    Expert,
    ExpertStatus,
    Meeting,
    MeetingMember,
    MeetingPanel,
    PanelDeclaration,
    PanelOpinion,
)

VOTED = "您已投票。"

# ---------------------------------------------------------------- helpers


def _id_field(label: str, help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(label=label, min_value=1, max_value=MAX_ID, help_text=help_text)


def _ids_field(label: str, help_text: str = "") -> serializers.ListField:
    return serializers.ListField(
        label=label, child=serializers.IntegerField(min_value=1, max_value=MAX_ID), help_text=help_text
    )


def _valid(serializer_class: type[serializers.Serializer], request: Request, **context: Any) -> dict[str, Any]:
    data = serializer_class(data=request.data, context=context)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _name(user: User) -> str:
    return str(user)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("committee__host", "round")


def _in_round(meeting: Meeting) -> QuerySet[Declaration]:
    return Declaration.objects.filter(round_id=meeting.round_id)


def _unknown_declaration() -> serializers.ValidationError:
    # Not in the meeting's round, or not there at all: the same answer.
    return serializers.ValidationError("没有找到该申报材料，请从本次会议的评审对象中选择。")


# ---------------------------------------------------------------- pages (the list pattern, core.pagination)

# A response that embeds a list growing with the round (a meeting's declarations, its results, a member's
# assignments) gives one page of it, as the pages do: ?page= (1-based; past the last page, the last page; not a
# number, the first), PAGE_SIZE rows, a count that stops at COUNT_CAP.
PAGE = OpenApiParameter(
    "page", int, description=f"页码（从 1 开始，默认 1；超出范围时为最后一页）；每页 {PAGE_SIZE} 条"
)


def _page_data(page: Page) -> dict[str, Any]:
    paginator = page.paginator  # a CappedPaginator (core.pagination.page_of)
    return {
        "count": paginator.count,
        "count_label": capped_label(paginator.count),
        "page": page.number,
        "num_pages": paginator.num_pages,
    }


def _count_field(of: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        help_text=f"{of}的条数：计数到 {COUNT_CAP:,} 为止，超过时为 {COUNT_CAP + 1:,}（见 count_label）"
    )


def _count_label_field() -> serializers.CharField:
    return serializers.CharField(help_text=f"条数的显示：超过 {COUNT_CAP:,} 时为“{capped_label(COUNT_CAP + 1)}”")


def _page_field() -> serializers.IntegerField:
    return serializers.IntegerField(help_text="本页页码（从 1 开始）")


def _num_pages_field() -> serializers.IntegerField:
    return serializers.IntegerField(help_text=f"页数（只到前 {COUNT_CAP:,} 条为止）")


# ---------------------------------------------------------------- outputs


class ExpertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.__str__")
    employer = serializers.IntegerField(source="employer_id")
    employer_name = serializers.CharField(source="employer.name")
    series_code = serializers.CharField(source="series.code")
    series_name = serializers.CharField(source="series.name")
    specialty = serializers.CharField()
    title_name = serializers.CharField()
    level = serializers.CharField()
    term_starts = serializers.DateField()
    term_ends = serializers.DateField()
    status = serializers.ChoiceField(choices=ExpertStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    integrity_flag = serializers.BooleanField()
    nominated_by = serializers.IntegerField(source="nominated_by_id", allow_null=True)
    removal_reason = serializers.CharField()


class MeetingOutput(serializers.Serializer):
    """A meeting as a list shows it: no member's name."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    round = serializers.IntegerField(source="round_id")
    round_title = serializers.CharField(source="round.title")
    committee = serializers.IntegerField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    created_at = serializers.DateTimeField()


class BallotOutput(serializers.Serializer):
    """A ballot: how many have voted while it is open, the totals only once it is closed (ADR 0030)."""

    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    declaration = serializers.IntegerField(source="declaration_id")
    attempt = serializers.IntegerField(help_text="第几次表决")
    status = serializers.ChoiceField(choices=BallotStatus.choices)
    members_count = serializers.IntegerField(help_text="应到评委（开始表决时）")
    present_count = serializers.IntegerField(help_text="实到评委（开始表决时），即可投票的人数")
    voted = serializers.SerializerMethodField(help_text="已投票人数（不显示投了什么）")
    approve = serializers.SerializerMethodField(help_text="同意票数；表决结束前为 null")
    reject = serializers.SerializerMethodField(help_text="不同意票数；表决结束前为 null")
    abstain = serializers.SerializerMethodField(help_text="弃权票数；表决结束前为 null")
    outcome = serializers.SerializerMethodField(help_text="passed（通过）或 failed（未通过）；表决结束前为 null")
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def _closed(self, ballot: Ballot) -> bool:
        return ballot.status == BallotStatus.CLOSED

    def get_voted(self, ballot: Ballot) -> int:
        if self._closed(ballot):
            return ballot.votes_cast
        known = self.context.get("voted")
        if known is not None:
            return int(known.get(ballot.pk, 0))
        return services.progress(ballot).voted

    def get_approve(self, ballot: Ballot) -> int | None:
        return ballot.approve if self._closed(ballot) else None

    def get_reject(self, ballot: Ballot) -> int | None:
        return ballot.reject if self._closed(ballot) else None

    def get_abstain(self, ballot: Ballot) -> int | None:
        return ballot.abstain if self._closed(ballot) else None

    def get_outcome(self, ballot: Ballot) -> str | None:
        return ballot.outcome if self._closed(ballot) else None


class SeatOutput(serializers.Serializer):
    """A member of the meeting (secretary only)."""

    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.__str__")
    is_present = serializers.BooleanField()
    signed_in_at = serializers.DateTimeField(allow_null=True)


class DrawnOutput(serializers.Serializer):
    expert = serializers.IntegerField(source="expert_id")
    name = serializers.CharField(source="expert.user.__str__")
    employer_name = serializers.CharField(source="expert.employer.name")
    position = serializers.IntegerField(help_text="抽取顺序")
    role = serializers.CharField(help_text="member（评委）、alternate（候补）或 recused（已回避）")
    outside = serializers.BooleanField(help_text="外地专家")


class RecusalOutput(serializers.Serializer):
    expert = serializers.IntegerField(source="expert_id")
    name = serializers.CharField(source="expert.user.__str__")
    automatic = serializers.BooleanField()
    reason = serializers.CharField()


class DrawOutput(serializers.Serializer):
    seed = serializers.CharField(help_text="随机种子：以同一种子和候选名单可重现抽取结果")
    size = serializers.IntegerField()
    alternates = serializers.IntegerField()
    outside_needed = serializers.IntegerField()
    drawn_at = serializers.DateTimeField()
    seats = DrawnOutput(many=True)
    recusals = RecusalOutput(many=True)


class DeclarationBallotsOutput(serializers.Serializer):
    declaration = serializers.IntegerField(source="declaration.pk")
    applicant_name = serializers.CharField(source="declaration.applicant_name")
    employer_name = serializers.CharField(source="declaration.employer.name")
    ballots = serializers.SerializerMethodField()

    @extend_schema_field(BallotOutput(many=True))
    def get_ballots(self, row: Any) -> list[dict[str, Any]]:
        return list(BallotOutput(row.ballots, many=True, context=self.context).data)


class PanelMemberOutput(serializers.Serializer):
    user = serializers.IntegerField(source="member.user_id")
    name = serializers.CharField(source="member.user.__str__")
    assigned = serializers.IntegerField(help_text="分配给本组的申报材料")
    written = serializers.IntegerField(help_text="已提交的书面评议意见")
    missing = serializers.IntegerField(help_text="尚未提交的评议意见")


class PanelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    name = serializers.CharField()
    asks_scores = serializers.BooleanField()
    due_on = serializers.DateField(allow_null=True, help_text="评议截止日期（未设定为 null）")
    progress = serializers.SerializerMethodField(help_text="每位评委的评议进度")

    @extend_schema_field(PanelMemberOutput(many=True))
    def get_progress(self, panel: MeetingPanel) -> list[dict[str, Any]]:
        return list(PanelMemberOutput(panels.progress(panel), many=True).data)


class ReviewerOutput(serializers.Serializer):
    """One reviewer of a 代表作, as the secretary sees it."""

    id = serializers.IntegerField()
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = serializers.CharField(source="reviewer.__str__")
    due_on = serializers.DateField()
    grade = serializers.CharField()
    submitted = serializers.SerializerMethodField()
    replaced = serializers.BooleanField()

    def get_submitted(self, review: BlindReview) -> bool:
        return review.submitted_at is not None


class BlindWorkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="送审编号：评审专家只知道这个编号")
    declaration = serializers.IntegerField(source="declaration_id")
    due_on = serializers.DateField()
    reviews = serializers.SerializerMethodField()

    @extend_schema_field(ReviewerOutput(many=True))
    def get_reviews(self, work: BlindWork) -> list[dict[str, Any]]:
        rows = sorted(work.reviews.all(), key=lambda r: r.pk)
        return list(ReviewerOutput(rows, many=True).data)


class MeetingDetailOutput(MeetingOutput):
    """The secretary's meeting: members by name, the draw, a page of the accepted declarations (?page=) with
    their ballots, the panels and the 代表作 of the page's declarations out for review."""

    members = SeatOutput(many=True)
    present = serializers.IntegerField(help_text="实到评委")
    quorum_needed = serializers.IntegerField(help_text="开始表决所需的最少实到人数（三分之二）")
    draw = DrawOutput(allow_null=True, help_text="抽取记录；直接组建的会议为 null")
    declarations = DeclarationBallotsOutput(many=True, help_text="本页的评审对象（已受理的申报材料）及其表决")
    count = _count_field("评审对象")
    count_label = _count_label_field()
    page = _page_field()
    num_pages = _num_pages_field()
    panels = PanelOutput(many=True)
    blind_works = BlindWorkOutput(many=True, help_text="本页评审对象的代表作送审")


def _meeting_detail(meeting: Meeting, number: str | None = None) -> dict[str, Any]:
    """The secretary's meeting with page `number` of its declarations (the page's selectors: accepted_of,
    ballot_rows)."""
    members = selectors.members_of(meeting)
    page = page_of(selectors.accepted_of(meeting), number)
    declarations = list(page.object_list)
    rows = selectors.ballot_rows(meeting, declarations)
    drawn = selectors.draw_of(meeting)
    voted = {row.open_ballot.pk: row.voted for row in rows if row.open_ballot is not None}
    works = (
        BlindWork.objects.filter(meeting=meeting, declaration_id__in=[d.pk for d in declarations])
        .prefetch_related("reviews__reviewer")
        .order_by("pk")
    )
    data = dict(MeetingOutput(meeting).data)
    data.update(
        members=SeatOutput(members, many=True).data,
        present=sum(m.is_present for m in members),
        quorum_needed=services.quorum_needed(len(members)),
        draw=None,
        declarations=DeclarationBallotsOutput(rows, many=True, context={"voted": voted}).data,
        **_page_data(page),
        panels=PanelOutput(MeetingPanel.objects.filter(meeting=meeting).order_by("pk"), many=True).data,
        blind_works=BlindWorkOutput(works, many=True).data,
    )
    if drawn["draw"] is not None:
        draw = drawn["draw"]
        data["draw"] = {
            **{key: getattr(draw, key) for key in ("seed", "size", "alternates", "outside_needed", "drawn_at")},
            "seats": DrawnOutput(drawn["seats"], many=True).data,
            "recusals": RecusalOutput(drawn["recusals"], many=True).data,
        }
        data["draw"]["drawn_at"] = serializers.DateTimeField().to_representation(draw.drawn_at)
    return data


class OpenBallotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    declaration = serializers.IntegerField(source="declaration_id")
    applicant_name = serializers.CharField(source="declaration.applicant_name")
    has_voted = serializers.BooleanField(help_text="本人是否已投票（不显示投了什么）")


class AssignedOutput(serializers.Serializer):
    """A declaration given to a panel (评议分配)."""

    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    panel = serializers.IntegerField(source="panel_id")
    panel_name = serializers.CharField(source="panel.name")
    asks_scores = serializers.BooleanField(source="panel.asks_scores")
    due_on = serializers.DateField(source="panel.due_on", allow_null=True, help_text="评议截止日期")
    declaration = serializers.IntegerField(source="declaration_id")
    applicant_name = serializers.CharField(source="declaration.applicant_name")
    employer_name = serializers.CharField(source="declaration.employer.name")


class AssignmentOutput(AssignedOutput):
    written = serializers.BooleanField(help_text="本人是否已提交书面评议意见")


class MyMeetingOutput(MeetingOutput):
    """An expert's own seat: presence, the ballots open now (at most OPEN_BALLOTS_SHOWN, those waiting for the
    expert's vote first) and whether they voted, a page of their panels' declarations (?page=)."""

    is_present = serializers.BooleanField()
    signed_in_at = serializers.DateTimeField(allow_null=True)
    open_ballots = OpenBallotOutput(
        many=True,
        help_text=f"正在进行的表决，最多 {selectors.OPEN_BALLOTS_SHOWN} 项，待本人投票的在前（共几项见 open_count）",
    )
    open_count = _count_field("正在进行的表决")
    open_count_label = _count_label_field()
    assignments = AssignmentOutput(many=True, help_text="本页的评议任务")
    count = _count_field("评议任务")
    count_label = _count_label_field()
    page = _page_field()
    num_pages = _num_pages_field()


class SignInOutput(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    is_present = serializers.BooleanField()
    signed_in_at = serializers.DateTimeField(allow_null=True)


class VotedOutput(serializers.Serializer):
    """Only that the vote is in: nothing of what it was."""

    message = serializers.CharField(help_text="固定为“您已投票。”")


class ResultOutput(serializers.Serializer):
    declaration = serializers.IntegerField(source="declaration.pk")
    applicant_name = serializers.CharField(source="declaration.applicant_name")
    employer_name = serializers.CharField(source="declaration.employer.name")
    ballot = serializers.IntegerField(source="ballot.pk")
    attempt = serializers.IntegerField(source="ballot.attempt")
    members_count = serializers.IntegerField(source="ballot.members_count")
    present_count = serializers.IntegerField(source="ballot.present_count")
    approve = serializers.IntegerField(source="ballot.approve")
    reject = serializers.IntegerField(source="ballot.reject")
    abstain = serializers.IntegerField(source="ballot.abstain")
    passed = serializers.BooleanField()
    outcome_label = serializers.CharField(source="ballot.get_outcome_display")


class MeetingResultsOutput(MeetingOutput):
    passed = serializers.IntegerField(
        help_text=f"通过人数：计数到 {COUNT_CAP:,} 为止，超过时为 {COUNT_CAP + 1:,}（见 passed_label）"
    )
    passed_label = _count_label_field()
    results = ResultOutput(many=True, help_text="本页的评审结果：每份申报材料最后一次表决，按申报材料排列")
    count = _count_field("表决过的申报材料")
    count_label = _count_label_field()
    page = _page_field()
    num_pages = _num_pages_field()


class OpinionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    opinion = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    written_at = serializers.DateTimeField()


class RemindOutput(serializers.Serializer):
    reminded = serializers.IntegerField(help_text="收到提醒的评委人数")


class WorkOutput(serializers.Serializer):
    """A 代表作 as its reviewer reads it: no author, no unit."""

    category = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    date = serializers.CharField(allow_null=True)
    venue = serializers.CharField(allow_null=True)
    indexing = serializers.CharField(allow_null=True)
    identifier = serializers.CharField(allow_null=True)


class MyReviewOutput(serializers.Serializer):
    """代表作评审 as the reviewer sees it (blind.reviewer_view): the code, the work and the deadline."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    work = WorkOutput()
    due_on = serializers.DateField()
    grade = serializers.CharField()
    comment = serializers.CharField()
    submitted = serializers.BooleanField()
    replaced = serializers.BooleanField()


def _my_review(review: BlindReview) -> dict[str, Any]:
    """The reviewer's view of a row already loaded with its work (the same fields as blind.reviewer_view)."""
    return {
        "id": review.pk,
        "code": review.work.code,
        "work": {key: review.work.work.get(key) for key in blind.WORK_FIELDS},
        "due_on": review.due_on,
        "grade": review.grade,
        "comment": review.comment,
        "submitted": review.submitted_at is not None,
        "replaced": review.replaced,
    }


# ---------------------------------------------------------------- 专家库 (the title office; anyone may apply)


class ExpertListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "expert.manage"
    serializer_class = ExpertOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Expert
        rows = scoped.experts.visible(self.request.user, "manage").select_related("user", "employer", "series")
        shown = self.request.query_params.get("status", "")
        if shown in ExpertStatus.values:
            rows = rows.filter(status=shown)
        return rows.order_by("status", "pk")

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=sorted(ExpertStatus.values), description="状态")],
        summary="专家库（本机构及下级单位的专家；分页）",
        operation_id="v1_committees_experts_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class ExpertProposeInput(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="被推荐的人员；不填为本人申请入库"
    )
    employer = _id_field("工作单位")
    series = serializers.CharField(max_length=40, help_text="评审系列代码")
    specialty = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    title_name = serializers.CharField(max_length=100, allow_blank=True, help_text="专业技术职务")
    level = serializers.CharField(max_length=40, required=False, allow_blank=True, default="", help_text="级别代码")
    term_starts = serializers.DateField(help_text="聘期开始")
    term_ends = serializers.DateField(help_text="聘期结束（一届不超过 3 年）")

    def validate_user(self, user_id: int) -> int:
        if not User.objects.filter(pk=user_id, is_active=True).exists():
            raise serializers.ValidationError("没有找到该人员。")
        return user_id

    def validate_employer(self, employer_id: int) -> int:
        if not Organisation.objects.filter(pk=employer_id, is_active=True).exists():
            raise serializers.ValidationError("没有找到该单位。")
        return employer_id


class ExpertProposeApi(AccessRuleAPIView):
    """本人申请入库，或单位管理员推荐本单位人员入库；由职改办审核。"""

    access_rule = "authenticated"

    @extend_schema(
        request=ExpertProposeInput,
        responses={201: ExpertOutput},
        summary="入库申请或推荐（待职改办审核）",
        operation_id="v1_committees_experts_propose",
    )
    def post(self, request: Request) -> Response:
        v = _valid(ExpertProposeInput, request)
        expert = pool.propose_expert(
            actor=request.user,
            user_id=v.get("user") or request.user.pk or 0,
            employer_id=v["employer"],
            series_code=v["series"],
            specialty=v["specialty"],
            title_name=v["title_name"],
            level=v["level"],
            term_starts=v["term_starts"],
            term_ends=v["term_ends"],
        )
        found = Expert.objects.select_related("user", "employer", "series").get(pk=expert.pk)
        return Response(ExpertOutput(found).data, status=status.HTTP_201_CREATED)


def _expert_out(expert: Expert) -> dict[str, Any]:
    return dict(ExpertOutput(Expert.objects.select_related("user", "employer", "series").get(pk=expert.pk)).data)


class ExpertApproveApi(AccessRuleAPIView):
    access_rule = "expert.manage"
    object_policy = ("expert", "manage")

    @extend_schema(
        request=None,
        responses=ExpertOutput,
        summary="审核入库（授予评审专家角色）",
        operation_id="v1_committees_expert_approve",
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = scoped.experts.get(request.user, pk, "manage")
        return Response(_expert_out(pool.approve_expert(actor=request.user, expert_id=expert.pk)))


class ExpertRemoveInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="出库原因")


class ExpertRemoveApi(AccessRuleAPIView):
    access_rule = "expert.manage"
    object_policy = ("expert", "manage")

    @extend_schema(
        request=ExpertRemoveInput,
        responses=ExpertOutput,
        summary="出库（不再参加抽取，收回评审专家角色）",
        operation_id="v1_committees_expert_remove",
    )
    def post(self, request: Request, pk: int) -> Response:
        expert = scoped.experts.get(request.user, pk, "manage")
        v = _valid(ExpertRemoveInput, request)
        return Response(_expert_out(pool.remove_expert(actor=request.user, expert_id=expert.pk, reason=v["reason"])))


class RelationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    applicant_name = serializers.CharField(source="applicant.__str__")
    relation = serializers.CharField()
    declared_at = serializers.DateTimeField()


class RelationInput(serializers.Serializer):
    applicant_name = serializers.CharField(max_length=50, allow_blank=True, help_text="申报人姓名")
    id_number = serializers.CharField(max_length=30, allow_blank=True, help_text="申报人证件号码（须与姓名相符）")
    relation = serializers.CharField(allow_blank=True, help_text="与申报人的关系，如亲属、师生、合作者（不超过 50 字）")


class RelationApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"

    @extend_schema(
        responses=RelationOutput(many=True),
        summary="我的回避关系（本人申报的，最近的在前）",
        operation_id="v1_committees_relations_list",
    )
    def get(self, request: Request) -> Response:
        return Response(RelationOutput(pool.own_relations(request.user), many=True).data)

    @extend_schema(
        request=RelationInput,
        responses={201: RelationOutput},
        summary="申报回避关系（此后抽取评委、评议分配、代表作送审时自动回避该申报人）",
        operation_id="v1_committees_relations_create",
    )
    def post(self, request: Request) -> Response:
        v = _valid(RelationInput, request)
        made = pool.declare_own_relation(actor=request.user, **v)
        found = DeclaredRelation.objects.select_related("applicant").get(pk=made.pk)
        return Response(RelationOutput(found).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- the draw (评委会秘书)


class DrawInput(serializers.Serializer):
    round = _id_field("评审活动", "由本人担任秘书的评委会评审的评审活动")
    title = serializers.CharField(max_length=200, allow_blank=True, help_text="会议名称")
    size = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=999, help_text="评委人数（单数）；不填按规定的最少人数"
    )

    def validate_round(self, round_id: int) -> int:
        where = scope_filter(self.context["user"], "meeting.manage", path_field="committee__host__path")
        if where is None or not Round.objects.filter(where, pk=round_id).exists():
            raise serializers.ValidationError("没有找到该评审活动，或其评委会不由您担任秘书。")
        return round_id


class DrawApi(AccessRuleAPIView):
    access_rule = "meeting.manage"

    @extend_schema(
        request=DrawInput,
        responses={201: MeetingDetailOutput},
        summary="抽取评委（自动回避，按比例抽取候补，外地专家比例）并建立评审会议",
        operation_id="v1_committees_draw",
    )
    def post(self, request: Request) -> Response:
        v = _valid(DrawInput, request, user=request.user)
        meeting = draws.draw_committee(actor=request.user, round_id=v["round"], title=v["title"], size=v.get("size"))
        return Response(_meeting_detail(_meetings().get(pk=meeting.pk)), status=status.HTTP_201_CREATED)


class RecuseInput(serializers.Serializer):
    expert = _id_field("专家", "抽取结果中的专家（draw.seats[].expert）")
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="回避原因")


class RecuseApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=RecuseInput,
        responses=DrawnOutput,
        summary="手动回避（会议开始前；由第一位候补专家递补）",
        operation_id="v1_committees_meeting_recuse",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        v = _valid(RecuseInput, request)
        seat = draws.recuse(actor=request.user, meeting_id=meeting.pk, expert_id=v["expert"], reason=v["reason"])
        found = DrawnExpert.objects.select_related("expert__user", "expert__employer").get(pk=seat.pk)
        return Response(DrawnOutput(found).data)


# ---------------------------------------------------------------- the meeting (评委会秘书)


class MeetingListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "meeting.manage"
    serializer_class = MeetingOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Meeting
        return scoped.meetings.visible(self.request.user, "manage", _meetings()).order_by("-pk")

    @extend_schema(summary="评审会议（本人担任秘书的评委会；分页）", operation_id="v1_committees_meetings_list")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class MeetingApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        parameters=[PAGE],
        responses=MeetingDetailOutput,
        summary="评审会议：评委与签到、抽取记录、表决（进行中只显示已投人数）、评议组、代表作送审（评审对象分页）",
        operation_id="v1_committees_meeting_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage", _meetings())
        return Response(_meeting_detail(meeting, request.query_params.get("page")))


class StartMeetingApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=None,
        responses=MeetingOutput,
        summary="开始会议（评委可以签到）",
        operation_id="v1_committees_meeting_start",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        services.start_meeting(actor=request.user, meeting_id=meeting.pk)
        return Response(MeetingOutput(_meetings().get(pk=meeting.pk)).data)


class CloseMeetingApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=None,
        responses=MeetingOutput,
        summary="结束会议（须先结束所有表决）",
        operation_id="v1_committees_meeting_close",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        services.close_meeting(actor=request.user, meeting_id=meeting.pk)
        return Response(MeetingOutput(_meetings().get(pk=meeting.pk)).data)


class OpenBallotInput(serializers.Serializer):
    declaration = _id_field("申报材料", "本次会议评审活动中已受理的申报材料")

    def validate_declaration(self, declaration_id: int) -> int:
        if not _in_round(self.context["meeting"]).filter(pk=declaration_id).exists():
            raise _unknown_declaration()
        return declaration_id


class OpenBallotApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=OpenBallotInput,
        responses={201: BallotOutput},
        summary="开始表决（实到评委须不少于三分之二；开始时签到的评委投票）",
        operation_id="v1_committees_ballot_open",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        v = _valid(OpenBallotInput, request, meeting=meeting)
        ballot = services.open_ballot(actor=request.user, meeting_id=meeting.pk, declaration_id=v["declaration"])
        return Response(BallotOutput(ballot).data, status=status.HTTP_201_CREATED)


class CloseBallotApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("ballot", "manage")

    @extend_schema(
        request=None,
        responses=BallotOutput,
        summary="结束表决（公布同意、不同意、弃权票数与表决结果）",
        operation_id="v1_committees_ballot_close",
    )
    def post(self, request: Request, pk: int) -> Response:
        ballot = scoped.ballots.get(request.user, pk, "manage")
        return Response(BallotOutput(services.close_ballot(actor=request.user, ballot_id=ballot.pk)).data)


# ---------------------------------------------------------------- 评审专家: own seat, sign-in, the vote


class MyMeetingListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "meeting.take_part"
    serializer_class = MeetingOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Meeting
        return scoped.meeting_seats.visible(self.request.user, "take_part", _meetings()).order_by("-pk")

    @extend_schema(summary="我的评审会议（本人为评委的会议；分页）", operation_id="v1_committees_my_meetings_list")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class MyMeetingApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"
    object_policy = ("meeting_seat", "take_part")

    @extend_schema(
        parameters=[PAGE],
        responses=MyMeetingOutput,
        summary="我的评审会议：签到情况、正在进行的表决（本人是否已投票）、评议任务（分页）",
        operation_id="v1_committees_my_meeting_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = scoped.meeting_seats.get(request.user, pk, "take_part", _meetings())
        seat: MeetingMember | None = selectors.seat_of(meeting, request.user)
        page = page_of(
            selectors.assignment_rows(selectors.assignments_of(meeting, seat)), request.query_params.get("page")
        )
        assignments = list(page.object_list)
        written = selectors.written_by(seat, assignments)
        for assignment in assignments:
            assignment.written = assignment.pk in written
        ballots = selectors.open_ballots_for(meeting, seat)
        data = dict(MeetingOutput(meeting).data)
        data.update(
            is_present=bool(seat and seat.is_present),
            signed_in_at=SignInOutput(seat).data["signed_in_at"] if seat else None,
            open_ballots=[
                {
                    "id": ballot.pk,
                    "declaration": ballot.declaration_id,
                    "applicant_name": ballot.declaration.applicant_name,
                    "has_voted": bool(voted),
                }
                for ballot, voted in ballots["ballots"]
            ],
            open_count=ballots["open_count"],
            open_count_label=ballots["open_count_label"],
            assignments=AssignmentOutput(assignments, many=True).data,
            **_page_data(page),
        )
        return Response(data)


class SignInApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"
    object_policy = ("meeting_seat", "take_part")

    @extend_schema(
        request=None,
        responses=SignInOutput,
        summary="签到（本人账号，会议进行中）",
        operation_id="v1_committees_sign_in",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meeting_seats.get(request.user, pk, "take_part")
        return Response(SignInOutput(services.sign_in(actor=request.user, meeting_id=meeting.pk)).data)


class VoteInput(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices, help_text="approve 同意、reject 不同意、abstain 弃权")


class VoteApi(AccessRuleAPIView):
    """无记名投票：每位开始表决时已签到的评委一票。无论投了什么，回答都只是“您已投票。”（ADR 0030）。"""

    access_rule = "meeting.take_part"
    object_policy = ("ballot_seat", "vote")

    @extend_schema(
        request=VoteInput,
        responses=VotedOutput,
        summary="投票（同意、不同意或弃权；每人一票，不得委托，表决结束后不能投票）",
        operation_id="v1_committees_vote",
    )
    def post(self, request: Request, pk: int) -> Response:
        ballot = scoped.ballot_seats.get(request.user, pk, "vote")
        v = _valid(VoteInput, request)
        services.cast_vote(actor=request.user, ballot_id=ballot.pk, choice=v["choice"])
        return Response({"message": VOTED})


# ---------------------------------------------------------------- 评审结果 (the title office that published the round)


class ResultListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "round.manage"
    serializer_class = MeetingOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Meeting
        return scoped.meetings.visible(self.request.user, "results", _meetings()).order_by("-pk")

    @extend_schema(
        summary="评审结果：本机构发布的评审活动中已结束的评审会议（分页）", operation_id="v1_committees_results_list"
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class MeetingResultsApi(AccessRuleAPIView):
    access_rule = "round.manage"
    object_policy = ("meeting", "results")

    @extend_schema(
        parameters=[PAGE],
        responses=MeetingResultsOutput,
        summary="评审结果：每份申报材料最后一次表决的票数与通过、未通过（分页）",
        operation_id="v1_committees_results_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "results", _meetings())
        counts = selectors.result_counts(meeting)
        page = page_of(
            selectors.meeting_result_rows(meeting),
            request.query_params.get("page"),
            counted=capped_total(counts.values()),
        )
        rows = [services.Result(declaration=ballot.declaration, ballot=ballot) for ballot in page.object_list]
        data = dict(MeetingOutput(meeting).data)
        data.update(
            passed=counts[BallotOutcome.PASSED],
            passed_label=capped_label(counts[BallotOutcome.PASSED]),
            results=ResultOutput(rows, many=True).data,
            **_page_data(page),
        )
        return Response(data)


# ---------------------------------------------------------------- 评议组 (secretary) and 书面评议意见 (experts)


class FormPanelInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True, help_text="评议组名称")
    members = _ids_field("评议组成员", "本次会议评委的人员编号（至少 3 人）")
    asks_scores = serializers.BooleanField(required=False, default=False, help_text="评议时须评分（0–100）")
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="评议截止日期（可不设）")


class FormPanelApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=FormPanelInput,
        responses={201: PanelOutput},
        summary="组建评议组（至少 3 名本次会议的评委）",
        operation_id="v1_committees_panel_form",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        v = _valid(FormPanelInput, request)
        panel = panels.form_panel(
            actor=request.user,
            meeting_id=meeting.pk,
            name=v["name"],
            member_user_ids=v["members"],
            asks_scores=v["asks_scores"],
            due_on=v["due_on"],
        )
        return Response(PanelOutput(panel).data, status=status.HTTP_201_CREATED)


class AssignInput(serializers.Serializer):
    declarations = _ids_field("申报材料", "本次会议评审活动中已受理的申报材料")

    def validate_declarations(self, ids: list[int]) -> list[int]:
        if not ids:
            raise serializers.ValidationError("请选择申报材料。")
        found = set(_in_round(self.context["meeting"]).filter(pk__in=ids).values_list("pk", flat=True))
        if found != set(ids):
            raise _unknown_declaration()
        return ids


def _assigned(rows: list[PanelDeclaration]) -> QuerySet[PanelDeclaration]:
    return (
        PanelDeclaration.objects.filter(pk__in=[r.pk for r in rows])
        .select_related("panel", "declaration__employer")
        .order_by("pk")
    )


class AssignApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting_panel", "manage")

    @extend_schema(
        request=AssignInput,
        responses={201: AssignedOutput(many=True)},
        summary="分配申报材料给评议组（申报人本人及同单位评委须回避；评委收到站内信）",
        operation_id="v1_committees_panel_assign",
    )
    def post(self, request: Request, pk: int) -> Response:
        panel = scoped.panels.get(request.user, pk, "manage", MeetingPanel.objects.select_related("meeting"))
        v = _valid(AssignInput, request, meeting=panel.meeting)
        rows = panels.assign(actor=request.user, panel_id=panel.pk, declaration_ids=v["declarations"])
        return Response(AssignedOutput(_assigned(rows), many=True).data, status=status.HTTP_201_CREATED)


class PanelProgressApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting_panel", "manage")

    @extend_schema(
        responses=PanelOutput, summary="评议组：每位评委的评议进度", operation_id="v1_committees_panel_progress"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PanelOutput(scoped.panels.get(request.user, pk, "manage")).data)


class RemindApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting_panel", "manage")

    @extend_schema(
        request=None,
        responses=RemindOutput,
        summary="催办：提醒尚未提交评议意见的评委（站内信和短信）",
        operation_id="v1_committees_panel_remind",
    )
    def post(self, request: Request, pk: int) -> Response:
        panel = scoped.panels.get(request.user, pk, "manage")
        return Response({"reminded": panels.remind(actor=request.user, panel_id=panel.pk)})


class MyAssignmentListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "meeting.take_part"
    serializer_class = AssignmentOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of PanelDeclaration
        user = self.request.user
        mine = PanelOpinion.objects.filter(assignment=OuterRef("pk"), member__user_id=user.pk)
        return (
            scoped.panel_seats.visible(user, "write")
            .select_related("panel", "declaration__employer")
            .annotate(written=Exists(mine))
            .order_by("-meeting_id", "panel_id", "pk")
        )

    @extend_schema(summary="我的评议任务（分页）", operation_id="v1_committees_my_assignments_list")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class OpinionInput(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True, help_text="书面评议意见（不超过 2000 字）")
    score = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=-(2**31), max_value=2**31, help_text="评分（0–100）"
    )


class OpinionApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"
    object_policy = ("panel_assignment", "write")

    @extend_schema(
        request=OpinionInput,
        responses={201: OpinionOutput},
        summary="提交书面评议意见（每份申报一次；评议组要求时须评分）",
        operation_id="v1_committees_opinion",
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = scoped.panel_seats.get(request.user, pk, "write")
        v = _valid(OpinionInput, request)
        written = panels.write_opinion(
            actor=request.user, assignment_id=assignment.pk, opinion=v["opinion"], score=v["score"]
        )
        return Response(OpinionOutput(written).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- 代表作 anonymous review


class SendBlindInput(serializers.Serializer):
    declaration = _id_field("申报材料", "本次会议评审活动中已受理的申报材料")
    achievement = _id_field("代表作", "受理时材料中标为代表作的成果")
    reviewers = _ids_field("评审专家", "至少 3 名在库专家的人员编号")
    due_on = serializers.DateField(help_text="评审截止日期")

    def validate_declaration(self, declaration_id: int) -> int:
        if not _in_round(self.context["meeting"]).filter(pk=declaration_id).exists():
            raise _unknown_declaration()
        return declaration_id


def _work_out(work_id: int) -> dict[str, Any]:
    work = BlindWork.objects.prefetch_related("reviews__reviewer").get(pk=work_id)
    return dict(BlindWorkOutput(work).data)


class SendBlindApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=SendBlindInput,
        responses={201: BlindWorkOutput},
        summary="代表作送审（双盲：专家只见送审编号和作品，不见申报人和单位）",
        operation_id="v1_committees_blind_send",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        v = _valid(SendBlindInput, request, meeting=meeting)
        work = blind.send_for_review(
            actor=request.user,
            meeting_id=meeting.pk,
            declaration_id=v["declaration"],
            achievement_id=v["achievement"],
            reviewer_ids=v["reviewers"],
            due_on=v["due_on"],
        )
        return Response(_work_out(work.pk), status=status.HTTP_201_CREATED)


class ReplaceReviewerInput(serializers.Serializer):
    review = _id_field("代表作评审", "本次会议中逾期未提交的评审（blind_works[].reviews[].id）")
    reviewer = _id_field("新的评审专家", "在库专家的人员编号")
    due_on = serializers.DateField(help_text="新的评审截止日期")

    def validate_review(self, review_id: int) -> int:
        if not BlindReview.objects.filter(pk=review_id, work__meeting=self.context["meeting"]).exists():
            raise serializers.ValidationError("没有找到该代表作评审，请从本次会议的送审记录中选择。")
        return review_id


class ReplaceReviewerApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=ReplaceReviewerInput,
        responses={201: ReviewerOutput},
        summary="更换逾期未提交意见的代表作评审专家",
        operation_id="v1_committees_blind_replace",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        v = _valid(ReplaceReviewerInput, request, meeting=meeting)
        review = blind.replace_reviewer(
            actor=request.user, review_id=v["review"], reviewer_id=v["reviewer"], due_on=v["due_on"]
        )
        found = BlindReview.objects.select_related("reviewer").get(pk=review.pk)
        return Response(ReviewerOutput(found).data, status=status.HTTP_201_CREATED)


class MyReviewListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "meeting.take_part"
    serializer_class = MyReviewOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of BlindReview
        return scoped.blind_reviews.visible(self.request.user, "review").select_related("work").order_by("due_on", "pk")

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(MyReviewOutput([_my_review(r) for r in page], many=True).data)

    @extend_schema(
        summary="我的代表作评审（只显示送审编号和作品，不显示申报人；分页）",
        operation_id="v1_committees_my_reviews_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


def _reviewer_view(request: Request, review: BlindReview) -> dict[str, Any]:
    return {"id": review.pk, **blind.reviewer_view(actor=request.user, review_id=review.pk)}


class MyReviewApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"
    object_policy = ("blind_review", "review")

    @extend_schema(
        responses=MyReviewOutput, summary="代表作评审意见表（匿名）", operation_id="v1_committees_my_review_retrieve"
    )
    def get(self, request: Request, pk: int) -> Response:
        review = scoped.blind_reviews.get(request.user, pk, "review")
        return Response(MyReviewOutput(_reviewer_view(request, review)).data)


class SubmitReviewInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=BlindGrade.choices, help_text="评审等级")
    comment = serializers.CharField(allow_blank=True, help_text="评审意见（不超过 2000 字）")


class SubmitReviewApi(AccessRuleAPIView):
    access_rule = "meeting.take_part"
    object_policy = ("blind_review", "review")

    @extend_schema(
        request=SubmitReviewInput,
        responses=MyReviewOutput,
        summary="提交代表作评审意见（一次；被更换后不能提交）",
        operation_id="v1_committees_my_review_submit",
    )
    def post(self, request: Request, pk: int) -> Response:
        review = scoped.blind_reviews.get(request.user, pk, "review")
        v = _valid(SubmitReviewInput, request)
        blind.submit_review(actor=request.user, review_id=review.pk, grade=v["grade"], comment=v["comment"])
        return Response(MyReviewOutput(_reviewer_view(request, review)).data)
