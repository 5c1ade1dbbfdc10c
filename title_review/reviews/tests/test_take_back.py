"""撤回提交 (issue 15 point 5): the applicant takes a submission back while it waits for the employer and
nobody there has acted on it; afterwards only the employer's 退回 gives it back."""

import pytest

from title_review.attachments.models import Attachment
from title_review.core.errors import DomainError
from title_review.declarations import services as declarations
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.workflow import Status
from title_review.reviews import services
from title_review.reviews.models import OpinionSlot


def test_the_applicant_takes_it_back_edits_and_submits_again(users, submitted):
    teacher = users["teacher"]
    back = declarations.take_back(actor=teacher, declaration_id=submitted.pk)
    assert back.status == Status.DRAFT and back.current_org is None
    record = ReviewRecord.objects.filter(declaration=submitted).latest("pk")
    assert record.action == "take_back" and record.level == "申报人" and "撤回提交" in record.reason
    # The files can be changed again: nothing stays locked to the withdrawn submission.
    assert not Attachment.objects.filter(target_id=submitted.pk, locked=True).exists()
    again = declarations.submit_declaration(actor=teacher, declaration_id=submitted.pk)
    assert again.status == Status.WITH_EMPLOYER


def test_once_the_employer_has_acted_only_its_return_gives_it_back(users, submitted):
    school = users["schooladmin"]
    services.employer_pass(actor=school, declaration_id=submitted.pk, version=submitted.version, opinion="同意推荐。")
    with pytest.raises(DomainError, match="单位已开始审核，不能再撤回"):
        declarations.take_back(actor=users["teacher"], declaration_id=submitted.pk)
    assert Declaration.objects.get(pk=submitted.pk).status == Status.EMPLOYER_PASSED


def test_an_internal_opinion_counts_as_the_employer_acting(users, submitted):
    services.give_internal_opinion(
        actor=users["schooladmin"],
        declaration_id=submitted.pk,
        slot=OpinionSlot.ETHICS,
        agrees=True,
        opinion="师德良好",
    )
    with pytest.raises(DomainError, match="单位已开始审核"):
        declarations.take_back(actor=users["teacher"], declaration_id=submitted.pk)
    assert Declaration.objects.get(pk=submitted.pk).status == Status.WITH_EMPLOYER


def test_only_the_applicant_and_only_a_submission(users, submitted):
    # The employer's 填写材料 may fill the declaration, but a take-back is the applicant's alone.
    with pytest.raises(DomainError, match="只有申报人本人"):
        declarations.take_back(actor=users["schooladmin"], declaration_id=submitted.pk)
    declarations.take_back(actor=users["teacher"], declaration_id=submitted.pk)
    with pytest.raises(DomainError, match="尚未提交，无需撤回"):
        declarations.take_back(actor=users["teacher"], declaration_id=submitted.pk)
    with pytest.raises(DomainError, match="没有这份申报材料"):
        declarations.take_back(actor=users["applicant"], declaration_id=submitted.pk)


def test_the_button_is_on_my_declarations_and_the_dossier_while_it_may_be_used(users, submitted, client):
    client.force_login(users["teacher"])
    mine = client.get("/declarations/").content.decode()
    assert "撤回提交" in mine
    assert "撤回提交" in client.get(f"/declarations/{submitted.pk}/").content.decode()
    answer = client.post(f"/declarations/{submitted.pk}/take-back/", follow=True)
    assert "已撤回提交，材料回到“填写中”" in answer.content.decode()
    assert "撤回提交" not in client.get("/declarations/").content.decode()
    refused = client.post(f"/declarations/{submitted.pk}/take-back/", follow=True)
    assert "尚未提交，无需撤回" in refused.content.decode()
    assert client.get(f"/declarations/{submitted.pk}/take-back/").status_code == 405
    client.force_login(users["applicant"])
    assert client.post(f"/declarations/{submitted.pk}/take-back/").status_code == 404
