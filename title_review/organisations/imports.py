"""Excel imports of the organisation side, on the one import mechanism (core.importing):
机构 (with their administrators), 工作账号 (批量新增账号) and 单位工作人员.

Each row calls the service the pages call: create_organisation_with_admin, create_sub_account,
add_staff; the rows go in chunks through those services' bulk forms (create_organisations_with_admins,
create_sub_accounts, add_staff_many: the same checks and messages, one INSERT per table, ADR 0044).
Codes and identity numbers are looked up in bulk before the rows run.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from title_review.access.policies import require
from title_review.accounts.models import AccountKind, SubAccountPermission, User
from title_review.audit.services import record_event
from title_review.core.errors import DomainError, NotAllowed
from title_review.core.importing import Column, ImportContext, ImportRow, ImportSpec, Kind, Outcome, run_import
from title_review.dictionaries.models import Entry

from . import employers, services
from .codes import normalise_credit_code
from .models import Organisation, OrganisationKind

# ---- shared lookups -----------------------------------------------------------------------------


def organisations_by_code(codes: Collection[str]) -> Mapping[str, Organisation]:
    return {o.code: o for o in Organisation.objects.filter(code__in=codes)}


def regions_by_code(codes: Collection[str]) -> Mapping[str, Entry]:
    return {e.code: e for e in Entry.objects.filter(type__code="region", code__in=codes, is_active=True)}


def region_dropdown() -> list[str]:
    return [
        f"{code} {name}"
        for code, name in Entry.objects.filter(type__code="region", is_active=True)
        .order_by("code")
        .values_list("code", "name")
    ]


def id_type_choices() -> dict[str, str]:
    """证件类型 by name (the dropdown) -> code; the code alone is accepted too."""
    return dict(
        Entry.objects.filter(type__code="id_type", is_active=True)
        .order_by("sort_order", "code")
        .values_list("name", "code")
    )


def _own_employer(actor: Any, _options: dict[str, Any]) -> Organisation:
    employer = getattr(actor, "organisation", None)
    if employer is None:
        raise NotAllowed("只有单位管理员可以导入。")
    require(actor, "employer.manage", employer)
    return employer


# ---- 导入机构 -------------------------------------------------------------------------------------


def _start_organisations(actor: Any, _options: dict[str, Any]) -> None:
    require(actor, "organisation.import")


def _organisation_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    data = row.data
    _code, warning = normalise_credit_code(data["credit_code"] or "")
    if warning:
        row.warnings.append(warning)
    org, admin, password = services.create_organisation_with_admin(actor=ctx.actor, **vars(_new_organisation(data)))
    return {"机构代码": org.code, "管理员": admin.username, "一次性密码": password}


def _new_organisation(data: dict[str, Any]) -> services.NewOrganisation:
    """A row's cleaned cells as the service's input (the row and the bulk path alike)."""
    return services.NewOrganisation(
        parent_id=data["parent"].pk,
        name=data["name"],
        kind=data["kind"],
        region=data["region"],
        admin_username=data["admin_username"],
        admin_real_name=data["admin_real_name"] or "",
        credit_code=data["credit_code"] or "",
        contact_person=data["contact_person"] or "",
        contact_phone=data["contact_phone"] or "",
    )


def _organisation_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through create_organisations_with_admins: the same checks and messages as
    `_organisation_row`, one INSERT per table (ADR 0044)."""
    outcomes: list[Outcome] = [None] * len(rows)
    items: list[tuple[int, services.NewOrganisation]] = []
    for index, row in enumerate(rows):
        data = row.data
        try:
            _code, warning = normalise_credit_code(data["credit_code"] or "")
        except DomainError as exc:  # as in _organisation_row: refused before the service runs
            outcomes[index] = exc
            continue
        if warning:
            row.warnings.append(warning)
        items.append((index, _new_organisation(data)))
    created = services.create_organisations_with_admins(actor=ctx.actor, items=[item for _i, item in items])
    for (index, _item), outcome in zip(items, created, strict=True):
        if isinstance(outcome, Exception):
            outcomes[index] = outcome
        else:
            org, admin, password = outcome
            outcomes[index] = {"机构代码": org.code, "管理员": admin.username, "一次性密码": password}
    return outcomes


def _organisations_done(ctx: ImportContext, rows: list[ImportRow]) -> None:
    record_event(actor=ctx.actor, action="organisation.import", after={"rows": len(rows)})


ORGANISATIONS = ImportSpec(
    key="organisations.organisations",
    title="导入机构",
    sheet="机构",
    noun="个机构",
    template_filename="机构导入模板.xlsx",
    columns=(
        Column(
            "上级机构代码",
            "parent",
            Kind.LOOKUP,
            required=True,
            lookup=organisations_by_code,
            note="已在系统中的机构代码（机构树中可查）；本文件新增机构的代码导入后才生成，不能在同一文件中引用。",
        ),
        Column("机构名称", "name", required=True, max_length=200),
        Column(
            "机构类型",
            "kind",
            Kind.CHOICE,
            required=True,
            choices={str(label): value for value, label in OrganisationKind.choices},
        ),
        Column(
            "所在地代码",
            "region",
            Kind.LOOKUP,
            required=True,
            lookup=regions_by_code,
            dropdown=region_dropdown,
            unknown="{header}“{value}”不是有效的行政区划代码",
            note="从下拉列表选择，或填写 6 位行政区划代码。",
            example="330106 西湖区",
        ),
        Column("统一社会信用代码", "credit_code", max_length=18),
        Column("管理员登录名", "admin_username", required=True, max_length=30, note="字母和数字，4 到 30 位。"),
        Column("管理员姓名", "admin_real_name", max_length=50),
        Column("联系人", "contact_person", max_length=50),
        Column("联系电话", "contact_phone", max_length=30),
    ),
    row=_organisation_row,
    bulk=_organisation_rows,
    start=_start_organisations,
    finish=_organisations_done,
    notes=("管理员登录名：导入成功后页面显示各管理员的一次性密码，只显示一次，首次登录须修改。",),
    scope_error="上级机构“{上级机构代码}”不在您的管辖范围内",
    display=("机构名称", "机构类型", "上级机构代码"),
    result_headers=("机构代码", "管理员", "一次性密码"),
    secret_headers=("一次性密码",),
    background=False,  # the one-time passwords are shown once and never stored in a result file
    max_rows=2000,
    success="导入完成，共 {count} {noun}。",
)


# ---- 导入经办账号 (批量新增账号) ---------------------------------------------------------------------

PERMISSION_COLUMNS = tuple(
    Column(str(label), f"perm_{value}", Kind.TICK, note=f"是否授予“{label}”权限：是 / 否。")
    for value, label in SubAccountPermission.choices
)


def _sub_account_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    permissions = [value for value in SubAccountPermission.values if row.data.get(f"perm_{value}")]
    user, password = employers.create_sub_account(
        actor=ctx.actor,
        employer_id=ctx.state.pk,
        username=row.data["username"],
        real_name=row.data["real_name"] or "",
        permissions=permissions,
    )
    return {"登录名": user.username, "一次性密码": password}


def _sub_account_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through create_sub_accounts: the same checks and messages as `_sub_account_row`,
    one INSERT per table (ADR 0044)."""
    items = [
        employers.SubAccountInput(
            username=row.data["username"],
            real_name=row.data["real_name"] or "",
            permissions=[value for value in SubAccountPermission.values if row.data.get(f"perm_{value}")],
        )
        for row in rows
    ]
    outcomes = employers.create_sub_accounts(actor=ctx.actor, employer_id=ctx.state.pk, items=items)
    return [
        outcome if isinstance(outcome, Exception) else {"登录名": outcome[0].username, "一次性密码": outcome[1]}
        for outcome in outcomes
    ]


SUB_ACCOUNTS = ImportSpec(
    key="organisations.sub_accounts",
    title="导入经办账号",
    sheet="工作账号",
    noun="个工作账号",
    template_filename="工作账号导入模板.xlsx",
    columns=(
        Column(
            "登录名",
            "username",
            required=True,
            max_length=30,
            note="字母和数字，4 到 30 位，不能与已有登录名重复。",
            example="hosp001",
        ),
        Column("姓名", "real_name", max_length=50, note="使用人姓名。", example="张三"),
        *PERMISSION_COLUMNS,
    ),
    row=_sub_account_row,
    bulk=_sub_account_rows,
    start=_own_employer,
    unique=(("username",),),
    notes=(
        "权限各列填“是”即勾选该权限，至少勾选一项；建议勾选“修改本人信息”和“修改密码”。",
        "导入成功后页面显示各账号的一次性密码，只显示一次，首次登录须修改。",
    ),
    display=("登录名", "姓名"),
    result_headers=("一次性密码",),
    secret_headers=("一次性密码",),
    background=False,  # one-time passwords: shown once on the page, never stored in a result file
    max_rows=200,
)


# ---- 导入单位工作人员 --------------------------------------------------------------------------------


def _staff_prepare(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """One query for every person in the file: each must have a personal account under that
    证件类型 + 证件号码, with the name the file gives (the page shows the name to confirm)."""
    numbers = {r.data["id_number"] for r in rows}
    people = {
        (u.id_type, u.id_number): u
        for u in User.objects.filter(kind=AccountKind.PERSONAL, id_number__in=numbers, is_active=True)
    }
    for row in rows:
        person = people.get((row.data["id_type"], row.data["id_number"]))
        if person is None:
            row.fail(None, "没有找到该证件号码的个人账号：工作人员须先在个人申报系统注册")
        elif person.real_name != row.data["real_name"]:
            row.fail(None, "姓名与该证件号码注册的姓名不一致，请核对")


def _staff_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    employers.add_staff(actor=ctx.actor, employer_id=ctx.state.pk, id_number=row.data["id_number"])
    return {}


def _staff_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through add_staff_many: the same checks and messages as `_staff_row`, one INSERT
    per table (ADR 0044)."""
    outcomes = employers.add_staff_many(
        actor=ctx.actor, employer_id=ctx.state.pk, id_numbers=[row.data["id_number"] for row in rows]
    )
    return [outcome if isinstance(outcome, Exception) else {} for outcome in outcomes]


STAFF = ImportSpec(
    key="organisations.staff",
    title="导入单位工作人员",
    sheet="单位工作人员",
    noun="名工作人员",
    template_filename="单位工作人员导入模板.xlsx",
    columns=(
        Column("证件类型", "id_type", Kind.CHOICE, required=True, choices=id_type_choices, example="居民身份证"),
        Column(
            "证件号码",
            "id_number",
            Kind.IDENTITY,
            required=True,
            id_type_column="id_type",
            note="工作人员须先在个人申报系统注册；按证件类型校验（居民身份证 18 位，含校验位）。",
        ),
        Column("姓名", "real_name", required=True, max_length=50, note="须与个人账号注册的姓名一致。"),
    ),
    row=_staff_row,
    bulk=_staff_rows,
    start=_own_employer,
    prepare=_staff_prepare,
    unique=(("id_type", "id_number"),),
    display=("姓名", "证件类型", "证件号码"),
)


# ---- 导入机构 as a function (management commands and tests): the rows with what each created


@dataclass
class OrganisationImportRow:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    code: str = ""
    admin_username: str = ""
    one_time_password: str = ""


@dataclass
class OrganisationImportResult:
    rows: list[OrganisationImportRow]
    committed: bool

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


IMPORT_HEADERS = [
    "上级机构代码",
    "机构名称",
    "机构类型",
    "所在地代码",
    "统一社会信用代码",
    "管理员登录名",
    "管理员姓名",
    "联系人",
    "联系电话",
]
IMPORT_REQUIRED = ["上级机构代码", "机构名称", "机构类型", "所在地代码", "管理员登录名"]


def import_organisations(*, actor: Any, upload: Any, commit: bool) -> OrganisationImportResult:
    """Import organisations (with their administrators) from the Excel template (导入机构).

    Runs on the one import mechanism (core.importing, spec `ORGANISATIONS` above): every row through
    create_organisation_with_admin inside one transaction; the dry run, or any bad row, rolls
    everything back: all or nothing.
    """
    result = run_import(ORGANISATIONS, actor=actor, upload=upload, commit=commit)
    rows = [
        OrganisationImportRow(
            number=r.number,
            values=r.values,
            errors=r.errors,
            warnings=r.warnings,
            code=r.result.get("机构代码", ""),
            admin_username=r.result.get("管理员", ""),
            one_time_password=r.result.get("一次性密码", ""),
        )
        for r in result.rows
    ]
    return OrganisationImportResult(rows=rows, committed=result.committed)
