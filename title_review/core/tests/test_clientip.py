"""Which address is the client's: REMOTE_ADDR unless it is one of our proxies (ADR 0019)."""

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory

from title_review.core.clientip import client_ip

factory = RequestFactory()


def _ip(remote: str = "203.0.113.7", **headers: str) -> str | None:
    return client_ip(factory.get("/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_no_header_is_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip(HTTP_X_REAL_IP="1.1.1.1") == "203.0.113.7"
    assert _ip(HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2") == "203.0.113.7"


def test_an_untrusted_peer_cannot_name_another_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert _ip("198.51.100.9", HTTP_X_FORWARDED_FOR="1.1.1.1", HTTP_X_REAL_IP="2.2.2.2") == "198.51.100.9"


def test_from_a_trusted_proxy_the_first_untrusted_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    # The client typed "6.6.6.6" itself; nginx appended the address it saw, the load balancer its own.
    assert _ip("10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23, 192.0.2.1") == "198.51.100.23"
    assert _ip("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.23") == "198.51.100.23"


def test_from_a_trusted_proxy_x_real_ip_counts_only_without_x_forwarded_for(settings):
    settings.TRUSTED_PROXIES = "10.0.0.5"  # a comma-separated string, as the environment gives it
    assert _ip("10.0.0.5", HTTP_X_REAL_IP="198.51.100.23") == "198.51.100.23"
    assert _ip("10.0.0.5", HTTP_X_REAL_IP="1.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.23") == "198.51.100.23"
    assert _ip("10.0.0.5") == "10.0.0.5"


def test_garbage_in_a_forwarded_chain_stops_at_the_last_address_we_vouch_for(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _ip("10.0.0.5", HTTP_X_FORWARDED_FOR="unknown, 10.0.0.9") == "10.0.0.9"
    assert _ip("10.0.0.5", HTTP_X_REAL_IP="not-an-ip") == "10.0.0.5"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("198.51.100.23:51234", "198.51.100.23"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:198.51.100.23", "198.51.100.23"),
    ],
)
def test_the_forms_proxies_write_are_understood(settings, header, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert _ip("10.0.0.5", HTTP_X_FORWARDED_FOR=header) == expected


def test_a_typo_in_trusted_proxies_is_a_system_check_error(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.300"]
    assert "core.E001" in {message.id for message in run_checks()}
