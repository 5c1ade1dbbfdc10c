"""批量打印评审表: a background job zips every 评审表 of a round the user may print into 我的下载."""

import io
import zipfile

from title_review.audit.models import AuditEvent
from title_review.jobs.models import Job, JobStatus
from title_review.reviews.tests.factories import submit_for

from . import pdf
from .conftest import to_department


def test_the_round_batch_lands_in_my_downloads_with_one_pdf_per_declaration(
    users, login, submitted, school_seal, django_capture_on_commit_callbacks
):
    round_ = submitted.round
    teacher = to_department(users, submitted)
    hospital = to_department(users, submit_for(users["applicant"], round_), employer_admin="hospitaladmin")
    client = login("hzcheck")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/printing/rounds/{round_.pk}/review-forms/")
    assert response.status_code == 302 and response["Location"] == "/downloads/"
    job = Job.objects.get(owner=users["hzcheck"])
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (2, 2)
    assert job.result_name.endswith("-评审表.zip")
    page = client.get("/downloads/").content.decode()
    assert "批量打印评审表" in page and job.result_name in page
    download = client.get(f"/downloads/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2 and all(name.endswith("-评审表.pdf") for name in names)
    assert any("朱老师" in name for name in names) and any("韩申报" in name for name in names)
    texts = {name: pdf.text(archive.read(name)) for name in names}
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert any("杭州第二中学" in t for t in texts.values()) and any("杭州市第一人民医院" in t for t in texts.values())
    # hzcheck may see full identity numbers: each PDF that shows them is audited.
    audited = set(AuditEvent.objects.filter(action="print.full_identity").values_list("object_id", flat=True))
    assert audited == {str(teacher.pk), str(hospital.pk)}


def test_the_batch_holds_only_what_the_user_may_print(users, login, submitted, django_capture_on_commit_callbacks):
    teacher = to_department(users, submitted)
    to_department(users, submit_for(users["applicant"], teacher.round), employer_admin="hospitaladmin")
    with django_capture_on_commit_callbacks(execute=True):
        login("wjwreview").post(f"/printing/rounds/{teacher.round_id}/review-forms/")
    job = Job.objects.get(owner=users["wjwreview"])
    archive = zipfile.ZipFile(job.result.open("rb"))
    assert [name for name in archive.namelist() if "韩申报" in name] == archive.namelist()
    assert len(archive.namelist()) == 1


def test_a_round_without_printable_material_says_so(users, login, review_round):
    client = login("hzcheck")
    response = client.post(
        f"/printing/rounds/{review_round.pk}/review-forms/", {"back": "https://evil.example/"}, follow=True
    )
    assert "没有您可以打印的已提交材料" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/reviews/track/"
    assert not Job.objects.exists()
    assert client.get(f"/printing/rounds/{review_round.pk}/review-forms/").status_code == 405


def test_the_batch_is_refused_outside_printing(users, login, review_round):
    assert login("auditor").post(f"/printing/rounds/{review_round.pk}/review-forms/").status_code == 404
    assert login("auditor").get(f"/printing/rounds/{review_round.pk}/summary.pdf").status_code == 404
    assert login("hzcheck").get("/printing/rounds/999999/summary.pdf").status_code == 404
