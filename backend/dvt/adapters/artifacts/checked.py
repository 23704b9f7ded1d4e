"""What both artifact stores do on read: check the bytes against the sha256 their key names."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, AsyncIterable

from dvt.domain.errors import StoredArtifactCorruptError


def checked(data: bytes, sha256: str) -> bytes:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredArtifactCorruptError(sha256)
    return data


async def checked_chunks(chunks: AsyncIterable[bytes], sha256: str) -> AsyncGenerator[bytes, None]:
    """The chunks as they come, hashed on the way; the last one only once the whole file matched. A mismatch
    raises instead of giving the last chunk, so whoever reads never holds the complete wrong file (a download
    is cut short, which its client sees against Content-Length)."""
    digest = hashlib.sha256()
    held: bytes | None = None
    async for chunk in chunks:
        if not chunk:
            continue
        digest.update(chunk)
        if held is not None:
            yield held
        held = chunk
    if digest.hexdigest() != sha256:
        raise StoredArtifactCorruptError(sha256)
    if held is not None:
        yield held
