"""Malware scanning of uploads: settings.MALWARE_SCANNER names a Scanner class.

The default, EicarScanner, knows one signature only — the EICAR anti-virus test string — so that the
path from upload to refusal is exercised everywhere, in tests and on a machine without ClamAV.
ClamdScanner sends each upload to a ClamAV daemon (clamd) over its socket with the INSTREAM command;
production configures it from the environment (docs/deploy.md). When the daemon cannot be reached, the
upload is refused with a message to try later: an unscanned file is never stored.
"""

import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from .errors import DomainError

logger = logging.getLogger(__name__)

DEFAULT_SCANNER = "title_review.core.scanning.EicarScanner"
_CHUNK = 64 * 1024


def eicar() -> bytes:
    """The 68-byte EICAR test string, assembled here so this source file is not itself a test virus."""
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" + b"$H+H*"


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (daemon down, timeout, protocol error)."""


class Scanner:
    def scan(self, content: bytes) -> str | None:
        """The name of what was found, or None for a clean file. Raises ScannerUnavailable."""
        raise NotImplementedError


class EicarScanner(Scanner):
    def scan(self, content: bytes) -> str | None:
        return "EICAR-Test-File" if eicar() in content else None


class ClamdScanner(Scanner):
    """clamd's INSTREAM protocol: `zINSTREAM\\0`, then chunks each prefixed by its length as 4 bytes big
    endian, then a zero length; the answer is `stream: OK` or `stream: <name> FOUND` (or `... ERROR`).
    settings.CLAMD_ADDRESS is `unix:///run/clamav/clamd.ctl` or `tcp://host:3310`. Keep clamd's
    StreamMaxLength above the largest upload (20 MB), or it answers an error and uploads are refused."""

    def scan(self, content: bytes) -> str | None:
        try:
            with _connect(str(getattr(settings, "CLAMD_ADDRESS", ""))) as conn:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), _CHUNK):
                    chunk = content[start : start + _CHUNK]
                    conn.sendall(len(chunk).to_bytes(4, "big") + chunk)
                conn.sendall((0).to_bytes(4, "big"))
                reply = _read_reply(conn)
        except OSError as exc:
            raise ScannerUnavailable(type(exc).__name__) from exc
        if reply.endswith("ERROR") or not reply.startswith("stream:"):
            raise ScannerUnavailable(reply[:200])
        verdict = reply.removeprefix("stream:").strip()
        if verdict == "OK":
            return None
        if verdict.endswith("FOUND"):
            return verdict.removesuffix("FOUND").strip() or "unknown"
        raise ScannerUnavailable(reply[:200])


def _connect(address: str) -> socket.socket:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 30))
    parts = urlsplit(address)
    if parts.scheme == "unix":
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        conn.connect(parts.path)
        return conn
    if parts.scheme == "tcp" and parts.hostname:
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    raise OSError(f"CLAMD_ADDRESS must be unix:///path or tcp://host:port, not {address!r}")


def _read_reply(conn: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < 4096:
        data = conn.recv(4096)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


@lru_cache(maxsize=4)
def scanner_class(path: str) -> type[Scanner]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, Scanner)):
        raise TypeError("MALWARE_SCANNER must name a subclass of title_review.core.scanning.Scanner")
    return cls


def scanner_path() -> str:
    return str(getattr(settings, "MALWARE_SCANNER", DEFAULT_SCANNER) or DEFAULT_SCANNER)


def scan_upload(content: bytes, label: str) -> None:
    """Refuse `content` in Chinese when the configured scanner finds something or cannot answer."""
    try:
        found = scanner_class(scanner_path())().scan(content)
    except ScannerUnavailable as exc:
        logger.error("Malware scanner %s gave no verdict (%s)", scanner_path(), exc)
        raise DomainError(f"病毒扫描服务暂时不可用，{label}未能上传，请稍后再试。") from exc
    if found:
        logger.warning("Malware scanner refused an upload: %s", found)
        raise DomainError(
            f"{label}未通过病毒扫描（检出：{found}），不能上传。请检查文件来源，或用杀毒软件处理后重新生成。"
        )
