"""Personal fields of missing persons, encrypted one by one with AES-256-GCM (`cryptography`).

Each field is sealed with a fresh 96-bit nonce and bound (as associated data) to where it lives,
e.g. `case:MP-7K2Q-9XTD:names`: a ciphertext copied into another column or case does not open.
Name keys for the list index are keyed hashes (HMAC-SHA256 under a key derived from the same
key), so the index finds a name's entries without holding the name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from civwatch import settings


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._index_key = hashlib.sha256(b"civwatch-missing-index:" + key).digest()

    def seal(self, value: Any, where: str) -> str | None:
        if value is None or value == "" or value == []:
            return None
        nonce = os.urandom(12)
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plain, where.encode())).decode("ascii")

    def open(self, token: str | None, where: str) -> Any:
        if not token:
            return None
        blob = base64.b64decode(token)
        try:
            plain = self._aead.decrypt(blob[:12], blob[12:], where.encode())
        except InvalidTag:
            raise ValueError(f"the field {where} does not open with this key (wrong key, or moved or edited)") from None
        return json.loads(plain)

    def index_key(self, key: str) -> str:
        return hmac.new(self._index_key, key.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


@lru_cache(maxsize=4)
def _cipher(key: bytes) -> FieldCipher:
    return FieldCipher(key)


def cipher() -> FieldCipher:
    return _cipher(settings.missing_key())
