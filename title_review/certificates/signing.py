"""电子证书 signatures (PAdES, pyHanko): the installation's key and certificate chain sign every 电子证书 PDF.

Where the key lives is configuration (settings.CERTIFICATE_SIGNING: paths to the private key, the signing
certificate and the chain up to the CA whose root is trusted when a PDF is checked). Production refuses to
start without them (system check certificates.E001, config/settings/prod.py); development and tests use a
test CA that `manage.py make_test_ca <dir>` makes, or that is made on first use when TEST_CA is on.

ADR 0039 says why pyHanko and why the signature is PAdES B-B (no time stamp: no network at run time).
"""

import asyncio
import datetime as dt
import functools
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

KEY_FILE = "signer.key"
CERT_FILE = "signer.pem"
CA_FILE = "ca.pem"


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    trust_roots: tuple[Path, ...]
    key_passphrase: bytes | None


def configured_files() -> SigningFiles:
    conf: dict[str, Any] = settings.CERTIFICATE_SIGNING
    passphrase_env = str(conf.get("KEY_PASSPHRASE_ENV") or "")
    passphrase = os.environ.get(passphrase_env, "") if passphrase_env else ""
    chain = [Path(p) for p in conf.get("CHAIN", ())]
    return SigningFiles(
        key=Path(conf["KEY"]),
        cert=Path(conf["CERT"]),
        chain=tuple(chain),
        trust_roots=tuple(Path(p) for p in conf.get("TRUST_ROOTS", chain)),
        key_passphrase=passphrase.encode() if passphrase else None,
    )


def missing_files() -> list[str]:
    """What signing still lacks: the settings left empty, then the configured files that are not there."""
    conf: dict[str, Any] = settings.CERTIFICATE_SIGNING
    empty = [name for name in ("KEY", "CERT", "CHAIN") if not conf.get(name)]
    if empty:
        return [f"CERTIFICATE_SIGNING {name}" for name in empty]
    files = configured_files()
    return [str(p) for p in (files.key, files.cert, *files.chain, *files.trust_roots) if not p.is_file()]


def make_test_ca(folder: Path, *, organisation: str = "职称评审管理信息系统（测试）") -> SigningFiles:
    """A self-signed test CA and a signing certificate it issued, written into `folder` (development only).

    The CA's own key is not kept: the folder can sign certificates, not issue new signing certificates.
    Written into a temporary folder first and moved into place, so two processes making it at once each
    leave a complete set (the last one wins)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("测试根证书 Test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("电子证书签名（测试）"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        KEY_FILE: key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        CERT_FILE: cert.public_bytes(serialization.Encoding.PEM),
        CA_FILE: ca_cert.public_bytes(serialization.Encoding.PEM),
    }
    # The CA last: a folder with ca.pem is complete (ensure_test_ca looks for it).
    for filename in (KEY_FILE, CERT_FILE, CA_FILE):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{filename}.")
        with os.fdopen(handle, "wb") as out:
            out.write(contents[filename])
        if filename == KEY_FILE:
            os.chmod(temporary, 0o600)
        os.replace(temporary, folder / filename)
    return SigningFiles(
        key=folder / KEY_FILE,
        cert=folder / CERT_FILE,
        chain=(folder / CA_FILE,),
        trust_roots=(folder / CA_FILE,),
        key_passphrase=None,
    )


def ensure_test_ca() -> None:
    """Development and tests (TEST_CA on): make the test CA where the settings point when it is missing.

    Made in a folder of its own and renamed into place: processes starting at once (test workers) end
    with one complete set, whichever renames first."""
    conf: dict[str, Any] = settings.CERTIFICATE_SIGNING
    if not conf.get("TEST_CA") or not missing_files():
        return
    folder = Path(conf["KEY"]).parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    make_test_ca(fresh)
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        os.rename(fresh, folder)
    except OSError:  # another process was first
        shutil.rmtree(fresh, ignore_errors=True)
    _signer.cache_clear()


@functools.cache
def _signer() -> Any:
    from pyhanko.sign import signers

    files = configured_files()
    signer = signers.SimpleSigner.load(
        key_file=str(files.key),
        cert_file=str(files.cert),
        ca_chain_files=tuple(str(p) for p in files.chain),
        key_passphrase=files.key_passphrase,
    )
    if signer is None:
        raise RuntimeError("电子证书签名密钥或证书无法读取，请检查 CERTIFICATE_SIGNING 配置。")
    return signer


def forget_signer() -> None:
    """Read the key and certificate again at the next signature (tests that switch CAs)."""
    _signer.cache_clear()


def _outside_event_loop(call: Callable[[], T]) -> T:
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which cannot start in a thread that
    already runs one (an ASGI server, a browser-driving test): there the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with one PAdES signature (B-B, SHA-256) by the installation's key over all of it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    ensure_test_ca()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="电子证书签名",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    signer = _signer()
    out = _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer))
    return bytes(out.getvalue())


@dataclass(frozen=True)
class Validation:
    valid: bool
    signer: str
    problem: str


def validate_pdf(pdf: bytes, *, trust_roots: tuple[Path, ...] | None = None) -> Validation:
    """Check the one signature of a PDF against the installation's CA (or `trust_roots`): intact, made by a
    certificate that chains to a trusted root, and covering the whole file."""
    from asn1crypto import cms, pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for path in trust_roots if trust_roots is not None else configured_files().trust_roots:
        data = Path(path).read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        roots.append(x509.Certificate.load(data))
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return Validation(False, "", f"应有 1 个签名，实有 {len(signatures)} 个")
        embedded = signatures[0]
        context = ValidationContext(trust_roots=roots)
        status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
        # /Contents is reserved larger than the signature and padded with zeros, outside what the signature
        # covers; a parser reads the signature and stops. A changed byte there is a changed file all the same.
        raw = bytes(embedded.sig_object["/Contents"])
        if any(raw[len(cms.ContentInfo.load(raw, strict=False).dump()) :]):
            return Validation(False, "", "签名值之后的填充被改动")
    except Exception as exc:  # a damaged file is an invalid one, whatever the parser says about it
        return Validation(False, "", f"{type(exc).__name__}: {exc}"[:200])
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if not status.bottom_line:
        return Validation(False, signer, "签名无效或证书不受信任")
    if not whole:
        return Validation(False, signer, "签名未覆盖整个文件")
    return Validation(True, signer, "")
