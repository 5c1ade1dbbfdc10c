"""导入机构, 导入经办账号 and 导入单位工作人员 through their bulk forms (ADR 0044) report what the row-by-row
path reports, row for row, and write nothing unless every row is clean.

The same file runs through the import as shipped (chunks through create_organisations_with_admins,
create_sub_accounts, add_staff_many) and through a copy of its spec without `bulk` (every row through the
one-row service, as before): the rows, their reasons and what they show must be identical. Small chunks
(3 rows) make a file span several chunks, so a duplicate in a later chunk meets a row of an earlier one.
"""

import dataclasses
from unittest import mock

from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import AccountKind, User
from title_review.audit.models import AuditEvent
from title_review.core.importing import run_import
from title_review.organisations import services
from title_review.organisations.imports import ORGANISATIONS, STAFF, SUB_ACCOUNTS
from title_review.organisations.models import EmployerStaff, Organisation, UnitMembership

from .test_employer_imports import STAFF_HEADERS, SUB_HEADERS, identity, sub_rows, xlsx
from .test_import import IMPORT_HEADERS

ORG_HEADERS = ["*" + h if h in ORGANISATIONS.required_headers else h for h in IMPORT_HEADERS]
SECRET = "一次性密码"


def _report(result) -> list[tuple]:
    """Each row as the user reads it; the one-time password is random, so only whether there is one."""
    return [
        (
            r.number,
            list(r.errors),
            list(r.warnings),
            {k: (bool(v) if k == SECRET else v) for k, v in (r.result or {}).items()},
        )
        for r in result.rows
    ]


def _both(spec, actor, headers, rows, *, commit=True, chunk_size=3):
    bulk = run_import(
        dataclasses.replace(spec, chunk_size=chunk_size), actor=actor, upload=xlsx(headers, rows), commit=commit
    )
    single = run_import(dataclasses.replace(spec, bulk=None), actor=actor, upload=xlsx(headers, rows), commit=commit)
    return bulk, single


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        EmployerStaff.objects.count(),
        UnitMembership.objects.count(),
        AuditEvent.objects.count(),
    )


# ---- 导入机构 -------------------------------------------------------------------------------------


def org_row(parent, name, username, *, kind="用人单位", region="330106 西湖区", credit="", admin="导入管理员"):
    return [parent, name, kind, region, credit, username, admin, "", ""]


def _mixed_organisation_rows(orgs) -> list[list]:
    wjw = orgs["杭州市卫生健康委员会"].code
    existing = Organisation.objects.filter(parent=orgs["杭州市卫生健康委员会"]).values_list("name", flat=True)[0]
    return [
        org_row(wjw, "批量医院01", "bulkorg01"),  # row 2: good
        org_row(wjw, "批量医院02", "bulkorg02", credit="91330106MA2B3C4D5X"),  # row 3: a check-digit warning
        org_row("999999999999", "无上级医院", "bulkorg03"),  # row 4: unknown parent code (reading)
        org_row(wjw, "批量医院01", "bulkorg04"),  # row 5: the name of row 2, in another chunk
        org_row(wjw, existing, "bulkorg05"),  # row 6: a name already under the parent
        org_row(orgs["杭州市教育局"].code, "越权学校", "bulkorg06"),  # row 7: out of wjwadmin's scope
        org_row(wjw, "批量医院07", "hzadmin"),  # row 8: a login name in use
        org_row(wjw, "批量医院08", "BULKORG01"),  # row 9: row 2's login name in other case (chunk 3)
        org_row(wjw, "批量医院09", "bulkorg09", credit="12345"),  # row 10: a malformed credit code
        org_row(wjw, "批量医院10", "bulk10", kind="职改办"),  # row 11: not allowed under a department
        org_row(wjw, "批量医院11", "bulkorg11", admin="管理\u202e员"),  # row 12: an invisible character
        org_row(wjw, "批量医院12", "bad-name"),  # row 13: a login name with a hyphen
        org_row(wjw, "批量医院13", "bulkorg13"),  # row 14: good
    ]


def test_organisations_bulk_reports_the_same_rows_and_reasons_as_row_by_row_and_writes_nothing(users, orgs):
    before = _counts()
    bulk, single = _both(ORGANISATIONS, users["wjwadmin"], ORG_HEADERS, _mixed_organisation_rows(orgs))

    assert _report(bulk) == _report(single)
    assert not bulk.committed and not single.committed
    assert _counts() == before
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
    assert "不存在" in errors[4]
    assert errors[5] == "“杭州市卫生健康委员会”下已有名为“批量医院01”的机构"
    assert "下已有名为" in errors[6]
    assert "不在您的管辖范围内" in errors[7]
    assert errors[8] == "登录名“hzadmin”已被使用，请换一个"
    assert errors[9] == "登录名“BULKORG01”已被使用，请换一个"
    assert "统一社会信用代码应为 18 位" in errors[10]
    assert "下不能新增“职改办”" in errors[11]
    assert "管理员姓名含有不可见的控制字符" in errors[12]
    assert errors[13] == "登录名只能由字母和数字组成"
    assert "校验位不符" in bulk.rows[1].warnings[0]


def test_organisations_bulk_commit_gives_the_codes_paths_and_audit_rows_of_row_by_row(users, orgs):
    actor = users["wjwadmin"]
    wjw = orgs["杭州市卫生健康委员会"]
    rows = [org_row(wjw.code, f"批量医院{n:02d}", f"bulkorg{n:02d}") for n in range(1, 8)]
    rows[3] = org_row(orgs["杭州市卫生健康委员会"].code, "批量职改办", "bulkorg04", admin="")  # default admin name

    def written(result):
        created = Organisation.objects.filter(name__startswith="批量").order_by("path")
        return (
            [(o.name, o.code, o.path, o.depth, o.region.code) for o in created],
            Organisation.objects.get(pk=wjw.pk).child_counter,
            sorted(
                (
                    (e.action, e.object_repr, e.after, e.organisation_name)
                    for e in AuditEvent.objects.filter(action__in=("organisation.create", "account.create")).exclude(
                        pk__in=audit_before
                    )
                ),
                key=repr,
            ),
        )

    audit_before = list(AuditEvent.objects.values_list("pk", flat=True))
    with transaction.atomic():  # the row-by-row import, committed, then undone
        single = run_import(
            dataclasses.replace(ORGANISATIONS, bulk=None), actor=actor, upload=xlsx(ORG_HEADERS, rows), commit=True
        )
        assert single.committed
        expected = written(single)
        transaction.set_rollback(True)

    bulk = run_import(
        dataclasses.replace(ORGANISATIONS, chunk_size=3), actor=actor, upload=xlsx(ORG_HEADERS, rows), commit=True
    )
    assert bulk.committed
    assert _report(bulk) == _report(single)
    assert written(bulk) == expected
    assert len(expected[2]) == 2 * 7  # an organisation.create and an account.create per row
    assert AuditEvent.objects.filter(action="organisation.import", after={"rows": 7}).exists()
    for row in bulk.rows:  # each administrator signs in with the password shown once, and must change it
        admin = User.objects.get(username=row.result["管理员"])
        assert admin.organisation.code == row.result["机构代码"]
        assert admin.must_change_password and admin.kind == AccountKind.ORGANISATION
        assert check_password(row.result[SECRET], admin.password)
        assert RoleGrant.objects.filter(user=admin, role=Role.EMPLOYER_ADMIN, organisation=admin.organisation).exists()
    assert User.objects.get(username="bulkorg04").real_name == "批量职改办管理员"


def test_organisations_a_chunk_that_meets_a_concurrent_login_name_runs_again_row_by_row(users, orgs):
    """The login names are checked, then inserted: a name another session takes in between makes the
    chunk's insert fail; the chunk runs again row by row and reports that row as the page would."""
    wjw = orgs["杭州市卫生健康委员会"].code
    rows = [org_row(wjw, "批量医院01", "bulkorg01"), org_row(wjw, "批量医院02", "hzadmin")]
    before = _counts()
    with mock.patch.object(services, "usernames_in_use", return_value=set()):
        result = run_import(ORGANISATIONS, actor=users["wjwadmin"], upload=xlsx(ORG_HEADERS, rows), commit=True)
    assert {r.number: r.errors for r in result.rows if r.errors} == {3: ["登录名“hzadmin”已被使用，请换一个"]}
    assert result.rows[0].result["机构代码"] and not result.committed
    assert _counts() == before


def _writes_and_reads(spec, actor, upload) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = run_import(spec, actor=actor, upload=upload, commit=True)
    assert result.committed, result.summary()
    sql = [q["sql"] for q in queries.captured_queries]
    writes = sum(s.startswith(("INSERT", "COPY")) for s in sql)
    return writes, len(sql) - writes


def _same_queries(counts: dict[int, tuple[int, int]]) -> None:
    """The first, smallest import only warms the caches (policies, dictionaries, the actor's grants);
    the two after it must cost the same."""
    (_warm, (small_writes, small_reads), (big_writes, big_reads)) = counts.values()
    assert big_reads == small_reads  # lookups, locks, checks, key sequences, updates: not one per row
    if connection.vendor == "postgresql":  # one COPY per table (on SQLite, INSERTs of at most 999 values)
        assert big_writes == small_writes


def test_organisations_bulk_queries_do_not_grow_with_the_rows(users, orgs):
    actor = User.objects.select_related("organisation").get(username="wjwadmin")
    wjw = orgs["杭州市卫生健康委员会"].code
    counts = {}
    for size in (5, 50, 500):
        rows = [org_row(wjw, f"量{size}医院{n:03d}", f"q{size}org{n:03d}") for n in range(size)]
        counts[size] = _writes_and_reads(ORGANISATIONS, actor, xlsx(ORG_HEADERS, rows))
    _same_queries(counts)


# ---- 导入经办账号 -------------------------------------------------------------------------------


def test_sub_accounts_bulk_reports_the_same_rows_and_reasons_as_row_by_row_and_writes_nothing(users, orgs):
    rows = sub_rows(10)
    rows[1][0] = "HOSP0001"  # row 3: row 2's name in other case (caught while reading)
    rows[2][0] = "hzadmin"  # row 4: in use
    rows[4][2:] = ["否"] * 6  # row 6: no permission
    rows[5][0] = "护士长"  # row 7: not letters and digits
    rows[6][0] = "ab1"  # row 8: too short
    rows[8][1] = "使\u202e用人"  # row 10: an invisible character in the name
    before = _counts()
    bulk, single = _both(SUB_ACCOUNTS, users["hospitaladmin"], SUB_HEADERS, rows)

    assert _report(bulk) == _report(single)
    assert not bulk.committed and _counts() == before
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert errors == {
        3: errors[3],
        4: "登录名“hzadmin”已被使用，请换一个",
        6: "请至少勾选一项权限",
        7: "登录名只能由字母和数字组成",
        8: "登录名长度须为 4 到 30 位",
        10: errors[10],
    }
    assert "与第 2 行重复" in errors[3] and "含有不可见的控制字符" in errors[10]


def test_sub_accounts_bulk_commit_writes_accounts_grants_and_audit_rows(users, orgs):
    employer = orgs["杭州市第一人民医院"]
    before = AuditEvent.objects.filter(action="account.create").count()
    result = run_import(
        dataclasses.replace(SUB_ACCOUNTS, chunk_size=4),
        actor=users["hospitaladmin"],
        upload=xlsx(SUB_HEADERS, sub_rows(10)),
        commit=True,
    )
    assert result.committed
    created = User.objects.filter(organisation=employer, username__startswith="hosp0").order_by("username")
    assert [u.username for u in created] == [f"hosp{n:04d}" for n in range(1, 11)]
    for row, account in zip(result.rows, created, strict=True):
        assert row.result["登录名"] == account.username and check_password(row.result[SECRET], account.password)
        assert account.kind == AccountKind.SUB_ACCOUNT and account.must_change_password
        assert account.permissions == ["fill", "print", "view", "edit_profile", "change_password"]
        assert RoleGrant.objects.filter(user=account, role=Role.EMPLOYER_STAFF, organisation=employer).exists()
    audit = AuditEvent.objects.filter(action="account.create", object_id__in=[str(u.pk) for u in created])
    assert AuditEvent.objects.filter(action="account.create").count() == before + 10
    assert {(e.after["username"], e.organisation_id, e.actor_id) for e in audit} == {
        (u.username, employer.pk, users["hospitaladmin"].pk) for u in created
    }
    assert audit.first().after["permissions"] == ["fill", "print", "view", "edit_profile", "change_password"]


def test_sub_accounts_bulk_queries_do_not_grow_with_the_rows(users, orgs):
    actor = User.objects.select_related("organisation").get(username="hospitaladmin")
    counts = {}
    for size in (2, 20, 200):  # 200: the import's own cap
        rows = [[f"q{size}acc{n:03d}", f"使用人{n}", "是", "否", "是", "是", "是", "是"] for n in range(size)]
        counts[size] = _writes_and_reads(SUB_ACCOUNTS, actor, xlsx(SUB_HEADERS, rows))
    _same_queries(counts)


# ---- 导入单位工作人员 ------------------------------------------------------------------------------


def _people(first: int, count: int) -> list[User]:
    return User.objects.bulk_create(
        User(
            username=f"bulkperson{n:04d}",
            kind=AccountKind.PERSONAL,
            real_name=f"人员{n:04d}",
            id_type="01",
            id_number=_identity(n),
        )
        for n in range(first, first + count)
    )


def _identity(n: int) -> str:
    from title_review.core.identity import check_digit

    first17 = f"3301061986{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}{n // 336:03d}"
    return first17 + check_digit(first17)


def test_staff_bulk_reports_the_same_rows_and_reasons_as_row_by_row_and_writes_nothing(users, orgs):
    people = _people(1, 9)
    hospital = orgs["杭州市第一人民医院"]
    EmployerStaff.objects.create(employer=hospital, person=people[3])  # already on the staff list
    rows = [["居民身份证", p.id_number, p.real_name] for p in people]
    rows[1] = list(rows[0])  # row 3: the same person as row 2 (caught while reading)
    rows[5] = ["居民身份证", identity(900), "没注册"]  # row 7: no personal account
    rows[6][2] = "别人"  # row 8: not the registered name
    before = _counts()
    bulk, single = _both(STAFF, users["hospitaladmin"], STAFF_HEADERS, rows)

    assert _report(bulk) == _report(single)
    assert not bulk.committed and _counts() == before
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {3, 5, 7, 8}
    assert "与第 2 行重复" in errors[3]
    assert errors[5] == f"{people[3].real_name} 已是本单位工作人员"
    assert "没有找到该证件号码的个人账号" in errors[7]
    assert "姓名与该证件号码注册的姓名不一致" in errors[8]


def test_staff_bulk_commit_adds_staff_memberships_and_audit_rows(users, orgs):
    people = _people(1, 7)
    hospital = orgs["杭州市第一人民医院"]
    UnitMembership.objects.create(person=people[2], unit=hospital, started_on="2020-01-01", source="staff")
    result = run_import(
        dataclasses.replace(STAFF, chunk_size=3),
        actor=users["hospitaladmin"],
        upload=xlsx(STAFF_HEADERS, [["居民身份证", p.id_number, p.real_name] for p in people]),
        commit=True,
    )
    assert result.committed
    assert set(EmployerStaff.objects.filter(employer=hospital).values_list("person_id", flat=True)) >= {
        p.pk for p in people
    }
    links = UnitMembership.objects.filter(unit=hospital, person__in=people, ended_on__isnull=True)
    assert links.count() == 7  # the open link of people[2] kept, one new for each of the others
    assert links.get(person=people[0]).approved_by_name == users["hospitaladmin"].display_name
    audit = AuditEvent.objects.filter(action="staff.add", organisation_id=hospital.pk)
    assert sorted(e.after["person"] for e in audit) == [p.real_name for p in people]
    assert AuditEvent.objects.filter(action="staff.add", actor_id=users["hospitaladmin"].pk).count() == 7


def test_staff_bulk_queries_do_not_grow_with_the_rows(users, orgs):
    actor = User.objects.select_related("organisation").get(username="hospitaladmin")
    counts = {}
    for first, size in ((1, 5), (10, 50), (100, 500)):
        people = _people(first, size)
        upload = xlsx(STAFF_HEADERS, [["居民身份证", p.id_number, p.real_name] for p in people])
        counts[size] = _writes_and_reads(STAFF, actor, upload)
    _same_queries(counts)
