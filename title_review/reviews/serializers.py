"""What the review API reads and writes (the shapes in the OpenAPI schema)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from title_review.api.schema import MAX_ID
from title_review.declarations.models import Declaration

from . import selectors, services
from .models import OpinionSlot

VERSION_HELP = "读取时的版本号；他人已处理时返回 stale（已被他人处理，请刷新后再操作）"
SECTIONS_HELP = "需修改的栏目：" + "、".join(services.SECTIONS)

# ---------------------------------------------------------------- output


class ReviewStateOutput(serializers.Serializer):
    """Where a declaration is after a decision: status, desk and the version to send next."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    desk = serializers.IntegerField(source="current_org_id", allow_null=True, help_text="当前审核机构")
    desk_name = serializers.CharField(source="current_org.name", allow_null=True, default=None)
    stage_since = serializers.DateTimeField(allow_null=True, help_text="进入当前环节时间")
    version = serializers.IntegerField()


class ReviewInboxRowOutput(ReviewStateOutput):
    """A declaration waiting at one of the caller's desks."""

    number = serializers.CharField(help_text="申报编号：年度-活动-序号")
    applicant_name = serializers.CharField(source="applicant.real_name")
    employer = serializers.IntegerField(source="employer_id")
    employer_name = serializers.CharField(source="employer.name")
    round = serializers.IntegerField(source="round_id")
    round_title = serializers.CharField(source="round.title")


class ReviewRecordOutput(serializers.Serializer):
    """审核记录: one decision — level, organisation, person, decision, reason, time."""

    id = serializers.IntegerField()
    level = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    actor_name = serializers.CharField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


class ReviewDeclarationOutput(ReviewInboxRowOutput):
    """One declaration as received (the snapshot), with its 审核记录."""

    submitted_at = serializers.DateTimeField(allow_null=True)
    snapshot_hash = serializers.CharField(help_text="提交时材料的 SHA-256")
    snapshot = serializers.JSONField(allow_null=True, help_text="提交时的材料（只读）")
    employer_opinion = serializers.CharField()
    correction_items = serializers.ListField(child=serializers.CharField())
    correction_deadline = serializers.DateField(allow_null=True)
    records = serializers.SerializerMethodField()

    @extend_schema_field(ReviewRecordOutput(many=True))
    def get_records(self, obj: Declaration) -> Any:
        return ReviewRecordOutput(selectors.records_of(obj), many=True).data


class ReviewInternalOpinionOutput(serializers.Serializer):
    slot = serializers.CharField()
    slot_label = serializers.CharField(source="get_slot_display")
    agrees = serializers.BooleanField()
    opinion = serializers.CharField()
    author_name = serializers.CharField(source="author.real_name")
    updated_at = serializers.DateTimeField()


class ReviewCheckItemOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # an output field named like Field.label
    result = serializers.CharField(allow_null=True, help_text="verified 核实无误 / flagged 存在问题；未审查时为空")
    result_label = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    checked_at = serializers.DateTimeField(allow_null=True)


class ReviewBatchPassOutput(serializers.Serializer):
    passed = serializers.IntegerField()


class ReviewPublicityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="公示截止日期（最后一个工作日）；次日起可上报")
    working_days = serializers.IntegerField()
    place = serializers.CharField()
    contact = serializers.CharField()
    declarations = serializers.SerializerMethodField()

    def get_declarations(self, obj: Any) -> list[int]:
        return sorted(obj.declarations.values_list("pk", flat=True))


class ReviewObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    declaration = serializers.IntegerField(source="declaration_id")
    publicity = serializers.IntegerField(source="publicity_id")
    received_on = serializers.DateField()
    content = serializers.CharField()
    raised_by = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    handling = serializers.CharField()
    handled_at = serializers.DateTimeField(allow_null=True)


# ---------------------------------------------------------------- input
#
# Each decision's inputs are declared once, here. The page (reviews.views) and the API (reviews.api)
# validate through the same serializer, and its validated data are the keyword arguments of the
# decision's service. The API posts JSON; a page posts a form, and the two encodings differ only where a
# field says so (selected rows are checkboxes named `pick` with values "id:version"; 补正事项 are lines).


class ReviewItemInput(serializers.Serializer):
    id = serializers.IntegerField(label="申报材料", min_value=1, max_value=MAX_ID)
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)


@extend_schema_field(ReviewItemInput)
class ReviewItemField(serializers.Field):
    """One selected declaration with the version the reviewer saw, as the (id, version) a service takes."""

    def to_internal_value(self, data: Any) -> tuple[int, int]:
        if isinstance(data, str):  # a page's checkbox value "id:version"
            pk, _sep, version = data.partition(":")
            data = {"id": pk, "version": version}
        item = ReviewItemInput(data=data)
        if not item.is_valid():
            raise serializers.ValidationError("所选的申报材料有误，请刷新页面后重新选择。")
        return item.validated_data["id"], item.validated_data["version"]

    def to_representation(self, value: Any) -> Any:
        return {"id": value[0], "version": value[1]}


class PickedListField(serializers.ListField):
    """A list the API sends as JSON and a page as the checkboxes named `pick`."""

    def __init__(self, *, ids_only: bool = False, **kwargs: Any) -> None:
        self.ids_only = ids_only
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            picks = dictionary.getlist("pick")
            return [p.partition(":")[0] for p in picks] if self.ids_only else picks
        return super().get_value(dictionary)


class LinesField(serializers.ListField):
    """A list of lines: JSON sends a list, a page one textarea with a line each (blank lines dropped)."""

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            if self.field_name not in dictionary:
                return serializers.empty
            return [line for line in dictionary.get(self.field_name, "").splitlines() if line.strip()]
        return super().get_value(dictionary)


def _unknown_declarations(user: Any, ids: list[int]) -> None:
    """Ids the caller cannot see are refused as input (400 naming the field), never looked up further."""
    seen = set(selectors.tracked_by(user).filter(pk__in=set(ids)).values_list("pk", flat=True))
    if set(ids) - seen:
        raise serializers.ValidationError("没有找到所选的申报材料，或您无权办理；请刷新页面后重新选择。")


class DecisionInput(serializers.Serializer):
    """A decision's inputs; `context["user"]` is the person deciding."""

    def user(self) -> Any:
        return self.context["user"]


class ReviewEmployerPassInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)
    opinion = serializers.CharField(label="单位意见", allow_blank=True, default="", help_text="单位意见（必填）")


class ReviewEmployerReturnInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)
    reason = serializers.CharField(label="退回理由", allow_blank=True, default="", help_text="退回理由（必填）")
    sections = serializers.ListField(
        label="需修改的栏目", child=serializers.CharField(), default=list, help_text=SECTIONS_HELP
    )


class ReviewOpinionInput(DecisionInput):
    slot = serializers.ChoiceField(label="意见类别", choices=OpinionSlot.choices)
    agrees = serializers.BooleanField(label="是否同意推荐", help_text="是否同意推荐")
    opinion = serializers.CharField(label="意见", allow_blank=True, default="", help_text="意见（必填）")


class ReviewPassInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)
    opinion = serializers.CharField(
        label="审核意见", allow_blank=True, default="", help_text="审核意见；为空时记为“同意上报”"
    )


class ReviewReturnInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)
    reason = serializers.CharField(label="退回理由", allow_blank=True, default="", help_text="退回理由（必填）")
    sections = serializers.ListField(
        label="需修改的栏目", child=serializers.CharField(), default=list, help_text=SECTIONS_HELP
    )
    correction_days = serializers.IntegerField(
        label="补正期限",
        required=False,
        allow_null=True,
        default=None,
        min_value=-MAX_ID,
        max_value=MAX_ID,
        help_text="补正期限（1 到 30 个工作日）；给出时为一次性补正通知",
    )
    correction_items = LinesField(
        label="补正事项", child=serializers.CharField(), default=list, help_text="补正通知须逐项列明需补正的内容"
    )


class ReviewCheckItemInput(DecisionInput):
    key = serializers.CharField(label="审查项", help_text="审查项，见 GET check-items/")
    verified = serializers.BooleanField(label="审查结果", help_text="true 核实无误；false 存在问题（须填写问题说明）")
    reason = serializers.CharField(label="问题说明", allow_blank=True, default="", help_text="问题说明")


class ReviewAcceptInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)


class ReviewRejectInput(DecisionInput):
    version = serializers.IntegerField(label="版本号", min_value=0, max_value=MAX_ID, help_text=VERSION_HELP)
    reason = serializers.CharField(label="不予受理理由", allow_blank=True, default="", help_text="不予受理理由（必填）")
    basis = serializers.CharField(label="政策依据", allow_blank=True, default="", help_text="政策依据（必填）")


class ReviewBatchPassInput(DecisionInput):
    items = PickedListField(label="所选申报材料", child=ReviewItemField(), help_text="全部通过或全部不通过")
    opinion = serializers.CharField(label="审核意见", allow_blank=True, default="")

    def validate_items(self, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
        _unknown_declarations(self.user(), [pk for pk, _v in items])
        return items


class ReviewPublicityInput(DecisionInput):
    declaration_ids = PickedListField(
        label="所选申报材料",
        ids_only=True,
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        help_text="同一评审活动的待公示材料",
    )
    starts_on = serializers.DateField(
        label="公示开始日期", required=False, allow_null=True, default=None, help_text="公示开始日期"
    )
    place = serializers.CharField(
        label="公示地点或方式", allow_blank=True, default="", max_length=200, help_text="公示地点或方式"
    )
    contact = serializers.CharField(
        label="受理异议联系方式", allow_blank=True, default="", max_length=100, help_text="受理异议联系方式"
    )

    def validate_declaration_ids(self, ids: list[int]) -> list[int]:
        _unknown_declarations(self.user(), ids)
        return ids


class ReviewObjectionInput(DecisionInput):
    declaration = serializers.IntegerField(label="被异议人", source="declaration_id", min_value=1, max_value=MAX_ID)
    received_on = serializers.DateField(
        label="收到日期", required=False, allow_null=True, default=None, help_text="收到日期；为空时为今天"
    )
    content = serializers.CharField(label="异议内容", allow_blank=True, default="", help_text="异议内容（必填）")
    raised_by = serializers.CharField(
        label="异议人", allow_blank=True, default="", max_length=100, help_text="异议人（可匿名）"
    )

    def validate_declaration(self, pk: int) -> int:
        _unknown_declarations(self.user(), [pk])
        return pk


class ReviewObjectionHandleInput(DecisionInput):
    upheld = serializers.BooleanField(label="异议是否成立", help_text="true 异议成立（本次不予推荐）；false 异议不成立")
    handling = serializers.CharField(label="处理情况", allow_blank=True, default="", help_text="处理情况（必填）")


class ReviewForwardInput(DecisionInput):
    items = PickedListField(label="所选申报材料", child=ReviewItemField(), help_text="全部上报或全部不上报")
    operator_name = serializers.CharField(
        label="经办人姓名", allow_blank=True, default="", help_text="经办人姓名（必填）"
    )
    operator_phone = serializers.CharField(
        label="经办人联系电话", allow_blank=True, default="", help_text="经办人联系电话（必填）"
    )

    def validate_items(self, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
        _unknown_declarations(self.user(), [pk for pk, _v in items])
        return items


def decision_inputs(serializer_class: type[DecisionInput], data: Any, user: Any) -> dict[str, Any]:
    """The validated inputs of one decision (the service's keyword arguments); ValidationError otherwise."""
    inputs = serializer_class(data=data, context={"user": user})
    inputs.is_valid(raise_exception=True)
    return dict(inputs.validated_data)


def error_sentence(serializer_class: type[DecisionInput], errors: Any) -> tuple[str | None, str]:
    """The first input at fault and a sentence naming it, for a page's message."""
    field = None
    if isinstance(errors, dict) and errors:
        field, errors = next(iter(errors.items()))
    while isinstance(errors, (dict, list)) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    spec = serializer_class().fields.get(field) if field else None
    label = spec.label if spec is not None and spec.label else None
    return field, f"{label}：{errors}" if label else str(errors)
