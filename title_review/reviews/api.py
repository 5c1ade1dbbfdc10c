"""The review chain through the API: every decision is the same service call as on the pages.

Each decision's body is validated by its serializer in reviews.serializers — the same declaration the
pages validate with — whose validated data are the service's keyword arguments. The services check the
desk, the version the reviewer saw and the rules. A refusal is a 400 with the service's code, Chinese
sentence and, where it is about one input, its field (title_review.api.errors); a declaration in the URL
the caller may not see is a 404.
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.policies import employer_of
from title_review.api.base import AccessRuleAPIView
from title_review.core.params import to_id
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import IN_CHAIN

from . import selectors, services
from .models import CheckItem
from .serializers import (
    DecisionInput,
    ReviewAcceptInput,
    ReviewBatchPassInput,
    ReviewBatchPassOutput,
    ReviewCheckItemInput,
    ReviewCheckItemOutput,
    ReviewDeclarationOutput,
    ReviewEmployerPassInput,
    ReviewEmployerReturnInput,
    ReviewForwardInput,
    ReviewInboxRowOutput,
    ReviewInternalOpinionOutput,
    ReviewObjectionHandleInput,
    ReviewObjectionInput,
    ReviewObjectionOutput,
    ReviewOpinionInput,
    ReviewPassInput,
    ReviewPublicityInput,
    ReviewPublicityOutput,
    ReviewRejectInput,
    ReviewReturnInput,
    ReviewStateOutput,
    decision_inputs,
)

# ---------------------------------------------------------------- helpers


def _inputs(serializer_class: type[DecisionInput], request: Request) -> dict[str, Any]:
    """The decision's inputs as its service takes them (the same declaration the page validates with)."""
    return decision_inputs(serializer_class, request.data, request.user)


def _decided(call: Callable[..., Declaration], request: Request, pk: int, inputs: dict[str, Any]) -> Response:
    """One decision on declaration `pk`. A refusal reaches the API's error handler: 400 with its code,
    message and field; a declaration the caller may not see is 404."""
    declaration = call(actor=request.user, declaration_id=pk, **inputs)
    return Response(ReviewStateOutput(declaration).data)


def _tracked(request: Request, pk: int) -> Declaration:
    declaration = (
        selectors.tracked_by(request.user)
        .select_related("applicant", "employer", "round", "current_org")
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def _check_row(key: str, label: str, item: CheckItem | None) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "result": item.result if item else None,
        "result_label": item.get_result_display() if item else None,
        "reason": item.reason if item else "",
        "checked_at": item.updated_at if item else None,
    }


# ---------------------------------------------------------------- reading


class ReviewInboxApi(AccessRuleAPIView, ListAPIView):
    access_rule = "review.inbox"
    serializer_class = ReviewInboxRowOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Declaration
        queryset = selectors.inbox_for(self.request.user)
        params = self.request.query_params
        round_id = to_id(params.get("round"))
        if round_id is not None:
            queryset = queryset.filter(round_id=round_id)
        if params.get("status") in IN_CHAIN:
            queryset = queryset.filter(status=params["status"])
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("round", int, description="评审活动"),
            OpenApiParameter("status", str, enum=sorted(s.value for s in IN_CHAIN), description="状态"),
        ],
        summary="待审核材料（本人所在审核环节，最早进入的在前）",
        operation_id="v1_reviews_inbox_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewDeclarationApi(AccessRuleAPIView):
    access_rule = "declaration.track"
    object_policy = ("declaration", "view")

    @extend_schema(
        responses=ReviewDeclarationOutput,
        summary="申报材料（提交时的材料）与审核记录",
        operation_id="v1_reviews_declaration_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReviewDeclarationOutput(_tracked(request, pk)).data)


# ---------------------------------------------------------------- employer


class ReviewEmployerPassApi(AccessRuleAPIView):
    access_rule = "review.employer"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewEmployerPassInput,
        responses=ReviewStateOutput,
        summary="单位审核通过（填写单位意见）",
        operation_id="v1_reviews_employer_pass",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.employer_pass, request, pk, _inputs(ReviewEmployerPassInput, request))


class ReviewEmployerReturnApi(AccessRuleAPIView):
    access_rule = "review.employer"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewEmployerReturnInput,
        responses=ReviewStateOutput,
        summary="单位退回申报人（退回理由、需修改的栏目）",
        operation_id="v1_reviews_employer_return",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.employer_return, request, pk, _inputs(ReviewEmployerReturnInput, request))


class ReviewOpinionApi(AccessRuleAPIView):
    access_rule = "review.opinion"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewOpinionInput,
        responses=ReviewInternalOpinionOutput,
        summary="填写内部审核意见（院系考核、师德、教学、论文审核、思政）",
        operation_id="v1_reviews_internal_opinion",
    )
    def post(self, request: Request, pk: int) -> Response:
        inputs = _inputs(ReviewOpinionInput, request)
        row = services.give_internal_opinion(actor=request.user, declaration_id=pk, **inputs)
        return Response(ReviewInternalOpinionOutput(row).data)


class ReviewPublicityApi(AccessRuleAPIView):
    access_rule = "review.employer"

    @extend_schema(
        request=ReviewPublicityInput,
        responses={201: ReviewPublicityOutput},
        summary="开始单位内部公示（公示截止日期按工作日计算）",
        operation_id="v1_reviews_publicity_create",
    )
    def post(self, request: Request) -> Response:
        employer = employer_of(request.user, "review.employer")
        inputs = _inputs(ReviewPublicityInput, request)
        publicity = services.start_publicity(actor=request.user, employer_id=employer.pk, **inputs)
        return Response(ReviewPublicityOutput(publicity).data, status=status.HTTP_201_CREATED)


class ReviewObjectionListApi(AccessRuleAPIView):
    access_rule = "review.employer"

    @extend_schema(
        request=ReviewObjectionInput,
        responses={201: ReviewObjectionOutput},
        summary="登记公示异议（处理完毕前不能上报）",
        operation_id="v1_reviews_objection_create",
    )
    def post(self, request: Request) -> Response:
        employer_of(request.user, "review.employer")
        objection = services.record_objection(actor=request.user, **_inputs(ReviewObjectionInput, request))
        return Response(ReviewObjectionOutput(objection).data, status=status.HTTP_201_CREATED)


class ReviewObjectionHandleApi(AccessRuleAPIView):
    access_rule = "review.employer"
    object_policy = ("objection", "manage")

    @extend_schema(
        request=ReviewObjectionHandleInput,
        responses=ReviewObjectionOutput,
        summary="处理公示异议（异议成立则本次不予推荐）",
        operation_id="v1_reviews_objection_handle",
    )
    def post(self, request: Request, pk: int) -> Response:
        employer_of(request.user, "review.employer")
        inputs = _inputs(ReviewObjectionHandleInput, request)
        objection = services.handle_objection(actor=request.user, objection_id=pk, **inputs)
        return Response(ReviewObjectionOutput(objection).data)


class ReviewForwardApi(AccessRuleAPIView):
    access_rule = "review.employer"

    @extend_schema(
        request=ReviewForwardInput,
        responses=ReviewStateOutput(many=True),
        summary="上报材料（到审核路径的第一级；上报后只读）",
        operation_id="v1_reviews_forward",
    )
    def post(self, request: Request) -> Response:
        employer = employer_of(request.user, "review.employer")
        done = services.forward(actor=request.user, employer_id=employer.pk, **_inputs(ReviewForwardInput, request))
        return Response(ReviewStateOutput(done, many=True).data)


# ---------------------------------------------------------------- departments and the title office


class ReviewPassApi(AccessRuleAPIView):
    access_rule = "review.department"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewPassInput,
        responses=ReviewStateOutput,
        summary="主管部门审核通过（报送审核路径的下一级）",
        operation_id="v1_reviews_pass",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.department_pass, request, pk, _inputs(ReviewPassInput, request))


class ReviewBatchPassApi(AccessRuleAPIView):
    access_rule = "review.department"

    @extend_schema(
        request=ReviewBatchPassInput,
        responses=ReviewBatchPassOutput,
        summary="批量审核通过（全部通过或全部不通过）",
        operation_id="v1_reviews_batch_pass",
    )
    def post(self, request: Request) -> Response:
        passed = services.batch_pass(actor=request.user, **_inputs(ReviewBatchPassInput, request))
        return Response(ReviewBatchPassOutput({"passed": passed}).data)


class ReviewReturnApi(AccessRuleAPIView):
    access_rule = "review.inbox"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewReturnInput,
        responses=ReviewStateOutput,
        summary="退回（主管部门，或职改办退回审查；可附一次性补正通知）",
        operation_id="v1_reviews_return",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.return_declaration, request, pk, _inputs(ReviewReturnInput, request))


class ReviewCheckItemsApi(AccessRuleAPIView):
    access_rule = "review.inbox"
    object_policy = ("declaration", "view")

    @extend_schema(
        responses=ReviewCheckItemOutput(many=True),
        summary="资格审查项（提交时材料的每条记录和附件）及审查结果",
        operation_id="v1_reviews_check_items_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = _tracked(request, pk)
        done = {c.key: c for c in CheckItem.objects.filter(declaration=declaration)}
        rows = [_check_row(key, label, done.get(key)) for key, label in services.check_items_of(declaration)]
        return Response(ReviewCheckItemOutput(rows, many=True).data)

    @extend_schema(
        request=ReviewCheckItemInput,
        responses=ReviewCheckItemOutput,
        summary="资格审查：逐项核实无误或标记存在问题",
        operation_id="v1_reviews_check_item",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = services.check_item(actor=request.user, declaration_id=pk, **_inputs(ReviewCheckItemInput, request))
        return Response(ReviewCheckItemOutput(_check_row(item.key, item.label, item)).data)


class ReviewAcceptApi(AccessRuleAPIView):
    access_rule = "review.qualification"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewAcceptInput,
        responses=ReviewStateOutput,
        summary="受理（每个审查项均已核实无误）",
        operation_id="v1_reviews_accept",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.accept, request, pk, _inputs(ReviewAcceptInput, request))


class ReviewRejectApi(AccessRuleAPIView):
    access_rule = "review.qualification"
    object_policy = ("declaration", "view")

    @extend_schema(
        request=ReviewRejectInput,
        responses=ReviewStateOutput,
        summary="不予受理（理由与政策依据）",
        operation_id="v1_reviews_reject",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decided(services.reject, request, pk, _inputs(ReviewRejectInput, request))
