"""会议记录 through the API: the committee's secretary signs the record of a closed meeting and reads it back,
through the same calls as the page (printing.meeting_record) and the same `meeting` policy ("manage").

The API has no other file answer, so the record comes back as JSON: whether it is signed, its SHA-256, size,
who signed it and when, whether the kept file still matches its seal, and the PDF itself in base64 — a client
can check the bytes against `sha256`. A meeting whose record is not signed yet answers `signed: false` (it is
the secretary's own meeting; only a meeting the caller may not run answers 404).
"""

import base64
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access import scoped
from title_review.api.base import AccessRuleAPIView
from title_review.committees import services as committees
from title_review.committees.models import Meeting, MeetingRecord

from . import meeting_record


class MeetingRecordOutput(serializers.Serializer):
    meeting = serializers.IntegerField(help_text="评审会议编号")
    meeting_status = serializers.CharField(help_text="会议状态：preparing / in_session / closed")
    signed = serializers.BooleanField(help_text="会议记录是否已签署")
    filename = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True, help_text="签署时封存的 SHA-256 摘要")
    size = serializers.IntegerField(allow_null=True, help_text="字节数")
    signed_by = serializers.CharField(allow_null=True, help_text="签署人")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="签署时间")
    intact = serializers.BooleanField(allow_null=True, help_text="保存的文件是否仍与封存的摘要一致")
    content_base64 = serializers.CharField(allow_null=True, help_text="会议记录 PDF（base64）")


def _record_out(meeting: Meeting, record: MeetingRecord | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "meeting": meeting.pk,
        "meeting_status": meeting.status,
        "signed": record is not None,
        "filename": None,
        "sha256": None,
        "size": None,
        "signed_by": None,
        "signed_at": None,
        "intact": None,
        "content_base64": None,
    }
    if record is None:
        return data
    with record.file.open("rb") as stored:
        content = stored.read()
    data.update(
        filename=f"会议记录-{meeting.pk}.pdf",
        sha256=record.sha256,
        size=record.size,
        signed_by=str(record.signed_by),
        signed_at=record.signed_at,
        intact=committees.record_intact(record),
        content_base64=base64.b64encode(content).decode("ascii"),
    )
    return data


def _record_of(meeting: Meeting) -> MeetingRecord | None:
    return MeetingRecord.objects.select_related("signed_by").filter(meeting=meeting).first()


class MeetingRecordApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        responses=MeetingRecordOutput,
        summary="会议记录：是否已签署、SHA-256 摘要、签署人与时间、文件是否完好，以及 PDF（base64）",
        operation_id="v1_committees_meeting_record_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        return Response(MeetingRecordOutput(_record_out(meeting, _record_of(meeting))).data)


class SignMeetingRecordApi(AccessRuleAPIView):
    access_rule = "meeting.manage"
    object_policy = ("meeting", "manage")

    @extend_schema(
        request=None,
        responses={201: MeetingRecordOutput},
        summary="签署会议记录（会议结束后，仅一次）：生成 PDF，以 SHA-256 封存并归档",
        operation_id="v1_committees_meeting_record_sign",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = scoped.meetings.get(request.user, pk, "manage")
        record = meeting_record.sign_meeting_record(actor=request.user, meeting_id=meeting.pk)
        meeting.refresh_from_db(fields=["status"])
        return Response(MeetingRecordOutput(_record_out(meeting, record)).data, status=status.HTTP_201_CREATED)
