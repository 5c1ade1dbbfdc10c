"""Every write to 证书信息 and to the old system's organisation codes (接收原系统数据)."""

import copy
import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import router, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from title_review.access.policies import require
from title_review.audit.services import Event, record_event, record_events
from title_review.core.bulk import insert_models
from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity, validate_identity
from title_review.core.text import clean_name
from title_review.dictionaries.models import Entry
from title_review.organisations.codes import normalise_credit_code
from title_review.organisations.models import Organisation, OrganisationKind
from title_review.organisations.services import create_organisation

from .models import Certificate, CertificateSource, LegacyCodeKind, LegacyOrganisationCode, VerificationLookup

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


@dataclass(frozen=True)
class CertificateInput:
    """One certificate to record: what `record_certificate` takes, with the organisation loaded."""

    organisation: Organisation
    person_name: str
    id_type: str
    id_number: str
    qualification: Entry
    obtained_on: dt.date
    number: str
    issuing_body: str
    source: str = CertificateSource.LEGACY


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
    document_number: str = "",
    review_year: int | None = None,
) -> Certificate:
    """Record one certificate (a legacy one from 接收原系统数据, or one issued here).

    An issued one may carry its batch's 发文字号 and 评审年度 (results.services.confirm_batch).

    `qualification` is a 资格名称 entry (disabled ones too: old certificates name old titles); its
    series and level are kept beside it as code and name. One number once per issuing body.
    """
    item = CertificateInput(
        organisation=Organisation.objects.get(pk=organisation_id),
        person_name=person_name,
        id_type=id_type,
        id_number=id_number,
        qualification=qualification,
        obtained_on=obtained_on,
        number=number,
        issuing_body=issuing_body,
        source=source,
    )
    certificate, after = _checked_certificate(
        item,
        in_scope=lambda org: require(actor, "certificate.import", org),
        level_names=_level_names,
        today=timezone.localdate(),
        now=timezone.now(),
    )
    if (
        certificate.number
        and Certificate.objects.filter(issuing_body=certificate.issuing_body, number=certificate.number).exists()
    ):
        raise _already_recorded(certificate)
    certificate.document_number, certificate.review_year = document_number, review_year
    certificate.save(force_insert=True)
    record_event(actor=actor, action="certificate.create", obj=certificate, after=after, organisation=item.organisation)
    return certificate


@transaction.atomic
def record_certificates(*, actor: Any, items: Sequence[CertificateInput]) -> list[Certificate | Exception]:
    """Record many certificates at once (导入证书信息, ADR 0026): for each item the certificate, or the
    exception `record_certificate` would have raised for it, with the same checks and messages.

    A fixed number of queries for any number of items: the 级别 names and the numbers already recorded
    are read with IN queries, the certificates inserted at once (`core.bulk.insert_models`: one COPY on
    PostgreSQL) and their audit rows (`certificate.create`, as `record_certificate` writes them) too
    (`record_events`). A number repeated among the
    items is refused on its later items, as if they had been recorded one after another. Nothing is
    written for an item that is refused.
    """
    checked: list[tuple[Certificate, dict[str, Any]] | Exception] = []
    levels = _level_name_map({str((i.qualification.attributes or {}).get("level", "")) for i in items})
    scope = _ScopeCheck(actor, "certificate.import")
    today, now = timezone.localdate(), timezone.now()
    for item in items:
        try:
            checked.append(_checked_certificate(item, in_scope=scope, level_names=levels.get, today=today, now=now))
        except (DomainError, Http404) as exc:
            checked.append(exc)
    keys = [(c.issuing_body, c.number) for c, _after in _passed(checked) if c.number]
    taken = _recorded_numbers(keys)
    outcomes: list[Certificate | Exception] = []
    new: list[tuple[Certificate, dict[str, Any]]] = []
    for entry in checked:
        if isinstance(entry, Exception):
            outcomes.append(entry)
            continue
        certificate, after = entry
        key = (certificate.issuing_body, certificate.number)
        if certificate.number and key in taken:
            outcomes.append(_already_recorded(certificate))
            continue
        if certificate.number:
            taken.add(key)
        new.append(entry)
        outcomes.append(certificate)
    insert_models(Certificate, [c for c, _after in new], batch_size=BULK_BATCH)
    record_events(
        actor=actor,
        events=(
            Event(action="certificate.create", obj=c, after=after, organisation=c.organisation) for c, after in new
        ),
        batch_size=BULK_BATCH,
    )
    return outcomes


BULK_BATCH = 1000


def _passed(
    checked: list[tuple[Certificate, dict[str, Any]] | Exception],
) -> list[tuple[Certificate, dict[str, Any]]]:
    return [c for c in checked if not isinstance(c, Exception)]


class _ScopeCheck:
    """`require(actor, action, organisation)`, remembering each organisation's answer: a file names a
    few organisations thousands of times."""

    def __init__(self, actor: Any, action: str) -> None:
        self.actor, self.action = actor, action
        self.answers: dict[int, Exception | None] = {}

    def __call__(self, organisation: Organisation) -> None:
        if organisation.pk not in self.answers:
            try:
                require(self.actor, self.action, organisation)
                self.answers[organisation.pk] = None
            except (DomainError, Http404) as exc:
                self.answers[organisation.pk] = exc
        refused = self.answers[organisation.pk]
        if refused is not None:
            raise copy.copy(refused)  # a fresh exception per row, not one collecting every traceback


def _checked_certificate(
    item: CertificateInput,
    *,
    in_scope: Callable[[Organisation], None],
    level_names: Callable[[str], str | None],
    today: dt.date,
    now: dt.datetime,
) -> tuple[Certificate, dict[str, Any]]:
    """The unsaved certificate and its audit `after`, or the refusal, in the order a user fixes a row."""
    organisation = item.organisation
    in_scope(organisation)
    person_name = _clean_text(item.person_name, "姓名", 50)
    facts = validate_identity(item.id_type, item.id_number)
    qualification = item.qualification
    if qualification.type.code != QUALIFICATION:
        raise DomainError(f"“{qualification.name}”不是资格名称。")
    obtained_on = item.obtained_on
    if not EARLIEST_CERTIFICATE <= obtained_on <= today:
        raise DomainError(f"取得资格时间 {obtained_on:%Y-%m-%d} 不合理：应在 1950-01-01 与今天之间。")
    # A certificate issued here may wait for its number and 发证单位 (待编号: numbering.number_certificates).
    pending = item.source == CertificateSource.ISSUED and not (item.number or "").strip()
    number = "" if pending else _clean_text(item.number, "证书编号", 50).upper()
    issuing_body = _clean_text(item.issuing_body, "发证机构", 100) if item.issuing_body or not pending else ""
    level_code = str((qualification.attributes or {}).get("level", ""))
    series = qualification.parent
    certificate = Certificate(
        organisation=organisation,
        person_name=person_name,
        id_type=item.id_type,
        id_number=facts.number,
        qualification_code=qualification.code,
        qualification_name=qualification.name,
        series_code=series.code if series else "",
        series_name=series.name if series else "",
        level_code=level_code,
        level_name=level_names(level_code) or "",
        obtained_on=obtained_on,
        number=number,
        issuing_body=issuing_body,
        source=item.source,
        imported_at=now if item.source == CertificateSource.LEGACY else None,
    )
    after = {
        "number": number,
        "issuing_body": issuing_body,
        "person": person_name,
        "id_number": mask_identity(facts.number),
        "qualification": qualification.code,
        "obtained_on": obtained_on.isoformat(),
        "source": item.source,
    }
    return certificate, after


def _already_recorded(certificate: Certificate) -> DomainError:
    return DomainError(f"证书编号 {certificate.number} 已由“{certificate.issuing_body}”登记，不能重复登记")


def _level_names(level_code: str) -> str | None:
    return Entry.objects.filter(type__code=LEVEL, code=level_code).values_list("name", flat=True).first()


def _level_name_map(codes: Collection[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in Entry.objects.filter(type__code=LEVEL, code__in=codes).values_list("code", "name"):
        names.setdefault(code, name)
    return names


def _recorded_numbers(keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (发证机构, 证书编号) pairs are recorded already: one query per 1,000 numbers."""
    wanted = set(keys)
    numbers = sorted({number for _body, number in wanted})
    taken: set[tuple[str, str]] = set()
    for start in range(0, len(numbers), BULK_BATCH):
        batch = numbers[start : start + BULK_BATCH]
        pairs = Certificate.objects.filter(number__in=batch).values_list("issuing_body", "number")
        taken.update(pair for pair in pairs if pair in wanted)
    return taken


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


# What assign_legacy_codes reads of an organisation a row may name: the checks, the code row, its audit
# row and the result.
_CANDIDATE_FIELDS = {"id", "name", "code", "kind", "office_level", "parent_id", "credit_code"}


@dataclass(frozen=True)
class LegacyCodeInput:
    """One old code to keep: what `assign_legacy_code` takes."""

    kind: str
    code: str
    name: str
    parent_code: str
    region: Entry | None = None
    credit_code: str = ""


def assign_legacy_codes(
    *, actor: Any, items: Sequence[LegacyCodeInput]
) -> list[tuple[LegacyOrganisationCode, str] | Exception]:
    """`assign_legacy_code` for many codes at once (导入原系统单位代码, ADR 0045): for each item its mapping
    and what happened, or the exception `assign_legacy_code` would have raised for it — the same checks in
    the same order, the same messages. An item sees what earlier items did (a 主管单位代码 mapped or an
    organisation created above it), as row by row. Nothing is written for a refused item.

    The parents (by code and by old 主管单位代码), the organisations the items may name (by name or credit
    code), the old codes already kept and those organisations' codes are read with one IN query each; the
    scope is answered once per parent; the mappings and their audit rows (`organisation.legacy_code`)
    go in with one INSERT each (COPY on PostgreSQL). An organisation that must be created still goes
    through `create_organisation`, one by one (its code sequence, the parent's counter and tree rules).
    An import runs it with the cyclic garbage collector paused (core.importing.running.collector_paused).
    """
    cleaned: list[tuple[str, str, str, str] | Exception] = []
    labels = {kind: str(label) for kind, label in LegacyCodeKind.choices}
    code_labels = {kind: f"原系统{label}" for kind, label in labels.items()}
    for item in items:
        try:
            label = labels.get(item.kind) or labels[LegacyCodeKind(item.kind)]  # an unknown kind: its ValueError
            cleaned.append(
                (
                    label,
                    _clean_text(item.code, code_labels[item.kind], 40),
                    _clean_text(item.name, "机构名称", 200),
                    (item.parent_code or "").strip(),
                )
            )
        except DomainError as exc:
            cleaned.append(exc)
    ok = [c for c in cleaned if not isinstance(c, Exception)]
    parent_codes = {p for _l, _c, _n, p in ok if p}
    by_code: dict[str, Organisation] = {}
    for found in Organisation.objects.filter(code__in=parent_codes):
        by_code.setdefault(found.code, found)
    organisation_field = LegacyOrganisationCode._meta.get_field("organisation")
    kept: dict[tuple[str, str], LegacyOrganisationCode] = {
        (m.kind, m.code): m
        for m in LegacyOrganisationCode.objects.filter(
            kind__in=list(LegacyCodeKind),  # every kind: so that the (kind, code) index serves the lookup
            code__in=parent_codes | {c for _l, c, _n, _p in ok},
        )
    }
    if kept:  # their organisations (a parent, a message, the result) in one more query, only if any is kept:
        # joined to a thousand codes that are mostly new, they cost more to ask for than to read apart.
        named = Organisation.objects.in_bulk({m.organisation_id for m in kept.values()})
        for m in kept.values():
            organisation_field.set_cached_value(m, named[m.organisation_id])
    credits: dict[int, tuple[str, str] | DomainError] = {}
    for index, item in enumerate(items):
        try:
            credits[index] = normalise_credit_code(item.credit_code)
        except DomainError as exc:
            credits[index] = exc
    wanted_credits = {c[0] for c in credits.values() if not isinstance(c, DomainError) and c[0]}
    by_credit: dict[tuple[int | None, str], Organisation] = {}
    by_name: dict[tuple[int | None, str], Organisation] = {}
    # The old code an organisation already has, per kind (one per kind: `one_legacy_code_per_kind`).
    per_org: dict[tuple[int, str], str] = {}
    # The organisations the items may name with the codes they already have, in one query (a row per
    # code, joined): only what the checks, the code row, its audit row and the result read of them.
    loaded: dict[int, Organisation] = {}
    db = router.db_for_read(Organisation)
    fields = [
        f.attname for f in Organisation._meta.concrete_fields if f.attname in _CANDIDATE_FIELDS
    ]  # from_db's order
    for *values, code_kind, old_code in Organisation.objects.filter(
        Q(name__in={n for _l, _c, n, _p in ok}) | Q(credit_code__in=wanted_credits)
    ).values_list(*fields, "legacy_codes__kind", "legacy_codes__code"):
        candidate = loaded.get(values[0])
        if candidate is None:
            candidate = loaded[values[0]] = Organisation.from_db(db, fields, values)
            by_credit.setdefault((candidate.parent_id, candidate.credit_code), candidate)
            by_name.setdefault((candidate.parent_id, candidate.name), candidate)
        if code_kind is not None:
            per_org.setdefault((candidate.pk, code_kind), old_code)
    scope = _ScopeCheck(actor, "organisation.import")
    outcomes: list[tuple[LegacyOrganisationCode, str] | Exception] = []
    new: list[LegacyOrganisationCode] = []
    events: list[Event] = []
    now = timezone.now()
    for index, (item, entry) in enumerate(zip(items, cleaned, strict=True)):
        if isinstance(entry, Exception):
            outcomes.append(entry)
            continue
        label, code, name, parent_code = entry
        kind = item.kind
        try:
            parent = (by_code.get(parent_code) if parent_code else None) or (
                department.organisation
                if parent_code and (department := kept.get((LegacyCodeKind.DEPARTMENT, parent_code))) is not None
                else None
            )
            if parent is None:
                raise DomainError(
                    f"上级机构代码“{item.parent_code}”不存在：应为本系统的机构代码，或已导入（或本文件前面行中）的原系统主管单位代码"
                )
            scope(parent)
            normalised = credits[index]
            if isinstance(normalised, DomainError):
                raise copy.copy(normalised)
            credit = normalised[0]
            org = (by_credit.get((parent.pk, credit)) if credit else None) or by_name.get((parent.pk, name))
            existing = kept.get((kind, code))
            if existing is not None:
                if org is not None and existing.organisation_id == org.pk:
                    outcomes.append((existing, "已对应，无变化"))
                    continue
                raise DomainError(f"原系统{label}“{code}”已对应“{existing.organisation.name}”，不能再对应其他机构")
            if org is None:
                if item.region is None:
                    raise DomainError(f"“{parent.name}”下没有名为“{name}”的机构，新建时须填写所在地代码")
                org = create_organisation(
                    actor=actor,
                    parent_id=parent.pk,
                    name=name,
                    kind=NEW_KIND[kind],
                    region=item.region,
                    credit_code=credit,
                )
                by_code.setdefault(org.code, org)
                by_name.setdefault((parent.pk, org.name), org)
                if org.credit_code:
                    by_credit.setdefault((parent.pk, org.credit_code), org)
                outcome = "新建机构"
            else:
                if org.kind not in LEGACY_KINDS[kind]:
                    raise DomainError(f"“{org.name}”是{org.kind_label}，不能对应原系统{label}")
                other = per_org.get((org.pk, kind))
                if other is not None:
                    raise DomainError(f"“{org.name}”已对应原系统{label}“{other}”")
                outcome = "对应已有机构"
        except (DomainError, Http404) as exc:
            outcomes.append(exc)
            continue
        # Positionally (id, created_at, updated_at, kind, code, organisation_id; both times are set again
        # as the row goes in), with the organisation cached on it: half the keyword form's cost.
        mapping = LegacyOrganisationCode(None, now, now, kind, code, org.pk)
        organisation_field.set_cached_value(mapping, org)
        kept[(kind, code)] = mapping
        per_org[(org.pk, kind)] = code
        new.append(mapping)
        events.append(
            Event(
                action="organisation.legacy_code",
                obj=org,
                after={"kind": kind, "legacy_code": code, "code": org.code, "outcome": outcome},
                organisation=org,
            )
        )
        outcomes.append((mapping, outcome))
    insert_models(LegacyOrganisationCode, new, batch_size=BULK_BATCH)
    record_events(actor=actor, events=events, batch_size=BULK_BATCH)
    return outcomes


# 撤销 (issue 14 point 7) ------------------------------------------------------------------------------------


@transaction.atomic
def revoke_certificate(*, actor: Any, certificate_id: int, reason: str, basis: str) -> Certificate:
    """撤销: the certificate shows 已撤销 with its reason and date on 证书查验, and its holder is written into
    the 诚信档案 with the policy's 不得申报 period (integrity.ban_years, 3 years) from today, recorded by the
    actor's title office. Reason and basis (依据) are both required; a certificate is revoked once."""
    from title_review.eligibility.services import record_integrity_ban

    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise Http404
    require(actor, "certificate.revoke", certificate.organisation, message="只有职改办管理员可以撤销证书。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销原因，例如：申报材料弄虚作假。", field="reason")
    if len(reason) > 500:
        raise DomainError("撤销原因不能超过 500 个字。", field="reason")
    basis = (basis or "").strip()
    if not basis:
        raise DomainError("请填写撤销依据，例如：人社部令第40号第四十条。", field="basis")
    if len(basis) > 200:
        raise DomainError("撤销依据不能超过 200 个字。", field="basis")
    if certificate.revoked_at is not None:
        raise DomainError(f"该证书已于 {timezone.localtime(certificate.revoked_at):%Y年%m月%d日} 撤销，不能重复撤销。")
    if not certificate.number:
        raise DomainError("该证书尚未编号，不能撤销。")
    office = getattr(actor, "organisation", None)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    certificate.revoke_basis = basis
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "revoke_basis", "updated_at"])
    record_event(
        actor=actor,
        action="certificate.revoke",
        obj=certificate,
        before={"status": "有效"},
        after={"status": "已撤销", "number": certificate.number, "reason": reason, "basis": basis},
        organisation=certificate.organisation,
    )
    record_integrity_ban(
        actor=actor,
        organisation_id=office.pk if office is not None else 0,
        id_type=certificate.id_type,
        id_number=certificate.id_number,
        name=certificate.person_name,
        reason=f"证书撤销（{certificate.qualification_name}，证书编号 {certificate.number}）：{reason}",
        basis=basis,
        starts_on=timezone.localdate(),
    )
    return certificate


# 证书查验 lookups ------------------------------------------------------------------------------------------


def record_lookup(*, certificate: Certificate, viewer: Any) -> None:
    """One look at `certificate` on the public page: the viewer's organisation when signed in, else nothing
    but the day (the holder sees anonymous looks as counts by day)."""
    signed_in = bool(getattr(viewer, "is_authenticated", False))
    VerificationLookup.objects.create(
        certificate=certificate,
        looked_on=timezone.localdate(),
        organisation_id=getattr(viewer, "organisation_id", None) if signed_in else None,
        signed_in=signed_in,
    )


def mask_name(name: str) -> str:
    """张** — the public verification page shows the family name only (a two-character name: 张*)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
