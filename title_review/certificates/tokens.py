"""The 证书查验 QR code's token: the certificate number bound to the installation's secret by an HMAC.

`/certificates/verify/<token>/` carries the number in clear and its signature: a changed number or a forged
signature is refused exactly as a number that does not exist (no hint which). The secret is SECRET_KEY with
a salt of its own, so a token is worth nothing on another installation and nothing outside this page."""

from django.core import signing

SALT = "title_review.certificates.verify"


def verification_token(number: str) -> str:
    return signing.Signer(salt=SALT).sign(number)


def number_from_token(token: str) -> str | None:
    """The certificate number the token was made for, or None when it was not made here."""
    try:
        return signing.Signer(salt=SALT).unsign(token or "")
    except signing.BadSignature:
        return None
