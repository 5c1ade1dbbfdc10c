"""接收原系统数据 on the one import mechanism (core.importing): 证书信息 and 主管单位代码 / 单位代码."""

from collections.abc import Collection, Mapping
from typing import Any

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.errors import NotAllowed
from title_review.core.importing import Column, ImportContext, ImportRow, ImportSpec, Kind, Outcome
from title_review.dictionaries.models import Entry
from title_review.organisations.imports import id_type_choices, region_dropdown, regions_by_code

from . import services
from .models import LegacyCodeKind
from .selectors import organisations_by_code_or_legacy

# ---- 证书信息 ------------------------------------------------------------------------------------


def qualifications_by_code(codes: Collection[str]) -> Mapping[str, Entry]:
    """资格名称 by code, disabled ones included (old certificates name titles since retired)."""
    return {
        e.code: e
        for e in Entry.objects.filter(type__code=services.QUALIFICATION, code__in=codes).select_related(
            "type", "parent"
        )
    }


def qualification_dropdown() -> list[str]:
    entries = Entry.objects.filter(type__code=services.QUALIFICATION, is_active=True).order_by("code")
    return [f"{code} {name}" for code, name in entries.values_list("code", "name")]


def _start_certificates(actor: Any, _options: dict[str, Any]) -> Any:
    require(actor, "certificate.import")
    if getattr(actor, "organisation", None) is None:
        raise NotAllowed("您的账号不属于任何机构，不能导入证书信息。")
    return actor.organisation


def _certificate_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    data = row.data
    owner = data["organisation"] or ctx.state
    certificate = services.record_certificate(
        actor=ctx.actor,
        organisation_id=owner.pk,
        person_name=data["person_name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        qualification=data["qualification"],
        obtained_on=data["obtained_on"],
        number=data["number"],
        issuing_body=data["issuing_body"],
    )
    return {"资格名称": certificate.qualification_name, "所属机构": owner.name}


def _certificate_input(ctx: ImportContext, row: ImportRow) -> services.CertificateInput:
    data = row.data
    return services.CertificateInput(
        organisation=data["organisation"] or ctx.state,
        person_name=data["person_name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        qualification=data["qualification"],
        obtained_on=data["obtained_on"],
        number=data["number"],
        issuing_body=data["issuing_body"],
    )


def _certificate_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through record_certificates: the same checks and messages, one INSERT each for
    the certificates and their audit rows."""
    outcomes = services.record_certificates(actor=ctx.actor, items=[_certificate_input(ctx, r) for r in rows])
    return [
        outcome
        if isinstance(outcome, Exception)
        else {"资格名称": outcome.qualification_name, "所属机构": outcome.organisation.name}
        for outcome in outcomes
    ]


def _certificates_done(ctx: ImportContext, rows: list[ImportRow]) -> None:
    record_event(actor=ctx.actor, action="certificate.import", after={"rows": len(rows)})


CERTIFICATES = ImportSpec(
    key="certificates.certificates",
    title="导入证书信息",
    sheet="证书信息",
    noun="条证书信息",
    template_filename="证书信息导入模板.xlsx",
    columns=(
        Column("姓名", "person_name", required=True, max_length=50, example="张三"),
        Column("证件类型", "id_type", Kind.CHOICE, required=True, choices=id_type_choices, example="居民身份证"),
        Column(
            "证件号码",
            "id_number",
            Kind.IDENTITY,
            required=True,
            id_type_column="id_type",
            note="按证件类型校验：居民身份证 18 位，含校验位。",
            example="330106199003071236",
        ),
        Column(
            "资格名称代码",
            "qualification",
            Kind.LOOKUP,
            required=True,
            lookup=qualifications_by_code,
            dropdown=qualification_dropdown,
            unknown="资格名称代码“{value}”不存在，请从下拉列表中选择",
            note="从下拉列表选择，或填写资格名称代码（如 0102 副教授）；系列和级别由资格名称确定。",
            example="0102 副教授",
        ),
        Column("取得资格时间", "obtained_on", Kind.DATE, required=True, example="2015-12-31"),
        Column("证书编号", "number", required=True, max_length=50, example="浙高职2015001234"),
        Column("发证机构", "issuing_body", required=True, max_length=100, example="浙江省人力资源和社会保障厅"),
        Column(
            "单位代码",
            "organisation",
            Kind.LOOKUP,
            lookup=organisations_by_code_or_legacy,
            unknown="单位代码“{value}”不存在：应为本系统的机构代码，或已导入的原系统单位代码",
            note="持证人所在单位：本系统机构代码或原系统单位代码；空白则记在本机构名下。",
        ),
    ),
    row=_certificate_row,
    bulk=_certificate_rows,
    start=_start_certificates,
    finish=_certificates_done,
    unique=(("issuing_body", "number"),),
    notes=("同一发证机构的证书编号只能登记一次；已登记过的编号会被指出，整个文件不导入。",),
    scope_error="单位代码“{单位代码}”不在您的管辖范围内",
    display=("姓名", "证件号码", "资格名称代码", "证书编号"),
    result_headers=("资格名称", "所属机构"),
)


# ---- 主管单位代码 / 单位代码 ------------------------------------------------------------------------


def _start_legacy_codes(actor: Any, _options: dict[str, Any]) -> None:
    require(actor, "organisation.import")


def _legacy_code_row(ctx: ImportContext, row: ImportRow) -> dict[str, str]:
    data = row.data
    mapping, outcome = services.assign_legacy_code(
        actor=ctx.actor,
        kind=data["kind"],
        code=data["code"],
        name=data["name"],
        parent_code=data["parent_code"],
        region=data["region"],
        credit_code=data["credit_code"] or "",
    )
    return {"处理": outcome, "机构代码": mapping.organisation.code}


def _legacy_code_rows(ctx: ImportContext, rows: list[ImportRow]) -> list[Outcome]:
    """A chunk of rows through assign_legacy_codes: the same checks and messages, the mappings and their
    audit rows inserted per chunk."""
    outcomes = services.assign_legacy_codes(
        actor=ctx.actor,
        items=[
            services.LegacyCodeInput(
                kind=r.data["kind"],
                code=r.data["code"],
                name=r.data["name"],
                parent_code=r.data["parent_code"],
                region=r.data["region"],
                credit_code=r.data["credit_code"] or "",
            )
            for r in rows
        ],
    )
    return [
        outcome if isinstance(outcome, Exception) else {"处理": outcome[1], "机构代码": outcome[0].organisation.code}
        for outcome in outcomes
    ]


LEGACY_CODES = ImportSpec(
    key="certificates.legacy_codes",
    title="导入原系统单位代码",
    sheet="原系统单位代码",
    noun="个原系统代码",
    template_filename="原系统单位代码导入模板.xlsx",
    columns=(
        Column(
            "代码类别",
            "kind",
            Kind.CHOICE,
            required=True,
            choices={str(label): value for value, label in LegacyCodeKind.choices},
            note="主管单位代码对应主管部门，单位代码对应用人单位。",
        ),
        Column("原系统代码", "code", required=True, max_length=40, example="0301"),
        Column("机构名称", "name", required=True, max_length=200, example="杭州市卫生健康委员会"),
        Column(
            "上级机构代码",
            "parent_code",
            required=True,
            max_length=40,
            note="本系统的机构代码，或原系统的主管单位代码（已导入的，或本文件前面行中的）。",
        ),
        Column(
            "所在地代码",
            "region",
            Kind.LOOKUP,
            lookup=regions_by_code,
            dropdown=region_dropdown,
            unknown="{header}“{value}”不是有效的行政区划代码",
            note="上级机构下已有同名（或同信用代码）的机构时可不填；需新建机构时必填。",
        ),
        Column("统一社会信用代码", "credit_code", max_length=18),
    ),
    row=_legacy_code_row,
    bulk=_legacy_code_rows,
    start=_start_legacy_codes,
    unique=(("kind", "code"),),
    notes=(
        "每行把原系统的一个代码对应到本系统的机构：上级机构下有同信用代码（或同名）的机构则对应它，否则在上级机构下新建。",
        "先列主管单位代码，再列单位代码，单位的上级机构代码可填原系统主管单位代码。",
        "同一代码再次导入到同一机构不会重复登记。新建的机构暂无管理员账号。",
    ),
    scope_error="上级机构“{上级机构代码}”不在您的管辖范围内",
    display=("代码类别", "原系统代码", "机构名称", "上级机构代码"),
    result_headers=("处理", "机构代码"),
)
