"""证书查验 without login: by 证书编号 + 姓名 or by the QR link (the number bound by an HMAC). Data masked, status
shown; a changed number or forged token looks like not found; lookups limited per address (429 in Chinese)
and logged so that the holder sees who looked (the organisation when signed in, counts by day otherwise)."""

import pytest

from title_review.certificates.models import VerificationLookup
from title_review.certificates.tokens import verification_token

from .helpers import APPLICANT_ID

pytestmark = pytest.mark.django_db


def _url(certificate):
    return f"/certificates/verify/{verification_token(certificate.number)}/"


def test_the_qr_link_shows_the_certificate_masked_and_valid_without_login(
    client, ecert_world, django_assert_max_num_queries
):
    certificate = ecert_world["mine"]
    with django_assert_max_num_queries(4):
        response = client.get(_url(certificate))
    text = response.content.decode()
    assert response.status_code == 200
    assert "有效" in text and "已撤销" not in text
    assert certificate.number in text and certificate.qualification_name in text and "浙人社〔2026〕1号" in text
    assert "韩**" in text and "韩申报" not in text
    assert "330106********1236" in text and APPLICANT_ID not in text
    assert response["Cache-Control"] == "no-store"


def test_a_changed_number_or_a_forged_signature_is_refused_as_not_found(client, ecert_world):
    mine, school = ecert_world["mine"], ecert_world["school"]
    token = verification_token(mine.number)
    signature = token.rsplit(":", 1)[1]
    for forged in (
        f"{school.number}:{signature}",  # another certificate's number with this one's signature
        f"{mine.number}:{signature[:-2]}xx",  # a forged signature
        mine.number,  # no signature at all
        "not-a-token",
    ):
        response = client.get(f"/certificates/verify/{forged}/")
        assert response.status_code == 404, forged
        text = response.content.decode()
        assert "未查到该证书" in text and mine.number not in text and school.number not in text
    assert not VerificationLookup.objects.exists()


def test_the_form_finds_a_certificate_by_number_and_name_only(client, ecert_world):
    mine = ecert_world["mine"]
    page = client.get("/certificates/verify/")
    assert page.status_code == 200 and "证书编号" in page.content.decode()
    found = client.post("/certificates/verify/", {"number": mine.number, "name": "韩申报"})
    assert found.status_code == 200 and "有效" in found.content.decode()
    wrong_name = client.post("/certificates/verify/", {"number": mine.number, "name": "朱老师"})
    assert "未查到该证书" in wrong_name.content.decode() and mine.qualification_name not in wrong_name.content.decode()
    empty = client.post("/certificates/verify/", {"number": "", "name": ""})
    assert "请填写证书编号" in empty.content.decode()


def test_each_lookup_is_logged_and_the_holder_sees_who_looked(client, login, ecert_world):
    mine = ecert_world["mine"]
    client.get(_url(mine))
    client.post("/certificates/verify/", {"number": mine.number, "name": "韩申报"})
    login("hzadmin").get(_url(mine))  # signed in: the 杭州市职改办 looked
    rows = VerificationLookup.objects.filter(certificate=mine)
    assert rows.filter(signed_in=False).count() == 2
    assert list(rows.filter(signed_in=True).values_list("organisation__name", flat=True)) == [
        "杭州市职称工作领导小组办公室"
    ]
    text = login("applicant").get("/certificates/mine/").content.decode()
    assert "杭州市职称工作领导小组办公室" in text
    assert "未登录查验" in text and ">2<" in text.replace(" ", "")


def test_scraping_is_stopped_with_a_chinese_429_page(client, ecert_world, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/minute"
    url = _url(ecert_world["mine"])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    blocked = client.get(url)
    assert blocked.status_code == 429
    assert "查验过于频繁" in blocked.content.decode() and int(blocked["Retry-After"]) > 0
    # The form counts against the same address, and a blocked lookup is not logged.
    assert client.post("/certificates/verify/", {"number": "x", "name": "y"}).status_code == 429
    assert VerificationLookup.objects.filter(certificate=ecert_world["mine"]).count() == 3
    # Another address still gets through.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_down_cache_fails_closed_with_a_chinese_503(client, ecert_world, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get(_url(ecert_world["mine"]))
    assert response.status_code == 503
    assert "系统繁忙" in response.content.decode()
