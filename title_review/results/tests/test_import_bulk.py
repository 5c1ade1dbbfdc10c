"""导入评审情况 through the bulk path (ADR 0045) reports what the row-by-row path reports, row for row, writes
what it writes (entries, batches, the declarations' moves by the workflow table with their 审核记录 and audit
rows), and its queries do not grow with the rows."""

import dataclasses

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.core.importing import run_import
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.workflow import Status
from title_review.exchange.tests.factories import accepted_for, publish_round
from title_review.organisations.models import Organisation
from title_review.results.imports import RESULTS
from title_review.results.models import ResultBatch, ResultEntry
from title_review.rounds.models import Round, RoundKind

from .factories import module_world
from .test_import import COMMITTEE, xlsx

ROW_BY_ROW = dataclasses.replace(RESULTS, bulk=None)
OTHER = "浙江省卫生高级职称评审委员会"


def _clone_round(round_: Round, **changes) -> Round:
    copy = Round.objects.get(pk=round_.pk)
    copy.pk = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def clones(template: Declaration, count: int, *, round_: Round | None = None, status: str = Status.ACCEPTED) -> list:
    """`count` copies of an accepted declaration, each with its own applicant and 申报编号 (written directly:
    only the rows the import reads matter here)."""
    start = Declaration.objects.count() + User.objects.count()
    users = User.objects.bulk_create(
        [User(username=f"clone{start + n}", real_name=f"复本{n}", password="!") for n in range(count)]
    )
    fresh = Declaration.objects.get(pk=template.pk)
    made = []
    for n, user in enumerate(users):
        d = Declaration.objects.get(pk=fresh.pk)
        d.pk = None
        d._state.adding = True
        d.applicant, d.applicant_name = user, user.real_name
        d.round = round_ or fresh.round
        d.number = f"C{start + n:08d}"
        d.status = status
        made.append(d)
    return Declaration.objects.bulk_create(made)


def _build():
    round_ = publish_round()
    teacher = accepted_for("teacher", round_)
    applicant = accepted_for("applicant", round_)
    return {"round": round_, "teacher": teacher, "applicant": applicant}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, _build) as built:
        yield built


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(world, db):
    """Every test runs on top of the module's world and rolls back."""


def _report(result) -> list[tuple]:
    return [(r.number, list(r.errors), dict(r.result or {})) for r in result.rows]


def _mixed(world) -> list[list]:
    teacher, applicant, round_ = world["teacher"], world["applicant"], world["round"]
    (done,) = clones(teacher, 1, status=Status.PASSED)
    (initial,) = clones(teacher, 1, round_=_clone_round(round_, kind=RoundKind.INITIAL))
    province = Organisation.objects.get(name="浙江省职称工作领导小组办公室")
    (elsewhere,) = clones(teacher, 1, round_=_clone_round(round_, publisher=province))
    more = clones(teacher, 2)
    return [
        [teacher.number, COMMITTEE, "通过"],  # 2: good
        ["2026-9999-99999", COMMITTEE, "通过"],  # 3: no such number (caught while reading)
        [applicant.number, OTHER, "未通过"],  # 4: good, another committee's batch
        [teacher.number, COMMITTEE, "未通过"],  # 5: repeats row 2 (caught while reading)
        [done.number, COMMITTEE, "通过"],  # 6: has its result already
        [initial.number, COMMITTEE, "通过"],  # 7: an 初定 round
        [elsewhere.number, COMMITTEE, "通过"],  # 8: the province's round: out of hzadmin's scope
        [more[0].number, COMMITTEE, "未通过"],  # 9: good, into row 2's batch from a later chunk
        [more[1].number, OTHER, "通过"],  # 10: good
    ]


def test_the_same_rows_and_reasons_as_row_by_row_and_nothing_written(world, users):
    rows = _mixed(world)
    before = _counts()
    bulk = run_import(
        dataclasses.replace(RESULTS, chunk_size=3), actor=users["hzadmin"], upload=xlsx(rows), commit=True
    )
    single = run_import(ROW_BY_ROW, actor=users["hzadmin"], upload=xlsx(rows), commit=True)

    assert _report(bulk) == _report(single)
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {3, 5, 6, 7, 8}
    assert errors[3] == "申报编号“2026-9999-99999”不存在"
    assert "与第 2 行重复" in errors[5]
    assert errors[6] == f"申报材料 {rows[4][0]} 为“评审通过”，只有“已受理”的才能接收评审情况"
    assert errors[7] == "初定、认定类评审活动由职改办审批，不导入评审情况"
    assert errors[8] == f"申报编号“{rows[6][0]}”不在您的管辖范围内"
    assert {r.number: r.result["结果"] for r in bulk.rows if not r.errors} == {
        2: "通过",
        4: "未通过",
        9: "未通过",
        10: "通过",
    }
    assert not bulk.committed and not single.committed
    assert _counts() == before
    assert Declaration.objects.get(pk=world["teacher"].pk).status == Status.ACCEPTED


def _counts() -> tuple[int, ...]:
    return (
        ResultEntry.objects.count(),
        ResultBatch.objects.count(),
        ReviewRecord.objects.count(),
        AuditEvent.objects.count(),
        Declaration.objects.filter(status=Status.ACCEPTED).count(),
    )


def _rolled_back(spec, actor, rows):
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        result = run_import(spec, actor=actor, upload=xlsx(rows), commit=True)
        written = _written(first)
        transaction.set_rollback(True)
    return result, written


def _written(after: int) -> tuple[list, ...]:
    batches = sorted(ResultBatch.objects.values_list("round_id", "committee_name", "source", "status", "office_id"))
    entries = sorted(
        ResultEntry.objects.values_list(
            "batch__committee_name",
            "declaration_id",
            "person_name",
            "employer_name",
            "series_name",
            "qualification_code",
            "qualification_name",
            "level_name",
            "outcome",
            "note",
        )
    )
    declarations = sorted(Declaration.objects.values_list("pk", "status", "current_org_id", "version"))
    records = sorted(
        ReviewRecord.objects.filter(level="职改办").values_list(
            "declaration_id",
            "organisation_id",
            "actor_id",
            "actor_name",
            "action",
            "from_status",
            "to_status",
            "reason",
        )
    )
    audit = sorted(
        repr((e.action, e.actor_id, e.organisation_id, e.object_type, e.object_id, e.object_repr, e.before, e.reason))
        + repr(sorted((k, v) for k, v in (e.after or {}).items() if k != "record"))
        for e in AuditEvent.objects.filter(id__gt=after)
    )
    return batches, entries, declarations, records, audit


def test_a_clean_file_writes_what_row_by_row_writes(world, users):
    rows = [r for n, r in enumerate(_mixed(world), start=2) if n in {2, 4, 9, 10}]
    single, by_rows = _rolled_back(ROW_BY_ROW, users["hzadmin"], rows)
    assert single.committed
    assert len(by_rows[4]) == 4 + 1  # a declaration.record_* row each, and the import's summary
    for chunk_size in (1, 3, 1000):
        bulk, written = _rolled_back(dataclasses.replace(RESULTS, chunk_size=chunk_size), users["hzadmin"], rows)
        assert bulk.committed and _report(bulk) == _report(single)
        assert written == by_rows
    # The 审核记录 the audit row names is the declaration's own.
    with transaction.atomic():
        run_import(RESULTS, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
        event = AuditEvent.objects.filter(action="declaration.record_pass").order_by("-id").first()
        record = ReviewRecord.objects.get(pk=event.after["record"])
        assert str(record.declaration_id) == event.object_id and record.action == "record_pass"
        transaction.set_rollback(True)


def test_the_queries_do_not_grow_with_the_rows(world, users):
    actor = User.objects.select_related("organisation").get(username="hzadmin")
    counts = {}
    pool = clones(world["teacher"], 555)
    # The first import also reads what the actor's roles cache.
    for size, declarations in ((5, pool[:5]), (50, pool[5:55]), (500, pool[55:])):
        rows = [[d.number, COMMITTEE, "通过" if n % 2 else "未通过"] for n, d in enumerate(declarations)]
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            result = run_import(RESULTS, actor=actor, upload=xlsx(rows), commit=True)
            assert result.committed, [r.errors for r in result.rows if r.errors][:3]
            assert ResultEntry.objects.filter(declaration__in=declarations).count() == size
            assert ReviewRecord.objects.filter(declaration__in=declarations, level="职改办").count() == size
            assert AuditEvent.objects.filter(
                action__startswith="declaration.record_", object_id=str(declarations[-1].pk)
            ).exists()
            transaction.set_rollback(True)
        counts[size] = len(queries.captured_queries)
    if connection.vendor == "postgresql":
        assert counts[50] == counts[500]
    else:  # SQLite: at most 999 parameters per statement, so the INSERTs and the UPDATE (a CASE per column) of
        # 500 rows take more statements than those of 50; still a count per 999 values, not per row
        assert counts[500] - counts[50] <= 20
    assert counts[500] <= 50


def test_a_committee_name_with_a_hidden_character_is_that_rows_error_on_both_paths(world, users):
    teacher, applicant = world["teacher"], world["applicant"]
    rows = [[teacher.number, "杭州市\u202e评委会", "通过"], [applicant.number, OTHER, "通过"]]
    before = _counts()
    bulk = run_import(RESULTS, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
    single = run_import(ROW_BY_ROW, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
    assert _report(bulk) == _report(single)
    assert {r.number: "；".join(r.errors) for r in bulk.rows if r.errors} == {
        2: "评委会名称含有不可见的控制字符，请删除后重新输入"
    }
    assert not bulk.committed and _counts() == before
