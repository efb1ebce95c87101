"""Short-lived signed download links: HMAC-SHA256 over the document id and an expiry."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class DownloadLinks:
    """Signs and checks `/documents/{id}?expires=…&signature=…` links."""

    key: bytes
    ttl_seconds: int

    def _mac(self, document_id: uuid.UUID, expires: int) -> str:
        message = f"{document_id.hex}:{expires}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def sign(self, document_id: uuid.UUID, now: float | None = None) -> tuple[int, str]:
        """An expiry (Unix seconds) and the signature for it."""
        expires = int((now if now is not None else time.time()) + self.ttl_seconds)
        return expires, self._mac(document_id, expires)

    def path(self, document_id: uuid.UUID, global_id: str) -> str:
        """The signed path of a document's download."""
        expires, signature = self.sign(document_id)
        return f"/documents/{global_id}?expires={expires}&signature={signature}"

    def verify(
        self, document_id: uuid.UUID, expires: str, signature: str, now: float | None = None
    ) -> bool:
        """Whether a presented link is authentic and not expired."""
        if not expires.isdigit() or len(signature) != 64:
            return False
        if int(expires) < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(self._mac(document_id, int(expires)), signature)
