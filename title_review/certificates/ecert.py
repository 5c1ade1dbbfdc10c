"""电子证书: the PDF of a numbered certificate, with a QR code to its public verification page, signed by
the installation's key (PAdES, certificates.signing).

Laid out with the project's WeasyPrint stack and vendored font (printing.renderer, ADR 0013); the QR code
is drawn here by segno as an inline SVG (no network, no file). The identity number is printed masked.
"""

from typing import Any

from django.utils import timezone

from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity
from title_review.printing.renderer import render_pdf

from .models import Certificate
from .signing import sign_pdf

TEMPLATE = "certificates/ecert.html"


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data: URI (error correction M, a quiet zone of 4 modules)."""
    import segno

    return str(segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4))


def ecert_context(certificate: Certificate, *, verify_url: str) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "masked_id": mask_identity(certificate.id_number),
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "issued_on": certificate.obtained_on,
        "made_at": timezone.localtime(),
    }


def ecert_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The signed 电子证书 of a numbered certificate; `verify_url` is the absolute URL its QR code opens."""
    if not certificate.number:
        raise DomainError("该证书尚未编号，还没有电子证书。")
    pdf = render_pdf(TEMPLATE, ecert_context(certificate, verify_url=verify_url))
    return sign_pdf(
        pdf,
        reason=f"电子证书 {certificate.number}",
        location=certificate.issuing_body or "",
    )
