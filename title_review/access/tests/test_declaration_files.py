"""Issue 10 finding 1: a declaration's files are seen exactly where the declaration is.

Before: the 证件照, 身份证照片 and 评审表 of a draft, or of material the employer had not reported up, downloaded
for the 卫健委, the 市职改办 and the 省职改办 while the declaration itself answered 404 — and ids are sequential.
"""

from title_review.attachments.models import Attachment
from title_review.reviews.tests.conftest import review_round, submitted  # noqa: F401 — shared fixtures
from title_review.reviews.tests.factories import complete_draft
from title_review.reviews.tests.test_chain import forward, to_ready

ABOVE_HOSPITAL = ("wjwadmin", "wjwreview", "hzadmin", "hzcheck", "hzreturn", "zjadmin")
ABOVE_SCHOOL = ("zsadmin", "jyjadmin", "hzadmin", "hzcheck", "hzreturn", "zjadmin")


def _files(declaration):
    return list(Attachment.objects.filter(target_id=declaration.pk).order_by("pk"))


def _status(login, persona, attachment):
    return login(persona).get(f"/attachments/{attachment.pk}/download/").status_code


def test_a_drafts_files_stay_with_the_applicant_and_the_filler(users, login, review_round):  # noqa: F811
    draft = complete_draft(users["applicant"], review_round)
    files = _files(draft)
    assert {a.kind for a in files} == {"photo", "id_card", "review_form"}
    for attachment in files:
        for persona in ABOVE_HOSPITAL:
            assert _status(login, persona, attachment) == 404, (persona, attachment.kind)
        assert _status(login, "applicant", attachment) == 200
        # 填写材料: the employer's administrator fills colleagues' drafts, with their files.
        assert _status(login, "hospitaladmin", attachment) == 200
        assert _status(login, "schooladmin", attachment) == 404


def test_files_go_up_only_when_the_employer_reports_the_declaration_up(users, login, submitted):  # noqa: F811
    files = _files(submitted)
    for attachment in files:
        for persona in ABOVE_SCHOOL:
            assert _status(login, persona, attachment) == 404, (persona, attachment.kind, "submitted")
    ready = to_ready(users, submitted)
    for attachment in files:
        for persona in ABOVE_SCHOOL:
            assert _status(login, persona, attachment) == 404, (persona, attachment.kind, "publicised")
    forward(users, ready)
    for attachment in files:
        for persona in ABOVE_SCHOOL:
            assert _status(login, persona, attachment) == 200, (persona, attachment.kind, "reported")
        for persona in ("wjwadmin", "wjwreview", "hospitaladmin", "xhadmin", "applicant"):
            assert _status(login, persona, attachment) == 404, (persona, attachment.kind, "other branch")


def test_walking_the_ids_finds_nothing_outside_ones_scope(users, login, submitted, review_round):  # noqa: F811
    complete_draft(users["applicant"], review_round)
    client = login("hzadmin")
    last = Attachment.objects.order_by("-pk").first().pk
    found = [pk for pk in range(1, last + 5) if client.get(f"/attachments/{pk}/download/").status_code != 404]
    assert found == []
