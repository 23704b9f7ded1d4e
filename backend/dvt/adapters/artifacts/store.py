"""The artifact store on a local folder (the default): content-addressed files, written atomically."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from dvt.adapters.artifacts.checked import checked, checked_chunks
from dvt.application.ports import ArtifactStream
from dvt.domain.errors import StoredArtifactMissingError

CHUNK_BYTES = 1024 * 1024  # a download reads this much at a time


class LocalArtifactStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root.resolve()):
            raise ValueError(f"artifact key escapes the store: {key!r}")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, self._path(key), data)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        if path.exists():
            return  # content-addressed: same key, same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get(self, key: str, sha256: str) -> bytes:
        try:
            data = await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise StoredArtifactMissingError(sha256) from None
        return checked(data, sha256)

    async def open(self, key: str, sha256: str) -> ArtifactStream:
        try:
            handle = await asyncio.to_thread(self._path(key).open, "rb")
        except FileNotFoundError:
            raise StoredArtifactMissingError(sha256) from None
        return ArtifactStream(os.fstat(handle.fileno()).st_size, checked_chunks(_chunks_of(handle), sha256))

    async def probe(self) -> None:
        def writable() -> None:
            self._root.mkdir(parents=True, exist_ok=True)
            if not os.access(self._root, os.W_OK):
                raise PermissionError("the artifact folder is not writable")

        await asyncio.to_thread(writable)


async def _chunks_of(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()
