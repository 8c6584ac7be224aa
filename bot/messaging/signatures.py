"""Is this webhook call really from the messaging app? (Twilio's check is its library's.)"""
from __future__ import annotations

import hashlib
import hmac
from typing import Optional


def meta_signature_valid(
    app_secret: str, body: bytes, sha256_header: Optional[str], sha1_header: Optional[str]
) -> bool:
    """Meta signs every webhook body with the app secret.

    It sends `X-Hub-Signature-256: sha256=<hex>` and the older
    `X-Hub-Signature: sha1=<hex>`; the SHA-256 one is checked when present.
    """
    if sha256_header:
        return _hmac_matches(app_secret, body, sha256_header, "sha256")
    if sha1_header:
        return _hmac_matches(app_secret, body, sha1_header, "sha1")
    return False


def same_secret(expected: str, given: Optional[str]) -> bool:
    """Constant-time comparison of a shared secret (Telegram's secret token)."""
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))


def _hmac_matches(secret: str, body: bytes, header: str, algorithm: str) -> bool:
    prefix = f"{algorithm}="
    if not header.startswith(prefix):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, getattr(hashlib, algorithm)).hexdigest()
    return same_secret(expected, header[len(prefix):].strip().lower())
