"""证书信息, 本单位证书 and 证书编号 as lists that stay fast at ~300,000 certificates (the list pattern, issue 12):
the policy resolves the scope to organisation ids (access.policies.scope_org_ids) yet reaches exactly the rows of
the organisations' subtrees; the
order is newest first with ties by id, page after page; the 证书编号 page lists the batches still waiting; and each
page sends as many queries with many rows as with few. The plans themselves: bench/certificates_scale.py."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from title_review.access import policies, scoped
from title_review.access.kinds import either
from title_review.access.policies import has_capability, scope_filter
from title_review.certificates import selectors
from title_review.certificates.models import Certificate, CertificateSource
from title_review.demo.data import ACCOUNTS

from .helpers import APPLICANT_ID

pytestmark = pytest.mark.django_db

PERSONAS = sorted(account[0] for account in ACCOUNTS)
DAY = dt.date(2020, 6, 1)


def _make(org, count, *, tag="SCL", pending=False, batch="", day=DAY, id_number=None):
    """`count` certificates at `org`, two per day going back from `day` (so dates tie in pairs)."""
    rows = [
        Certificate(
            organisation=org,
            person_name=f"{tag}人{n}",
            id_type="01",
            id_number=id_number or f"33010619800101{n:04d}",
            qualification_code="0102",
            qualification_name="主治医师",
            obtained_on=day - dt.timedelta(days=n // 2),
            number="" if pending else f"{tag}{org.pk:03d}{n:05d}",
            issuing_body="" if pending else "浙江省人力资源和社会保障厅",
            document_number=batch,
            source=CertificateSource.ISSUED if pending else CertificateSource.LEGACY,
        )
        for n in range(count)
    ]
    return Certificate.objects.bulk_create(rows)


@pytest.fixture
def spread(orgs):
    """Certificates at every demo organisation, numbered and waiting, in batches and without one."""
    for i, org in enumerate(orgs.values()):
        _make(org, 3, tag=f"S{i:02d}")
        _make(org, 2, tag=f"P{i:02d}", pending=True, batch=f"浙人社〔2026〕{i}号")
        _make(org, 1, tag=f"Q{i:02d}", pending=True)
    _make(orgs["杭州市第一人民医院"], 1, tag="MINE", id_number=APPLICANT_ID)


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def _by_path(user, purpose):
    """The certificates policy's rule written on each row's organisation path (as it was before the scope was
    resolved to organisation ids): the truth the resolved rule must reach exactly."""
    capabilities = {"view": ["certificate.view"], "number": ["certificate.number"], "revoke": ["certificate.revoke"]}
    parts = [
        scope_filter(user, c, path_field="organisation__path")
        for c in capabilities.get(purpose, ["certificate.view", "certificate.unit"])
    ]
    if purpose == "download" and has_capability(user, "certificate.mine") and user.id_number:
        parts.append(Q(id_type=user.id_type, id_number=user.id_number))
    rule = either(*parts)
    return Certificate.objects.none() if rule is None else Certificate.objects.filter(rule)


@pytest.mark.parametrize("few", [200, 0], ids=["ids", "path-range"])
def test_the_policy_reaches_exactly_its_subtrees_certificates_for_every_demo_account(spread, users, few, monkeypatch):
    monkeypatch.setattr(policies, "FEW_ORGANISATIONS", few)  # both ways of giving the scope: ids, path range
    pending = {"source": CertificateSource.ISSUED, "number": ""}
    reached = 0
    for name in PERSONAS:
        user = users[name]
        for purpose in ("view", "number", "revoke", "download"):
            assert _ids(scoped.certificates.visible(user, purpose)) == _ids(_by_path(user, purpose)), (name, purpose)
        numbered = _by_path(user, "number").filter(**pending)
        assert _ids(selectors.certificates_to_number(user)) == _ids(numbered), name
        batches = sorted({n for n in numbered.values_list("document_number", flat=True) if n})
        assert selectors.pending_batches(user) == batches, name
        reached += bool(batches)
    assert reached >= 3  # the offices of the province, the city and the district each have batches waiting


def _numbers(response):
    return re.findall(r'data-testid="certificate-(SCL[0-9]+)"', response.content.decode())


def test_the_list_shows_the_newest_first_with_ties_by_id_page_after_page(login, orgs):
    made = _make(orgs["杭州市第一人民医院"], 70) + _make(
        orgs["杭州西湖数智科技有限公司"], 10, day=DAY - dt.timedelta(days=3)
    )
    expected = [c.number for c in sorted(made, key=lambda c: (c.obtained_on, c.pk), reverse=True)]
    client = login("hzadmin")

    first = client.get("/certificates/", {"q": "SCL"})
    second = client.get("/certificates/", {"q": "SCL", "page": 2})

    assert _numbers(first) == expected[:50]
    assert _numbers(second) == expected[50:]
    assert "共 80 条" in first.content.decode()
    # Same-day certificates: the later recorded (higher id) first.
    tied = [c for c in made if c.obtained_on == DAY]
    assert expected[:2] == [c.number for c in sorted(tied, key=lambda c: c.pk, reverse=True)]


def test_the_unit_sees_its_own_numbered_certificates_newest_first(login, orgs):
    own = _make(orgs["杭州市第一人民医院"], 6)
    _make(orgs["杭州第二中学"], 4, tag="OTH")
    _make(orgs["杭州市第一人民医院"], 2, tag="WAIT", pending=True)
    text = login("hospitaladmin").get("/certificates/unit/").content.decode()
    shown = re.findall(r"<td>(SCL[0-9]+|OTH[0-9]+|WAIT[0-9]*)</td>", text)
    assert shown == [c.number for c in sorted(own, key=lambda c: (c.obtained_on, c.pk), reverse=True)]


def test_the_numbering_page_offers_the_batches_waiting_in_the_scope(login, orgs):
    _make(orgs["杭州西湖数智科技有限公司"], 2, tag="A", pending=True, batch="浙人社〔2026〕3号")
    _make(orgs["杭州西湖数智科技有限公司"], 1, tag="B", pending=True, batch="浙人社〔2026〕12号")
    _make(orgs["杭州西湖数智科技有限公司"], 1, tag="C", pending=True)  # no batch: numbered one by one
    _make(orgs["杭州第二中学"], 1, tag="D", pending=True, batch="浙人社〔2026〕5号")  # outside 西湖区
    done = _make(orgs["杭州西湖数智科技有限公司"], 1, tag="E", batch="浙人社〔2026〕9号")  # numbered already
    assert done[0].number

    text = login("xhadmin").get("/certificates/numbering/").content.decode()
    offered = re.findall(r'<option value="(浙人社[^"]*)"', text)
    assert offered == sorted(["浙人社〔2026〕3号", "浙人社〔2026〕12号"])
    assert "A人0" in text and "C人0" in text and "D人0" not in text and "E人0" not in text

    city = login("hzadmin").get("/certificates/numbering/", {"document_number": "浙人社〔2026〕5号"})
    text = city.content.decode()
    assert "D人0" in text and "A人0" not in text


def test_the_numbering_page_shows_the_first_500_in_batch_order_and_says_so(login, orgs):
    _make(orgs["杭州市第一人民医院"], 300, tag="Y", pending=True, batch="浙人社〔2026〕2号")
    _make(orgs["杭州第二中学"], 201, tag="X", pending=True, batch="浙人社〔2026〕1号")
    text = login("hzadmin").get("/certificates/numbering/").content.decode()
    rows = re.findall(r'data-testid="pending-(\d+)"', text)
    assert len(rows) == 500 and "仅显示前 500 本" in text
    waiting = Certificate.objects.filter(number="", source=CertificateSource.ISSUED)
    assert [int(r) for r in rows] == list(waiting.order_by("document_number", "pk").values_list("pk", flat=True)[:500])


PAGES = [
    ("zjadmin", "/certificates/"),
    ("hzadmin", "/certificates/"),
    ("xhadmin", "/certificates/"),
    ("hospitaladmin", "/certificates/unit/"),
    ("zjadmin", "/certificates/numbering/"),
    ("xhadmin", "/certificates/numbering/"),
]


def _queries(client, url):
    client.get(url)  # anything a first request caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_each_page_sends_as_many_queries_with_many_rows_as_with_few(login, orgs, persona, url):
    client = login(persona)
    hospital, company = orgs["杭州市第一人民医院"], orgs["杭州西湖数智科技有限公司"]
    _make(hospital, 2)
    _make(company, 1, tag="P", pending=True, batch="浙人社〔2026〕1号")
    few = _queries(client, url)
    _make(hospital, 120, tag="M")
    _make(company, 120, tag="N")
    for b in range(8):
        _make(company, 10, tag=f"W{b}", pending=True, batch=f"浙人社〔2026〕{b + 2}号")
        _make(hospital, 10, tag=f"V{b}", pending=True, batch=f"浙人社〔2027〕{b + 2}号")
    assert _queries(client, url) == few
