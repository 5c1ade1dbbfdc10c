"""The client's IP address: one rule for the audit log, the login log, lockout, captcha, SMS caps and
API throttles (ADR 0019).

A header is only as trustworthy as whoever set it. `REMOTE_ADDR` is the peer of the TCP connection and
cannot be forged; `X-Forwarded-For` and `X-Real-IP` are typed by whoever sends the request. So the
headers are read only when the peer is one of our own proxies (setting `TRUSTED_PROXIES`, addresses or
CIDR ranges; empty by default, which trusts no header at all).

From a trusted proxy, `X-Forwarded-For` is walked from the right — each proxy appends the address it
received the request from — skipping our own proxies; the first address that is not ours is the
client. Anything further left was written by the client and is ignored. `X-Real-IP` counts only when
a trusted proxy sent no `X-Forwarded-For`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    """The configured proxies as networks (a bare address is a /32 or /128)."""
    configured = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return _networks(tuple(configured))


def parse_address(value: str | None) -> Address | None:
    """An address from a header or REMOTE_ADDR, or None when it is not one.

    Accepts the forms proxies write: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`.
    An IPv4 address mapped into IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address.
    """
    text = (value or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def peer_is_trusted(address: Address) -> bool:
    """Whether the TCP peer is one of our own proxies."""
    return _trusted(address, trusted_networks())


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, as text, or None when it cannot be told."""
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    networks = trusted_networks()
    if not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        nearest = peer
        for hop in reversed(forwarded.split(",")):
            address = parse_address(hop)
            if address is None:
                # A proxy of ours passed on something that is not an address: the last address we
                # can vouch for is the nearest hop.
                return str(nearest)
            if not _trusted(address, networks):
                return str(address)
            nearest = address
        # Every hop is one of ours (a health check from inside, say): the farthest one is the client.
        return str(nearest)
    real_ip = parse_address(request.META.get("HTTP_X_REAL_IP"))
    return str(real_ip if real_ip is not None else peer)
