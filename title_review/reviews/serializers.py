"""What the review API reads and writes (the shapes in the OpenAPI schema)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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


class ReviewItemInput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text=VERSION_HELP)


class ReviewEmployerPassInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    opinion = serializers.CharField(allow_blank=True, default="", help_text="单位意见（必填）")


class ReviewEmployerReturnInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    reason = serializers.CharField(allow_blank=True, default="", help_text="退回理由（必填）")
    sections = serializers.ListField(child=serializers.CharField(), default=list, help_text=SECTIONS_HELP)


class ReviewOpinionInput(serializers.Serializer):
    slot = serializers.ChoiceField(choices=OpinionSlot.choices)
    agrees = serializers.BooleanField(help_text="是否同意推荐")
    opinion = serializers.CharField(allow_blank=True, default="", help_text="意见（必填）")


class ReviewPassInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    opinion = serializers.CharField(allow_blank=True, default="", help_text="审核意见；为空时记为“同意上报”")


class ReviewReturnInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    reason = serializers.CharField(allow_blank=True, default="", help_text="退回理由（必填）")
    sections = serializers.ListField(child=serializers.CharField(), default=list, help_text=SECTIONS_HELP)
    correction_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="补正期限（1 到 30 个工作日）；给出时为一次性补正通知"
    )
    correction_items = serializers.ListField(
        child=serializers.CharField(), default=list, help_text="补正通知须逐项列明需补正的内容"
    )


class ReviewCheckItemInput(serializers.Serializer):
    key = serializers.CharField(help_text="审查项，见 GET check-items/")
    verified = serializers.BooleanField(help_text="true 核实无误；false 存在问题（须填写问题说明）")
    reason = serializers.CharField(allow_blank=True, default="", help_text="问题说明")


class ReviewAcceptInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)


class ReviewRejectInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    reason = serializers.CharField(allow_blank=True, default="", help_text="不予受理理由（必填）")
    basis = serializers.CharField(allow_blank=True, default="", help_text="政策依据（必填）")


class ReviewBatchPassInput(serializers.Serializer):
    items = ReviewItemInput(many=True, help_text="全部通过或全部不通过")
    opinion = serializers.CharField(allow_blank=True, default="")


class ReviewPublicityInput(serializers.Serializer):
    declaration_ids = serializers.ListField(child=serializers.IntegerField(), help_text="同一评审活动的待公示材料")
    starts_on = serializers.DateField(allow_null=True, default=None, help_text="公示开始日期")
    place = serializers.CharField(allow_blank=True, default="", help_text="公示地点或方式")
    contact = serializers.CharField(allow_blank=True, default="", help_text="受理异议联系方式")


class ReviewObjectionInput(serializers.Serializer):
    declaration = serializers.IntegerField()
    received_on = serializers.DateField(allow_null=True, default=None, help_text="收到日期；为空时为今天")
    content = serializers.CharField(allow_blank=True, default="", help_text="异议内容（必填）")
    raised_by = serializers.CharField(allow_blank=True, default="", help_text="异议人（可匿名）")


class ReviewObjectionHandleInput(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true 异议成立（本次不予推荐）；false 异议不成立")
    handling = serializers.CharField(allow_blank=True, default="", help_text="处理情况（必填）")


class ReviewForwardInput(serializers.Serializer):
    items = ReviewItemInput(many=True, help_text="全部上报或全部不上报")
    operator_name = serializers.CharField(allow_blank=True, default="", help_text="经办人姓名（必填）")
    operator_phone = serializers.CharField(allow_blank=True, default="", help_text="经办人联系电话（必填）")
