"""证书编号 and 发文字号 (issue 14, ADR 0033): numbered from 1 per sequence, no gaps, no duplicates, safe when
two offices number at the same moment.

Each sequence has one NumberCounter row. A caller's transaction inserts it if it is missing (INSERT … ON
CONFLICT DO NOTHING), locks it (SELECT … FOR UPDATE), takes the next numbers and writes the row back:
a second office numbering in the same sequence waits on the lock until the first commits or rolls back,
and a rollback takes the counter back with the numbers it gave. Not MAX()+1 (two transactions read the
same maximum) and not a database sequence (a rolled-back nextval is never given back: a gap).
"""

import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access.policies import require
from title_review.audit.services import Event, record_events
from title_review.core.errors import DomainError
from title_review.core.number_patterns import PARTS, NumberPattern, parse_number_pattern
from title_review.core.policies import get_policy

from .models import Certificate, CertificateSource, CounterKind, NumberCounter
from .services import _clean_text

AGENCY_CODE = re.compile(r"^[\u4e00-\u9fff]{2,10}$")
PART_CODE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff]{1,12}$")
YEARS = (2000, 2100)


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        # A number taken outside the caller's transaction would stay taken when the caller fails: a gap.
        raise RuntimeError("numbers are taken inside the caller's transaction (transaction.atomic)")


def _take(
    kind: str, key: str, year: int, count: int, render: Callable[[int], str], taken: Callable[[list[str]], set[str]]
) -> list[str]:
    """The next `count` numbers of one sequence, the counter row locked until the caller's transaction ends.

    A number that is already some certificate's (a pattern changed back and forth) is passed over."""
    NumberCounter.objects.bulk_create([NumberCounter(kind=kind, key=key, year=year)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(kind=kind, key=key, year=year)
    numbers: list[str] = []
    last = counter.last
    while len(numbers) < count:
        batch = [render(last + i + 1) for i in range(count - len(numbers))]
        used = taken(batch)
        last += len(batch)
        numbers.extend(n for n in batch if n not in used)
    counter.last = last
    counter.save(update_fields=["last"])
    return numbers


def clean_agency_code(raw: str) -> str:
    code = re.sub(r"\s+", "", raw or "")
    if not code:
        raise DomainError("请填写机关代字，如“浙人社”。", field="agency_code")
    if not AGENCY_CODE.match(code):
        raise DomainError(f"机关代字“{code}”有误：应为 2 到 10 个汉字，如“浙人社”“浙职改”。", field="agency_code")
    return code


def clean_year(year: Any, label: str = "年份") -> int:
    low, high = YEARS
    if isinstance(year, bool) or not isinstance(year, int) or not low <= year <= high:
        raise DomainError(f"{label}“{year}”有误：应为 {low} 到 {high} 之间的四位年份。", field="year")
    return year


def format_document_number(agency_code: str, year: int, serial: int) -> str:
    """机关代字〔年份〕N号 (GB/T 9704-2012): 浙职改〔2026〕3号 — 六角括号, the serial without leading zeros."""
    return f"{agency_code}〔{year}〕{serial}号"


def next_document_number(agency_code: str, year: int) -> str:
    """The next 发文字号 of `agency_code` in `year`, taken inside the caller's transaction."""
    _in_transaction()
    code, year = clean_agency_code(agency_code), clean_year(year)
    (number,) = _take(
        CounterKind.DOCUMENT,
        code,
        year,
        1,
        render=lambda serial: format_document_number(code, year, serial),
        taken=lambda _numbers: set(),
    )
    return number


def _part_code(raw: str, label: str, field: str) -> str:
    code = (raw or "").strip()
    if not PART_CODE.match(code):
        raise DomainError(f"{label}“{code}”有误：应为 1 到 12 位字母、数字或汉字。", field=field)
    return code


def _certificate_values(certificate: Certificate, pattern: NumberPattern, given: dict[str, str]) -> dict[str, str]:
    values = dict(given)
    values["series"], values["level"] = certificate.series_code, certificate.level_code
    for part in pattern.parts:
        if not values.get(part):
            raise DomainError(
                f"{certificate.person_name}的证书（{certificate.qualification_name}）没有{PARTS[part]}，不能按规则编号。"
            )
    return values


@dataclass(frozen=True)
class NumberedBatch:
    document_number: str
    certificates: list[Certificate]


def _taken_numbers(numbers: list[str]) -> set[str]:
    return set(Certificate.objects.filter(number__in=numbers).values_list("number", flat=True))


@transaction.atomic
def number_certificates(
    *,
    actor: Any,
    certificate_ids: Collection[int],
    review_year: int,
    issuing_body: str,
    agency_code: str = "",
    region_code: str = "",
    committee_code: str = "",
    document_year: int | None = None,
) -> NumberedBatch:
    """Give a batch of certificates waiting for their number (本系统发证, 待编号) their 证书编号 by the
    province's pattern (certificate.number_pattern), one 发文字号 (机关代字〔document_year〕N号, the current
    year by default) and their 发证单位 — all of them or, when one is refused, none.

    系列 and 级别 come from each certificate (the 级别 dictionary's code: 1 正高级 … 4 初级, 5 员级); 地区 and
    评委会 codes from the caller. A certificate numbered already, imported from the old system, or outside
    the actor's scope refuses the whole batch. One `certificate.number` audit row per certificate.

    A batch whose certificates got their 发文字号 at 发文 (results) keeps it: no new one is taken and the
    机关代字 is not needed. A batch mixing certificates with and without one is refused.
    """
    ids = sorted(set(certificate_ids))
    if not ids:
        raise DomainError("请选择要编号的证书。")
    review_year = clean_year(review_year, "评审年度")
    year = clean_year(document_year if document_year is not None else timezone.localdate().year, "发文年份")
    body = _clean_text(issuing_body, "发证单位", 100)
    pattern = parse_number_pattern(str(get_policy("certificate.number_pattern")))
    given = {"year": str(review_year)}
    if "region" in pattern.parts:
        given["region"] = _part_code(region_code, "地区代码", "region_code")
    if "committee" in pattern.parts:
        given["committee"] = _part_code(committee_code, "评委会代码", "committee_code")

    # Lock the certificates first (in id order), then the counters (in key order): no deadlock between batches.
    certificates = list(
        Certificate.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(certificates) != len(ids):
        raise Http404("证书不存在或已删除。")
    allowed: set[int] = set()
    by_key: dict[tuple[str, int], list[tuple[Certificate, dict[str, str]]]] = defaultdict(list)
    for certificate in certificates:
        if certificate.organisation_id not in allowed:
            require(actor, "certificate.number", certificate.organisation, message="您没有证书编号的权限。")
            allowed.add(certificate.organisation_id)
        if certificate.source != CertificateSource.ISSUED:
            raise DomainError(
                f"{certificate.person_name}的证书（{certificate.number}）是原系统导入的证书，不能重新编号。"
            )
        if certificate.number:
            raise DomainError(
                f"{certificate.person_name}的证书已编号（证书编号 {certificate.number}，{certificate.document_number}），"
                "不能重复编号。"
            )
        values = _certificate_values(certificate, pattern, given)
        by_key[(pattern.key(values), review_year if "year" in pattern.parts else 0)].append((certificate, values))

    given_documents = {c.document_number for c in certificates}
    if "" in given_documents and len(given_documents) > 1:
        raise DomainError("所选证书中有的已有发文字号、有的没有，请按批次（发文字号）分别编号。")
    document_number = "" if "" not in given_documents else next_document_number(clean_agency_code(agency_code), year)
    for key, year_part in sorted(by_key):
        members = by_key[(key, year_part)]
        values = members[0][1]
        numbers = _take(
            CounterKind.CERTIFICATE,
            key,
            year_part,
            len(members),
            render=lambda seq, v=values: pattern.render(v, seq),  # type: ignore[misc]
            taken=_taken_numbers,
        )
        for (certificate, _values), number in zip(members, numbers, strict=True):
            certificate.number = number
    for certificate in certificates:
        certificate.issuing_body = body
        certificate.document_number = document_number or certificate.document_number
        certificate.review_year = review_year
    Certificate.objects.bulk_update(certificates, ["number", "issuing_body", "document_number", "review_year"])
    record_events(
        actor=actor,
        events=(
            Event(
                action="certificate.number",
                obj=c,
                before={"number": ""},
                after={
                    "number": c.number,
                    "document_number": c.document_number,
                    "issuing_body": body,
                    "review_year": review_year,
                },
                organisation=c.organisation,
            )
            for c in certificates
        ),
    )
    documents = sorted({c.document_number for c in certificates})
    return NumberedBatch(document_number="、".join(documents), certificates=certificates)
