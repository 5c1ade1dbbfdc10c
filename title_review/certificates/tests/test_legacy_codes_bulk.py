"""导入原系统单位代码 through the bulk path (ADR 0045) reports what the row-by-row path reports, row for row,
and writes what it writes; its queries do not grow with the rows."""

import dataclasses

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from title_review.audit.models import AuditEvent
from title_review.certificates.imports import LEGACY_CODES
from title_review.certificates.models import LegacyOrganisationCode
from title_review.core.importing import run_import
from title_review.organisations.models import Organisation, OrganisationKind, encode_step

from .test_legacy_codes import xlsx

ROW_BY_ROW = dataclasses.replace(LEGACY_CODES, bulk=None)
CREDIT = "91330106MA2CXYKL3B"  # 18 characters of the right alphabet (the check digit is only warned about)


def _report(result) -> list[tuple]:
    return [(r.number, list(r.errors), dict(r.result or {})) for r in result.rows]


def _mixed(orgs) -> list[list]:
    city = orgs["杭州市职称工作领导小组办公室"].code
    return [
        ["主管单位代码", "0301", "杭州市卫生健康委员会", city, "", ""],  # 2: mapped (kept before: no change)
        ["主管单位代码", "0399", "杭州市体育局", city, "330100 杭州市", ""],  # 3: created
        ["单位代码", "030101", "杭州市第一人民医院", "0301", "", ""],  # 4: parent by the old code kept before
        [
            "单位代码",
            "039901",
            "杭州市体育运动学校",
            "0399",
            "330106",
            "",
        ],  # 5: under row 3's new department (next chunk)
        ["主管单位代码", "0302", "杭州市教育局", city, "", ""],  # 6: mapped
        ["主管单位代码", "0303", "杭州市教育局", city, "", ""],  # 7: row 6 gave it its 主管单位代码 already
        ["主管单位代码", "0301", "杭州市教育局", city, "", ""],  # 8: repeats row 2 (caught while reading)
        ["主管单位代码", "0398", "杭州市卫生健康委员会", city, "", ""],  # 9: it has 0301 already (in the database)
        ["单位代码", "990101", "某单位", "9999", "330106", ""],  # 10: no such parent
        ["单位代码", "030199", "杭州市教育局", city, "", ""],  # 11: a department cannot take a 单位代码
        ["单位代码", "030198", "杭州市新单位", city, "", ""],  # 12: new, but no region to create it with
        [
            "主管单位代码",
            "0397",
            "浙江省某厅",
            orgs["浙江省职称工作领导小组办公室"].code,
            "330000",
            "",
        ],  # 13: out of scope
        ["单位代码", "030196", "杭州某公司", city, "330106", "ABC"],  # 14: a malformed credit code
        ["单位代码", "030195", "杭州甲公司", city, "330106", CREDIT],  # 15: created with a credit code
        [
            "单位代码",
            "030194",
            "杭州甲公司（更名）",
            city,
            "",
            CREDIT,
        ],  # 16: row 15's company (by its credit code) has its code
        ["单位代码", "039902", "杭州市体育运动学校", "0399", "", ""],  # 17: row 5's school has its 单位代码
        [
            "单位代码",
            "0302",
            "杭州市体育运动学校二部",
            "0302",
            "330106",
            "",
        ],  # 18: a new employer under row 6's department
    ]


def _kept_before(users, orgs) -> None:
    city = orgs["杭州市职称工作领导小组办公室"].code
    done = run_import(
        ROW_BY_ROW,
        actor=users["hzadmin"],
        upload=xlsx([["主管单位代码", "0301", "杭州市卫生健康委员会", city, "", ""]]),
        commit=True,
    )
    assert done.committed


def _rolled_back(spec, actor, rows):
    """The import committed, then undone (so that both paths start from the same database and number the
    organisations they create alike), with what it wrote."""
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        result = run_import(spec, actor=actor, upload=xlsx(rows), commit=True)
        written = _written(first)
        transaction.set_rollback(True)
    return result, written


def _written(after: int) -> tuple[list, list, list]:
    mappings = sorted(LegacyOrganisationCode.objects.values_list("kind", "code", "organisation__code"))
    named = sorted(
        Organisation.objects.filter(legacy_codes__isnull=False)
        .distinct()
        .values_list("code", "name", "kind", "parent__code", "path", "credit_code", "region__code")
    )
    # The bulk path writes a chunk's code rows after the organisations it created: compare as sets.
    audit = sorted(
        repr((e.action, e.actor_id, e.organisation_name, e.object_type, e.object_repr, e.after))
        for e in AuditEvent.objects.filter(id__gt=after)
    )
    return mappings, named, audit


def test_the_same_rows_and_reasons_as_row_by_row_and_nothing_written(users, orgs):
    _kept_before(users, orgs)
    actor = users["hzadmin"]
    codes, organisations, audit = (
        LegacyOrganisationCode.objects.count(),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    )
    bulk = run_import(
        dataclasses.replace(LEGACY_CODES, chunk_size=3), actor=actor, upload=xlsx(_mixed(orgs)), commit=True
    )
    single = run_import(ROW_BY_ROW, actor=actor, upload=xlsx(_mixed(orgs)), commit=True)

    assert _report(bulk) == _report(single)
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {7, 8, 9, 10, 11, 12, 13, 14, 16, 17}
    assert errors[7] == "“杭州市教育局”已对应原系统主管单位代码“0302”"
    assert "与第 2 行重复" in errors[8]
    assert errors[9] == "“杭州市卫生健康委员会”已对应原系统主管单位代码“0301”"
    assert "上级机构代码“9999”不存在" in errors[10]
    assert "不能对应原系统单位代码" in errors[11]
    assert "新建时须填写所在地代码" in errors[12]
    assert "不在您的管辖范围内" in errors[13]
    assert "统一社会信用代码应为 18 位" in errors[14]
    assert errors[16] == "“杭州甲公司”已对应原系统单位代码“030195”"
    assert errors[17] == "“杭州市体育运动学校”已对应原系统单位代码“039901”"
    outcomes = {r.number: r.result.get("处理") for r in bulk.rows if not r.errors}
    assert outcomes == {
        2: "已对应，无变化",
        3: "新建机构",
        4: "对应已有机构",
        5: "新建机构",
        6: "对应已有机构",
        15: "新建机构",
        18: "新建机构",
    }
    assert not bulk.committed and not single.committed
    assert (LegacyOrganisationCode.objects.count(), Organisation.objects.count(), AuditEvent.objects.count()) == (
        codes,
        organisations,
        audit,
    )


def test_a_clean_file_writes_what_row_by_row_writes_with_its_audit_rows(users, orgs):
    _kept_before(users, orgs)
    actor = users["hzadmin"]
    rows = [r for n, r in enumerate(_mixed(orgs), start=2) if n not in {7, 8, 9, 10, 11, 12, 13, 14, 16, 17}]
    single, by_rows = _rolled_back(ROW_BY_ROW, actor, rows)
    assert single.committed
    assert len(by_rows[2]) == 4 + 6  # 4 organisations created, 6 codes kept: an audit row each
    for chunk_size in (1, 2, 1000):
        bulk, written = _rolled_back(dataclasses.replace(LEGACY_CODES, chunk_size=chunk_size), actor, rows)
        assert bulk.committed and _report(bulk) == _report(single)
        assert written == by_rows


def test_the_queries_do_not_grow_with_the_rows(users, orgs):
    department = Organisation.objects.get(pk=orgs["杭州市卫生健康委员会"].pk)
    employers = [
        Organisation(
            name=f"测试单位{n}",
            code=f"T{n:06d}",
            kind=OrganisationKind.EMPLOYER,
            parent=department,
            path=department.path + encode_step(department.child_counter + 1 + n),
            depth=department.depth + 1,
            region_id=department.region_id,
        )
        for n in range(500)
    ]
    Organisation.objects.bulk_create(employers)
    counts = {}
    for size in (5, 50, 500):  # the first import also reads what the actor's roles cache
        rows = [["单位代码", f"T{size}-{n}", f"测试单位{n}", "0301", "", ""] for n in range(size)]
        rows.insert(
            0, ["主管单位代码", "0301", "杭州市卫生健康委员会", orgs["杭州市职称工作领导小组办公室"].code, "", ""]
        )
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            result = run_import(LEGACY_CODES, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
            assert result.committed, [r.errors for r in result.rows if r.errors][:3]
            assert LegacyOrganisationCode.objects.filter(code__startswith=f"T{size}-").count() == size
            assert AuditEvent.objects.filter(action="organisation.legacy_code", after__code="T000000").exists()
            transaction.set_rollback(True)
        counts[size] = len(queries.captured_queries)
    if connection.vendor == "postgresql":
        assert counts[50] == counts[500]
    else:  # SQLite: at most 999 parameters per INSERT, so 500 rows take a few more statements
        assert counts[500] - counts[50] <= 12
    assert counts[500] <= 40
