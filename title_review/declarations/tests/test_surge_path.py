"""保存 and 提交 at a deadline (issue 12, point 3): few queries, whatever the dossier holds, and the same results."""

import datetime as dt

import pytest

from title_review.achievements import services as records
from title_review.achievements.models import Appraisal, Education, Training
from title_review.core.errors import DomainError
from title_review.declarations import precheck, services
from title_review.declarations.models import PLEDGE_VERSION, Declaration
from title_review.declarations.workflow import Status

from .test_services import _fill, _review_form

# save: the row locked through the fill policy (1), the picks checked (1), the row (1), its audit row (1),
# and the savepoint of the service's transaction (2: the test runs inside a transaction). This 中小学教师 round
# reads its picked 业绩成果 rows, for the 公开课 line the forms print (1).
SAVE_QUERIES = 7
# submit: the lock (1), the round's scope (1), the attachments (1), the 4-year appraisal check (1), the picked
# rows per section (3 here) and the qualification's name for the snapshot (2: the code tables' token, and the
# table itself, read once per worker while unchanged — each test starts with none kept, ADR 0049), the row, 审核记录 and audit
# row (3), the attachments locked (1), the savepoint (2), and the 诚信档案 ban, read in every precheck mode (1,
# ADR 0040). The 中小学教师 section adds its picked 业绩成果 with their proofs (1) and, as a 4th picked section,
# the 公开课 rows for the snapshot (1).
SUBMIT_QUERIES = 18


def _draft(users, open_round):
    return services.start_declaration(actor=users["applicant"], round_id=open_round.pk, pledge_version=PLEDGE_VERSION)


def _training(users, n: int) -> list[int]:
    return [
        records.save_record(
            actor=users["applicant"],
            section="training",
            values={"year": 2024, "kind": "public", "title": f"培训{i}", "hours": 8},
        ).pk
        for i in range(n)
    ]


def test_a_save_costs_the_same_few_queries_however_many_rows_it_picks(users, open_round, django_assert_num_queries):
    declaration = _fill(users, _draft(users, open_round))
    picks = {section: list(ids) for section, ids in declaration.picks.items()}
    with django_assert_num_queries(SAVE_QUERIES):
        declaration = services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=declaration.version,
            values={"recommenders": ["张教授"]},
            picks=picks,
            section_data={},
        )
    picks["training"] = _training(users, 12)
    with django_assert_num_queries(SAVE_QUERIES):
        declaration = services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=declaration.version,
            values={},
            picks=picks,
            section_data={},
        )
    assert len(Declaration.objects.get(pk=declaration.pk).picks["training"]) == 12


def test_a_save_keeps_only_the_applicants_own_rows_and_writes_what_it_was_given(users, open_round):
    declaration = _fill(users, _draft(users, open_round))
    others = records.save_record(actor=users["teacher"], section="appraisal", values={"year": 2024, "result": "01"})
    own = declaration.picks["appraisal"][0]
    saved = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values={"recommenders": ["张教授", "李教授"], "specialty": ""},
        picks={"appraisal": [others.pk, own, 999_999], "education": [], "nonsense": [1]},
        section_data={},
    )
    row = Declaration.objects.get(pk=declaration.pk)
    assert row.picks == {"appraisal": [own], "education": []} == saved.picks
    assert row.recommenders == ["张教授", "李教授"] and row.version == declaration.version + 1
    assert row.route == "01" and row.current_qualification_date == dt.date(2019, 12, 1)  # kept from before
    assert row.status == Status.DRAFT and row.snapshot is None


def test_someone_else_can_neither_save_nor_submit_the_declaration(users, open_round):
    declaration = _fill(users, _draft(users, open_round))
    for actor in (users["teacher"], users["schooladmin"]):
        with pytest.raises(DomainError, match="没有这份申报材料"):
            services.save_declaration(
                actor=actor,
                declaration_id=declaration.pk,
                version=declaration.version,
                values={},
                picks={},
                section_data={},
            )
        with pytest.raises(DomainError, match="没有这份申报材料"):
            services.submit_declaration(actor=actor, declaration_id=declaration.pk)
    assert Declaration.objects.get(pk=declaration.pk).version == declaration.version


def test_a_submit_costs_a_bounded_number_of_queries(users, open_round, django_assert_num_queries):
    declaration = _fill(users, _draft(users, open_round))
    attachment = _review_form(users, declaration)
    with django_assert_num_queries(SUBMIT_QUERIES):
        submitted = services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)
    assert submitted.status == Status.WITH_EMPLOYER
    kinds = sorted(a["kind"] for a in submitted.snapshot["attachments"])
    assert kinds == ["id_card", "photo", "review_form"]
    attachment.refresh_from_db()
    assert attachment.locked


def test_the_page_reads_the_precheck_and_completeness_from_the_rows_it_shows(users, open_round):
    declaration = _fill(users, _draft(users, open_round), recommenders=["张教授"])
    extra = _training(users, 3)
    declaration = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values={},
        picks={**declaration.picks, "training": extra[:2]},
        section_data={},
    )
    declaration = Declaration.objects.select_related("round__series", "applicant").get(pk=declaration.pk)
    owner = declaration.applicant_id
    loaded = {
        "education": list(Education.objects.filter(owner_id=owner)),
        "training": list(Training.objects.filter(owner_id=owner)),
        "appraisal": list(Appraisal.objects.filter(owner_id=owner)),
    }
    assert precheck.facts_for(declaration, loaded=loaded) == precheck.facts_for(declaration)
    assert precheck.run(declaration, loaded=loaded) == precheck.run(declaration)
    assert services.completeness(declaration, loaded=loaded) == services.completeness(declaration)
