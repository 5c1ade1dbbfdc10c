"""System checks for settings that core reads."""

from typing import Any

from django.core.checks import Error, register

from .clientip import trusted_networks


@register()
def trusted_proxies_are_networks(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A typo in TRUSTED_PROXIES would otherwise surface as an error on every request."""
    try:
        trusted_networks()
    except (TypeError, ValueError) as exc:
        return [
            Error(
                f"TRUSTED_PROXIES holds something that is not an IP address or CIDR range: {exc}",
                hint="List the addresses of your own reverse proxies, e.g. 10.0.0.5,10.0.1.0/24.",
                id="core.E001",
            )
        ]
    return []
