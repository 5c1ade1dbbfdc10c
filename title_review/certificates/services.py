"""Every write to 证书信息 and to the old system's organisation codes (接收原系统数据)."""

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity, validate_identity
from title_review.core.text import clean_name
from title_review.dictionaries.models import Entry
from title_review.organisations.codes import normalise_credit_code
from title_review.organisations.models import Organisation, OrganisationKind
from title_review.organisations.services import create_organisation

from .models import Certificate, CertificateSource, LegacyCodeKind, LegacyOrganisationCode

QUALIFICATION = "qualification"
LEVEL = "level"
EARLIEST_CERTIFICATE = dt.date(1950, 1, 1)


def _clean_text(value: str, label: str, max_length: int) -> str:
    text = clean_name(re.sub(r"\s+", " ", value or ""), label)
    if not text:
        raise DomainError(f"请填写{label}。")
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过 {max_length} 个字。")
    return text


@transaction.atomic
def record_certificate(
    *,
    actor: Any,
    organisation_id: int,
    person_name: str,
    id_type: str,
    id_number: str,
    qualification: Entry,
    obtained_on: dt.date,
    number: str,
    issuing_body: str,
    source: str = CertificateSource.LEGACY,
) -> Certificate:
    """Record one certificate (a legacy one from 接收原系统数据, or one issued here).

    `qualification` is a 资格名称 entry (disabled ones too: old certificates name old titles); its
    series and level are kept beside it as code and name. One number once per issuing body.
    """
    organisation = Organisation.objects.get(pk=organisation_id)
    require(actor, "certificate.import", organisation)
    person_name = _clean_text(person_name, "姓名", 50)
    facts = validate_identity(id_type, id_number)
    if qualification.type.code != QUALIFICATION:
        raise DomainError(f"“{qualification.name}”不是资格名称。")
    today = timezone.localdate()
    if not EARLIEST_CERTIFICATE <= obtained_on <= today:
        raise DomainError(f"取得资格时间 {obtained_on:%Y-%m-%d} 不合理：应在 1950-01-01 与今天之间。")
    number = _clean_text(number, "证书编号", 50).upper()
    issuing_body = _clean_text(issuing_body, "发证机构", 100)
    if Certificate.objects.filter(issuing_body=issuing_body, number=number).exists():
        raise DomainError(f"证书编号 {number} 已由“{issuing_body}”登记，不能重复登记")
    level_code = str((qualification.attributes or {}).get("level", ""))
    level_name = Entry.objects.filter(type__code=LEVEL, code=level_code).values_list("name", flat=True).first() or ""
    series = qualification.parent
    certificate = Certificate.objects.create(
        organisation=organisation,
        person_name=person_name,
        id_type=id_type,
        id_number=facts.number,
        qualification_code=qualification.code,
        qualification_name=qualification.name,
        series_code=series.code if series else "",
        series_name=series.name if series else "",
        level_code=level_code,
        level_name=level_name,
        obtained_on=obtained_on,
        number=number,
        issuing_body=issuing_body,
        source=source,
        imported_at=timezone.now() if source == CertificateSource.LEGACY else None,
    )
    record_event(
        actor=actor,
        action="certificate.create",
        obj=certificate,
        after={
            "number": number,
            "issuing_body": issuing_body,
            "person": person_name,
            "id_number": mask_identity(facts.number),
            "qualification": qualification.code,
            "obtained_on": obtained_on.isoformat(),
            "source": source,
        },
        organisation=organisation,
    )
    return certificate


# ---- 原系统的主管单位代码 / 单位代码 --------------------------------------------------------------------

# Which organisations an old code may name: 主管单位代码 a competent department, 单位代码 an employer.
LEGACY_KINDS: dict[str, tuple[str, ...]] = {
    LegacyCodeKind.DEPARTMENT: (OrganisationKind.DEPARTMENT,),
    LegacyCodeKind.EMPLOYER: (OrganisationKind.EMPLOYER, OrganisationKind.AGENCY),
}
NEW_KIND: dict[str, str] = {
    LegacyCodeKind.DEPARTMENT: OrganisationKind.DEPARTMENT,
    LegacyCodeKind.EMPLOYER: OrganisationKind.EMPLOYER,
}


def legacy_parent(parent_code: str) -> Organisation | None:
    """A parent named by this system's organisation code or, failing that, by an old 主管单位代码."""
    code = (parent_code or "").strip()
    if not code:
        return None
    org = Organisation.objects.filter(code=code).first()
    if org is not None:
        return org
    mapping = (
        LegacyOrganisationCode.objects.filter(kind=LegacyCodeKind.DEPARTMENT, code=code)
        .select_related("organisation")
        .first()
    )
    return mapping.organisation if mapping else None


@transaction.atomic
def assign_legacy_code(
    *,
    actor: Any,
    kind: str,
    code: str,
    name: str,
    parent_code: str,
    region: Entry | None = None,
    credit_code: str = "",
) -> tuple[LegacyOrganisationCode, str]:
    """Keep an old system's 主管单位代码 / 单位代码 beside the organisation it names.

    The organisation is the one already under the parent with the same credit code (when given) or
    the same name; if there is none, it is created under the parent (create_organisation: tree rules,
    scope, audit). Importing the same code for the same organisation again changes nothing. Returns the
    mapping and what happened (对应已有机构 / 新建机构 / 已对应，无变化).
    """
    label = LegacyCodeKind(kind).label
    code = _clean_text(code, f"原系统{label}", 40)
    name = _clean_text(name, "机构名称", 200)
    parent = legacy_parent(parent_code)
    if parent is None:
        raise DomainError(
            f"上级机构代码“{parent_code}”不存在：应为本系统的机构代码，或已导入（或本文件前面行中）的原系统主管单位代码"
        )
    require(actor, "organisation.import", parent)
    credit, _warning = normalise_credit_code(credit_code)
    siblings = Organisation.objects.filter(parent=parent)
    org = (siblings.filter(credit_code=credit).first() if credit else None) or siblings.filter(name=name).first()
    existing = LegacyOrganisationCode.objects.filter(kind=kind, code=code).select_related("organisation").first()
    if existing is not None:
        if org is not None and existing.organisation_id == org.pk:
            return existing, "已对应，无变化"
        raise DomainError(f"原系统{label}“{code}”已对应“{existing.organisation.name}”，不能再对应其他机构")
    if org is None:
        if region is None:
            raise DomainError(f"“{parent.name}”下没有名为“{name}”的机构，新建时须填写所在地代码")
        org = create_organisation(
            actor=actor, parent_id=parent.pk, name=name, kind=NEW_KIND[kind], region=region, credit_code=credit
        )
        outcome = "新建机构"
    else:
        if org.kind not in LEGACY_KINDS[kind]:
            raise DomainError(f"“{org.name}”是{org.kind_label}，不能对应原系统{label}")
        other = LegacyOrganisationCode.objects.filter(organisation=org, kind=kind).first()
        if other is not None:
            raise DomainError(f"“{org.name}”已对应原系统{label}“{other.code}”")
        outcome = "对应已有机构"
    mapping = LegacyOrganisationCode.objects.create(kind=kind, code=code, organisation=org)
    record_event(
        actor=actor,
        action="organisation.legacy_code",
        obj=org,
        after={"kind": kind, "legacy_code": code, "code": org.code, "outcome": outcome},
        organisation=org,
    )
    return mapping, outcome
