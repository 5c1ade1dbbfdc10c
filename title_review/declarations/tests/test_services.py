import datetime as dt
import threading

import pytest
from django.db import connection

from title_review.achievements import services as records
from title_review.achievements.tests.helpers import open_lesson
from title_review.attachments.services import upload_attachment
from title_review.attachments.tests.helpers import PDF as GENUINE_PDF
from title_review.core.errors import DomainError
from title_review.declarations import services
from title_review.declarations.models import PLEDGE_VERSION, Declaration
from title_review.declarations.workflow import Status


def _fill(users, declaration, **extra):
    applicant = users["applicant"]
    edu = records.save_record(
        actor=applicant,
        section="education",
        values={
            "school": "杭州师范大学",
            "major": "数学",
            "education": "21",
            "enrolled_on": dt.date(2008, 9, 1),
            "graduated_on": dt.date(2012, 7, 1),
        },
    )
    work = records.save_record(
        actor=applicant,
        section="work",
        values={
            "employer_name": "杭州市第一人民医院",
            "position": "教师",
            "started_on": dt.date(2012, 8, 1),
            "referee": "王校长",
        },
    )
    appraisal = records.save_record(actor=applicant, section="appraisal", values={"year": 2025, "result": "01"})
    qualification = declaration.round.qualifications[0]
    return services.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": qualification,
            "current_qualification_date": dt.date(2019, 12, 1),
            **extra,
        },
        picks={
            "education": [edu.pk],
            "work": [work.pk],
            "appraisal": [appraisal.pk],
            "achievement": [open_lesson(applicant).pk],
        },
        section_data={
            "review_type": "正常晋升",
            "student_satisfaction": "96.5",
            "theory_score": "85",
            "theory_year": "2012",
        },
    )


def _file(name: str, content: bytes):
    import io

    upload = io.BytesIO(content)
    upload.name = name
    upload.size = len(content)
    return upload


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PNG")
    return out.getvalue()


def _review_form(users, declaration):
    """The dossier's three files: 证件照, 身份证照片 and the 评审表 (returned)."""
    applicant = users["applicant"]
    for kind, name in (("photo", "证件照.png"), ("id_card", "身份证.png")):
        upload_attachment(actor=applicant, owner=applicant, kind=kind, upload=_file(name, _png()), target=declaration)
    return upload_attachment(
        actor=applicant,
        owner=applicant,
        kind="review_form",
        upload=_file("评审表.pdf", GENUINE_PDF),
        target=declaration,
    )


def test_start_checks_pledge_scope_and_one_live_declaration(users, open_round):
    with pytest.raises(DomainError, match="真实性承诺"):
        services.start_declaration(actor=users["applicant"], round_id=open_round.pk, pledge_version="old")
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    assert declaration.status == Status.DRAFT and declaration.route == "01" and declaration.pledge_accepted_at
    with pytest.raises(DomainError, match="已在该评审活动中申报"):
        services.start_declaration(actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION)


def test_outside_scope_or_window_is_refused(users, orgs, open_round):
    from title_review.accounts.models import User

    User.objects.filter(pk=users["applicant"].pk).update(organisation=orgs["杭州西湖数智科技有限公司"])
    users["applicant"].refresh_from_db()
    with pytest.raises(DomainError, match="受理范围"):
        services.start_declaration(actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION)


def test_completeness_names_what_is_missing_tab_by_tab(users, open_round):
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    tabs = {m.tab: m.items for m in services.completeness(declaration)}
    assert set(tabs) == {"基本信息", "学历学位", "工作经历", "年度考核", "中小学教师专项", "附件"}
    assert "申报资格" in tabs["基本信息"] and "学生满意度" in tabs["中小学教师专项"]
    with pytest.raises(DomainError, match="材料尚不完整：基本信息"):
        services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)


def test_save_refuses_bad_values_and_stale_versions(users, open_round):
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    with pytest.raises(DomainError, match="学生满意度"):
        services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=declaration.version,
            values={},
            picks={},
            section_data={"student_satisfaction": "120"},
        )
    saved = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values={},
        picks={},
        section_data={},
    )
    with pytest.raises(DomainError, match="已在别处修改"):
        services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=saved.version - 1,
            values={},
            picks={},
            section_data={},
        )
    with pytest.raises(DomainError, match="申报资格"):
        services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=saved.version,
            values={"target_qualification": "0101"},
            picks={},
            section_data={},
        )


def test_submit_stores_a_hashed_snapshot_and_locks_everything(users, open_round):
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    declaration = _fill(users, declaration)
    attachment = _review_form(users, declaration)
    submitted = services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)
    assert submitted.status == Status.WITH_EMPLOYER and len(submitted.snapshot_hash) == 64
    assert submitted.snapshot["records"]["education"][0]["school"] == "杭州师范大学"
    assert {a["kind"]: a["sha256"] for a in submitted.snapshot["attachments"]}["review_form"] == attachment.sha256
    attachment.refresh_from_db()
    assert attachment.locked
    with pytest.raises(DomainError, match="请勿重复提交"):
        services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)
    with pytest.raises(DomainError, match="不能再修改"):
        services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=submitted.version,
            values={},
            picks={},
            section_data={},
        )
    # Later edits of the record library do not change what was submitted.
    from title_review.achievements.models import Education

    Education.objects.update(school="改名后的学校")
    assert Declaration.objects.get(pk=declaration.pk).snapshot["records"]["education"][0]["school"] == "杭州师范大学"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_give_one_submission(seeded, open_round):
    from title_review.accounts.models import User

    users = {u.username: u for u in User.objects.all()}
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    _fill(users, declaration)
    _review_form(users, declaration)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            services.submit_declaration(actor=User.objects.get(username="applicant"), declaration_id=declaration.pk)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", "申报材料已提交，请勿重复提交。"])
    from title_review.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="declaration.submit", object_id=str(declaration.pk)).count() == 1


def test_a_round_chooses_its_required_sections_and_files(users, open_round):
    from title_review.rounds.models import Round

    Round.objects.filter(pk=open_round.pk).update(
        required_sections=["education", "achievement"], attachment_types=["review_form", "certificate"]
    )
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    tabs = {m.tab: m.items for m in services.completeness(declaration)}
    assert "业绩成果" in tabs and "工作经历" not in tabs and "年度考核" not in tabs
    assert tabs["附件"] == ["评审表", "证书"]


def test_masters_show_four_years_of_appraisals_in_teacher_rounds(users, open_round):
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
    )
    master = records.save_record(
        actor=users["applicant"],
        section="education",
        values={
            "school": "浙江师范大学",
            "major": "课程与教学论",
            "education": "14",
            "enrolled_on": dt.date(2012, 9, 1),
            "graduated_on": dt.date(2015, 7, 1),
        },
    )
    one_year = records.save_record(actor=users["applicant"], section="appraisal", values={"year": 2025, "result": "01"})
    declaration = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values={},
        picks={"education": [master.pk], "appraisal": [one_year.pk]},
        section_data={},
    )
    tabs = {m.tab: m.items for m in services.completeness(declaration)}
    assert "近 4 年年度考核（缺 2022、2023、2024 年度）" in tabs["中小学教师专项"]


def test_the_window_closes_at_the_exact_second(users, open_round):
    from unittest import mock

    from title_review.rounds.models import Round

    close = dt.datetime(2026, 12, 20, 17, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Round.objects.filter(pk=open_round.pk).update(closes_at=close)
    with mock.patch("django.utils.timezone.now", return_value=close), pytest.raises(DomainError, match="申报已截止"):
        services.start_declaration(actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION)
    with mock.patch("django.utils.timezone.now", return_value=close - dt.timedelta(seconds=1)):
        declaration = services.start_declaration(
            actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION
        )
    assert declaration.status == Status.DRAFT
