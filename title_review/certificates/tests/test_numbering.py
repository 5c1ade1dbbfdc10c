"""证书编号 by the province's pattern and 发文字号 (机关代字〔年份〕N号): formats, one sequence per key and year,
Chinese refusals, and a refused or rolled-back batch that leaves neither a number nor a gap."""

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404

from title_review.audit.actions import ACTION_LABELS
from title_review.audit.models import AuditEvent
from title_review.certificates import numbering, services
from title_review.certificates.models import Certificate, CertificateSource
from title_review.core.errors import DomainError
from title_review.core.identity import check_digit
from title_review.core.models import PolicySetting
from title_review.core.number_patterns import parse_number_pattern
from title_review.dictionaries.models import Entry
from title_review.system.services import set_policy

pytestmark = pytest.mark.django_db

ISSUER = "浙江省人力资源和社会保障厅"


def identity(n: int) -> str:
    first17 = f"33010219850101{n:03d}"
    return first17 + check_digit(first17)


def pending(actor, org, n: int, qualification: str = "0102") -> Certificate:
    """A certificate issued here and waiting for its number (待编号)."""
    entry = Entry.objects.select_related("type", "parent").get(type__code=services.QUALIFICATION, code=qualification)
    return services.record_certificate(
        actor=actor,
        organisation_id=org.pk,
        person_name=f"持证人{n:02d}",
        id_type="01",
        id_number=identity(n),
        qualification=entry,
        obtained_on=dt.date(2026, 11, 30),
        number="",
        issuing_body="",
        source=CertificateSource.ISSUED,
    )


def number(actor, certificates, **kwargs):
    options = {
        "review_year": 2026,
        "issuing_body": ISSUER,
        "agency_code": "浙人社",
        "region_code": "330000",
        "committee_code": "001",
        "document_year": 2026,
    }
    options.update(kwargs)
    return numbering.number_certificates(actor=actor, certificate_ids=[c.pk for c in certificates], **options)


@pytest.fixture
def hospital(orgs):
    return orgs["杭州市第一人民医院"]


def test_a_batch_gets_consecutive_numbers_by_the_default_pattern_one_document_number_and_the_issuer(users, hospital):
    certs = [pending(users["hzadmin"], hospital, n) for n in range(1, 4)]
    assert all(c.number == "" for c in certs)  # 待编号

    batch = number(users["hzadmin"], certs)

    assert batch.document_number == "浙人社〔2026〕1号"
    rows = Certificate.objects.filter(pk__in=[c.pk for c in certs]).order_by("pk")
    # 地区 330000 + 评审年度 2026 + 系列 01 + 级别 2 (副高级, the level dictionary's code) + 评委会 001 + 序号
    assert [c.number for c in rows] == ["33000020260120010001", "33000020260120010002", "33000020260120010003"]
    assert {(c.issuing_body, c.document_number, c.review_year) for c in rows} == {(ISSUER, "浙人社〔2026〕1号", 2026)}
    events = AuditEvent.objects.filter(action="certificate.number").order_by("id")
    assert [e.after["number"] for e in events] == [c.number for c in rows]
    assert ACTION_LABELS["certificate.number"] == "证书编号和发文字号"


def test_the_certificate_list_shows_a_waiting_certificate_and_then_its_number_and_document(login, users, hospital):
    cert = pending(users["hzadmin"], hospital, 1)
    client = login("hzadmin")
    assert "待编号" in client.get("/certificates/?q=持证人01").content.decode()
    number(users["hzadmin"], [cert])
    page = client.get("/certificates/?q=持证人01").content.decode()
    assert "待编号" not in page
    assert "33000020260120010001" in page and "浙人社〔2026〕1号" in page


def test_document_numbers_count_per_agency_code_and_per_year_from_one():
    with transaction.atomic():
        taken = [
            numbering.next_document_number("浙职改", 2026),
            numbering.next_document_number("浙职改", 2026),
            numbering.next_document_number("浙人社", 2026),
            numbering.next_document_number("浙职改", 2027),
            numbering.next_document_number(" 浙职改 ", 2026),
        ]
    assert taken == [
        "浙职改〔2026〕1号",
        "浙职改〔2026〕2号",
        "浙人社〔2026〕1号",
        "浙职改〔2027〕1号",
        "浙职改〔2026〕3号",
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请填写机关代字"),
        ("ZJRS", "应为 2 到 10 个汉字"),
        ("浙", "应为 2 到 10 个汉字"),
        ("浙人社〔2026〕", "应为 2 到 10 个汉字"),
        ("浙江省人力资源和社会保障厅", "应为 2 到 10 个汉字"),
    ],
)
def test_a_bad_agency_code_is_refused_in_chinese(code, message):
    with transaction.atomic(), pytest.raises(DomainError, match=message):
        numbering.next_document_number(code, 2026)


def test_a_bad_year_is_refused():
    with transaction.atomic(), pytest.raises(DomainError, match="应为 2000 到 2100 之间的四位年份"):
        numbering.next_document_number("浙职改", 26)


def test_certificate_numbers_count_per_sequence_key_and_per_review_year(users, hospital):
    admin = users["hzadmin"]
    first = number(admin, [pending(admin, hospital, 1), pending(admin, hospital, 2)])
    professor = number(admin, [pending(admin, hospital, 3, qualification="0101")])  # 正高级: level 1
    other_committee = number(admin, [pending(admin, hospital, 4)], committee_code="002")
    next_year = number(admin, [pending(admin, hospital, 5)], review_year=2027)
    again = number(admin, [pending(admin, hospital, 6)])

    assert [c.number for c in first.certificates] == ["33000020260120010001", "33000020260120010002"]
    assert professor.certificates[0].number == "33000020260110010001"
    assert other_committee.certificates[0].number == "33000020260120020001"
    assert next_year.certificates[0].number == "33000020270120010001"
    assert again.certificates[0].number == "33000020260120010003"
    # One 发文字号 per batch, counted on through the year.
    assert [b.document_number for b in (first, professor, other_committee, next_year, again)] == [
        f"浙人社〔2026〕{n}号" for n in range(1, 6)
    ]


def test_a_province_pattern_with_its_own_width_and_text_is_followed(users, hospital):
    set_policy(
        actor=users["zjadmin"], key="certificate.number_pattern", raw_value="ZJ-{year}-{series}{level}-{seq:06d}"
    )
    cache.clear()
    certs = [pending(users["hzadmin"], hospital, n) for n in (1, 2)]
    batch = number(users["hzadmin"], certs, region_code="", committee_code="")
    assert [c.number for c in batch.certificates] == ["ZJ-2026-012-000001", "ZJ-2026-012-000002"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{region}{year}{series}{level}", "须包含序号"),
        ("{region}{year}{seq}", "序号须写明补零位数"),
        ("{region}{seq:4d}", "序号须写明补零位数"),
        ("{province}{seq:04d}", "{province} 无法识别"),
        ("{region}{region}{seq:04d}", "只能出现一次"),
        ("{seq:04d}{seq:04d}", "只能出现一次"),
        ("{region:>6}{seq:04d}", "不能带格式说明"),
        ("{region}{seq:04d", "花括号不成对"),
        ("{region} {seq:04d}", "不能含空格"),
        ("{region}/{seq:04d}", "含不允许的字符"),
        ("X" * 45 + "{seq:09d}", "超过 50 位"),
    ],
)
def test_a_bad_pattern_is_refused_when_saved_and_nothing_changes(users, pattern, message):
    with pytest.raises(DomainError, match=message.replace("{", r"\{").replace("}", r"\}")):
        set_policy(actor=users["zjadmin"], key="certificate.number_pattern", raw_value=pattern)
    assert not PolicySetting.objects.filter(key="certificate.number_pattern").exists()


def test_the_pattern_is_on_the_settings_page_and_a_bad_one_is_refused_there(login, users):
    client = login("zjadmin")
    page = client.get("/system/policies/").content.decode()
    assert "证书编号规则" in page and "{region}{year}{series}{level}{committee}{seq:04d}" in page
    response = client.post(
        "/system/policies/", {"key": "certificate.number_pattern", "value": "{地区}{seq:04d}"}, follow=True
    )
    assert "{地区} 无法识别" in response.content.decode()
    assert not PolicySetting.objects.filter(key="certificate.number_pattern").exists()


def test_a_good_pattern_with_chinese_text_is_accepted():
    pattern = parse_number_pattern("浙{year}{level}{seq:05d}")
    assert pattern.parts == ("year", "level") and pattern.width == 5


def test_numbering_a_certificate_twice_refuses_the_whole_batch_and_leaves_no_gap(users, hospital):
    admin = users["hzadmin"]
    done = pending(admin, hospital, 1)
    number(admin, [done])
    fresh = [pending(admin, hospital, n) for n in (2, 3)]

    with pytest.raises(DomainError, match="已编号（证书编号 33000020260120010001，浙人社〔2026〕1号），不能重复编号"):
        number(admin, [*fresh, done])

    assert set(Certificate.objects.filter(pk__in=[c.pk for c in fresh]).values_list("number", flat=True)) == {""}
    batch = number(admin, fresh)
    assert [c.number for c in batch.certificates] == ["33000020260120010002", "33000020260120010003"]
    assert batch.document_number == "浙人社〔2026〕2号"


def test_a_batch_rolled_back_by_its_caller_gives_its_numbers_back(users, hospital):
    admin = users["hzadmin"]
    certs = [pending(admin, hospital, n) for n in (1, 2)]

    class PdfFailed(Exception):
        pass

    with pytest.raises(PdfFailed), transaction.atomic():
        number(admin, certs)
        raise PdfFailed  # e.g. the 发文 after numbering fails: the whole batch goes back

    assert set(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("number", flat=True)) == {""}
    assert not AuditEvent.objects.filter(action="certificate.number").exists()
    batch = number(admin, certs)
    assert [c.number for c in batch.certificates] == ["33000020260120010001", "33000020260120010002"]
    assert batch.document_number == "浙人社〔2026〕1号"


def test_refusals_in_chinese_before_anything_is_numbered(users, hospital, orgs):
    admin = users["hzadmin"]
    cert = pending(admin, hospital, 1)
    with pytest.raises(DomainError, match="请选择要编号的证书"):
        numbering.number_certificates(
            actor=admin, certificate_ids=[], review_year=2026, issuing_body=ISSUER, agency_code="浙人社"
        )
    with pytest.raises(DomainError, match="评委会代码“”有误"):
        number(admin, [cert], committee_code="")
    with pytest.raises(DomainError, match="地区代码“33 01”有误"):
        number(admin, [cert], region_code="33 01")
    with pytest.raises(DomainError, match="请填写发证单位"):
        number(admin, [cert], issuing_body=" ")
    with pytest.raises(DomainError, match="评审年度“1899”有误"):
        number(admin, [cert], review_year=1899)
    legacy = Certificate.objects.create(
        organisation=hospital,
        person_name="老证书",
        id_type="01",
        id_number=identity(9),
        qualification_code="0102",
        qualification_name="副教授",
        series_code="01",
        level_code="2",
        obtained_on=dt.date(2015, 12, 31),
        number="ZJ201500001",
        issuing_body=ISSUER,
    )
    with pytest.raises(DomainError, match="是原系统导入的证书，不能重新编号"):
        number(admin, [legacy])
    # A city office does not see a certificate of a unit outside its city: as if it did not exist.
    outside = pending(users["zjadmin"], orgs["江西省工程咨询中心"], 8)
    with pytest.raises(Http404):
        number(admin, [outside])
    assert Certificate.objects.get(pk=cert.pk).number == ""
    assert not AuditEvent.objects.filter(action="certificate.number").exists()


# ---- two offices at the same moment (PostgreSQL: real row locks) -------------------------------------------

CONCURRENT = (
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
)


def concurrent(test):
    for mark in CONCURRENT:
        test = mark(test)
    return test


def _all_at_once(calls) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 — collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@concurrent
def test_40_simultaneous_document_numbers_for_one_agency_code_are_1_to_40(seeded):
    def take() -> str:
        with transaction.atomic():
            return numbering.next_document_number("浙职改", 2026)

    results, errors = _all_at_once([take] * 40)
    assert errors == []
    assert len(results) == 40
    assert set(results) == {f"浙职改〔2026〕{n}号" for n in range(1, 41)}


@concurrent
def test_two_offices_numbering_20_certificates_each_at_once_share_one_gapless_sequence(users, hospital):
    certs = [pending(users["hzadmin"], hospital, n) for n in range(1, 41)]
    offices = [users["zjadmin"], users["hzadmin"]] * 20
    calls = [(lambda actor=actor, cert=cert: number(actor, [cert])) for actor, cert in zip(offices, certs, strict=True)]

    _results, errors = _all_at_once(calls)

    assert errors == []
    numbers = sorted(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("number", flat=True))
    assert numbers == [f"3300002026012001{n:04d}" for n in range(1, 41)]
    documents = set(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("document_number", flat=True))
    assert documents == {f"浙人社〔2026〕{n}号" for n in range(1, 41)}
    assert AuditEvent.objects.filter(action="certificate.number").count() == 40


@concurrent
def test_100_simultaneous_numbering_requests_give_100_distinct_consecutive_numbers(users, hospital):
    """The issue's judged point, through the 证书编号 page: 100 POSTs, one certificate each, from two offices,
    sent by 25 threads at once (25 connections: the shared PostgreSQL allows 100 for everyone)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.test import Client

    certs = [pending(users["hzadmin"], hospital, n) for n in range(1, 101)]
    local = threading.local()
    start = threading.Barrier(25)

    def post(i_cert: tuple[int, Certificate]) -> int:
        i, cert = i_cert
        if not hasattr(local, "client"):
            local.client = Client()
            local.client.force_login(users["zjadmin" if i % 2 else "hzadmin"])
            start.wait()  # every thread has signed in: the first 25 requests leave together
        form = {
            "ids": [cert.pk],
            "review_year": "2026",
            "issuing_body": ISSUER,
            "agency_code": "浙人社",
            "region_code": "330000",
            "committee_code": "001",
            "document_year": "2026",
        }
        return local.client.post("/certificates/numbering/", form).status_code

    def run(batch):
        try:
            return [post(item) for item in batch]
        finally:
            connection.close()

    batches = [list(enumerate(certs))[i::25] for i in range(25)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = [s for result in pool.map(run, batches) for s in result]

    assert statuses == [302] * 100
    numbers = sorted(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("number", flat=True))
    assert numbers == [f"3300002026012001{n:04d}" for n in range(1, 101)]
    documents = set(Certificate.objects.filter(pk__in=[c.pk for c in certs]).values_list("document_number", flat=True))
    assert documents == {f"浙人社〔2026〕{n}号" for n in range(1, 101)}
