"""导入证书信息 through the bulk path (ADR 0026) reports what the row-by-row path reports, row for row.

The same file runs through the import as shipped (chunks through `record_certificates`) and through a
copy of its spec without `bulk` (every row through `record_certificate`, as before issue 12): the rows,
their reasons and what they show must be identical, and nothing is written unless every row is clean.
"""

import dataclasses
import datetime as dt
import math
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.audit.models import AuditEvent
from title_review.certificates import services
from title_review.certificates.imports import CERTIFICATES
from title_review.certificates.models import Certificate
from title_review.core.identity import check_digit
from title_review.core.importing import run_import

from .test_certificates import ISSUER, cert_row, cert_rows, identity, xlsx

ROW_BY_ROW = dataclasses.replace(CERTIFICATES, bulk=None)


def _report(result) -> list[tuple]:
    return [(r.number, list(r.errors), dict(r.result or {})) for r in result.rows]


def _both(actor, rows, *, chunk_size=4, commit=True):
    bulk = run_import(
        dataclasses.replace(CERTIFICATES, chunk_size=chunk_size), actor=actor, upload=xlsx(rows), commit=commit
    )
    single = run_import(ROW_BY_ROW, actor=actor, upload=xlsx(rows), commit=commit)
    return bulk, single


def _mixed_rows(orgs) -> list[list]:
    rows = cert_rows(14)
    rows[1] = list(rows[0])  # Excel row 3: the same certificate as row 2 (caught while reading)
    # Rows 4 and 5 (one chunk) and 13 (a later chunk): numbers that differ only in inner spaces, which
    # the service folds — not duplicates while reading, refused by the service on the later rows.
    rows[2][5], rows[3][5], rows[11][5] = "DUP  7", "DUP 7", "DUP   7"
    rows[5][5] = "ZJ0000000001"  # row 7: recorded before the import
    rows[6][7] = orgs["杭州市第一人民医院"].code  # row 8: out of 西湖区's scope
    rows[7][2] = identity(8)[:17] + ("0" if identity(8)[17] != "0" else "1")  # row 9: bad check digit
    rows[9][4] = "2099-01-01"  # row 11, in the middle of the third chunk: refused by the service
    rows[10][0] = "李\u202e四"  # row 12: an invisible control character in the name
    rows[12][7] = orgs["杭州西湖数智科技有限公司"].code  # row 14: in scope, owned by the company
    return rows


def test_the_same_rows_and_reasons_as_row_by_row_and_nothing_written(users, orgs):
    actor = users["xhadmin"]
    services.record_certificate(
        actor=users["zjadmin"],
        organisation_id=orgs["西湖区职称工作领导小组办公室"].pk,
        person_name="已有",
        id_type="01",
        id_number=identity(99),
        qualification=_qualification(),
        obtained_on=_day(),
        number="ZJ0000000001",
        issuing_body=ISSUER,
    )
    certificates, audit = Certificate.objects.count(), AuditEvent.objects.count()

    bulk, single = _both(actor, _mixed_rows(orgs))

    assert _report(bulk) == _report(single)
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {3, 5, 7, 8, 9, 11, 12, 13}
    assert "与第 2 行重复" in errors[3]
    assert errors[5] == errors[13] == "证书编号 DUP 7 已由“浙江省人力资源和社会保障厅”登记，不能重复登记"
    assert "证书编号 ZJ0000000001 已由" in errors[7]
    assert "不在您的管辖范围内" in errors[8]
    assert "证件号码校验位不正确" in errors[9]
    assert "取得资格时间 2099-01-01 不合理" in errors[11]
    assert "姓名含有不可见的控制字符" in errors[12]
    assert bulk.rows[12].result == {"资格名称": "副教授", "所属机构": "杭州西湖数智科技有限公司"}
    assert not bulk.committed and not single.committed
    assert (Certificate.objects.count(), AuditEvent.objects.count()) == (certificates, audit)


@pytest.mark.parametrize("chunk_size", [1, 3, 1000])
def test_a_clean_file_writes_what_row_by_row_writes(users, orgs, chunk_size):
    actor = users["hzadmin"]
    rows = cert_rows(10)
    rows[4][7] = orgs["杭州市第一人民医院"].code
    single = run_import(ROW_BY_ROW, actor=actor, upload=xlsx(rows), commit=True)
    assert single.committed
    by_rows = _written()
    Certificate.objects.all().delete()  # the audit rows stay (append-only): compare the new ones only
    first_audit = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    bulk = run_import(
        dataclasses.replace(CERTIFICATES, chunk_size=chunk_size), actor=actor, upload=xlsx(rows), commit=True
    )
    assert bulk.committed and _report(bulk) == _report(single)
    assert _written(after=first_audit) == by_rows


def _written(after=None) -> tuple[list, list]:
    skipped = {"id", "created_at", "updated_at", "imported_at"}
    certificates = [
        {f.attname: getattr(c, f.attname) for f in Certificate._meta.concrete_fields if f.name not in skipped}
        for c in Certificate.objects.order_by("number")
    ]
    events = AuditEvent.objects.filter(action__startswith="certificate.").order_by("id")
    if after is not None:
        events = events.filter(id__gt=after)
    audit = [
        (e.action, e.actor_id, e.organisation_id, e.organisation_name, e.object_type, e.object_repr, e.after)
        for e in events
    ]
    return certificates, audit


def test_a_concurrent_insert_between_check_and_insert_falls_back_to_row_by_row(users, orgs):
    """Another session records row 6's number after the chunk's check read the database: the bulk
    INSERT meets the unique constraint, the chunk is rolled back and run row by row, and row 6 gets
    its own reason — the one it would have had if the other session had been quicker."""
    actor = users["hzadmin"]
    rows = cert_rows(8)
    services.record_certificate(
        actor=actor,
        organisation_id=orgs["杭州市职称工作领导小组办公室"].pk,
        person_name="他人",
        id_type="01",
        id_number=identity(98),
        qualification=_qualification(),
        obtained_on=_day(),
        number=rows[4][5],
        issuing_body=ISSUER,
    )
    certificates = Certificate.objects.count()
    spec = dataclasses.replace(CERTIFICATES, chunk_size=3)
    with (
        mock.patch.object(services, "_recorded_numbers", return_value=set()) as blind,
        mock.patch.object(services, "record_certificate", wraps=services.record_certificate) as one_by_one,
    ):
        result = run_import(spec, actor=actor, upload=xlsx(rows), commit=True)
    assert blind.call_count == 3  # one check per chunk
    assert one_by_one.call_count == 3  # only the chunk that failed ran row by row
    errors = {r.number: r.errors for r in result.rows if r.errors}
    assert errors == {6: [f"证书编号 {rows[4][5]} 已由“{ISSUER}”登记，不能重复登记"]}
    assert [r.result for r in result.rows if r.number in (5, 7)] == [
        {"资格名称": "副教授", "所属机构": "杭州市职称工作领导小组办公室"}
    ] * 2
    assert not result.committed and Certificate.objects.count() == certificates


def test_a_2000_row_commit_costs_queries_per_chunk_not_per_row(users, seeded):
    actor = type(users["hzadmin"]).objects.select_related("organisation").get(username="hzadmin")
    reads, writes = {}, {}
    for size in (1000, 2000):
        Certificate.objects.all().delete()
        upload = xlsx([_many_row(n) for n in range(size)])
        with CaptureQueriesContext(connection) as queries:
            result = run_import(CERTIFICATES, actor=actor, upload=upload, commit=True)
        assert result.committed and Certificate.objects.count() == size
        sql = [q["sql"] for q in queries.captured_queries]
        writes[size] = sum(q.startswith(("INSERT", "COPY")) for q in sql)
        reads[size] = len(sql) - writes[size]
    # A second chunk of 1,000 rows adds a few queries of its own (the 级别 names, the numbers already
    # recorded, the keys taken from the sequence on PostgreSQL, its savepoints), never one per row.
    assert reads[2000] - reads[1000] <= 8 and reads[2000] <= 25
    # Per chunk: the certificates and their audit rows, one COPY each on PostgreSQL; and the summary row.
    if connection.vendor == "postgresql":
        assert writes[2000] == 2 * 2 + 1
    else:  # SQLite takes at most 999 parameters per statement: 999 // (its columns but id) certificates, 76 audit rows
        per_insert = 999 // (len(Certificate._meta.concrete_fields) - 1)
        assert writes[2000] <= 2 * (math.ceil(1000 / per_insert) + math.ceil(1000 / 76)) + 1


def test_the_chunk_runner_asks_for_one_outcome_per_row(users, seeded):
    spec = dataclasses.replace(CERTIFICATES, bulk=lambda ctx, rows: [])
    with pytest.raises(RuntimeError, match="bulk returned 0 outcomes for 2 rows"):
        run_import(spec, actor=users["hzadmin"], upload=xlsx([cert_row(1), cert_row(2)]), commit=False)


def _many_row(n: int) -> list:
    first17 = f"330102{dt.date(1970, 1, 1) + dt.timedelta(days=n):%Y%m%d}001"
    return [
        f"持证人{n}",
        "居民身份证",
        first17 + check_digit(first17),
        "0102 副教授",
        "2015-12-31",
        f"M{n:06d}",
        ISSUER,
        "",
    ]


def _qualification():
    from title_review.dictionaries.models import Entry

    return Entry.objects.select_related("type", "parent").get(type__code=services.QUALIFICATION, code="0102")


def _day():
    return dt.date(2015, 12, 31)
