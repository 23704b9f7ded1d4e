"""Both artifact stores, the local folder and S3 (a real SeaweedFS on loopback), held to the same behaviour:
content-addressed writes, reads checked against the sha256, streamed reads, a readiness probe. And the S3 store's
secret key stays out of every message and log line."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import obstore
import pytest

from dvt.adapters.artifacts.s3 import S3ArtifactStore, S3Connection
from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.application.health import HealthService
from dvt.application.ports import ArtifactStore
from dvt.domain.errors import ArtifactStoreUnavailableError, StoredArtifactCorruptError, StoredArtifactMissingError
from tests.support.seaweedfs import SeaweedS3, seaweedfs  # noqa: F401

MIB = 1024 * 1024


@dataclass
class Kit:
    store: ArtifactStore
    spoil: Callable[[str, bytes], None]  # writes bytes under a key behind the store's back


def _s3_store(server: SeaweedS3, prefix: str, **connection: str) -> S3ArtifactStore:
    settings = {**server.environment(), **connection}
    return S3ArtifactStore(server.bucket, prefix, S3Connection.from_environment(settings))


@pytest.fixture(params=["local", "s3"])
def kit(request: pytest.FixtureRequest, tmp_path: Path) -> Kit:
    if request.param == "local":

        def spoil_file(key: str, data: bytes) -> None:
            (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / key).write_bytes(data)

        return Kit(LocalArtifactStore(tmp_path), spoil_file)
    server: SeaweedS3 = request.getfixturevalue("seaweedfs")
    prefix = f"tests/{uuid.uuid4().hex}"  # a test's own corner of the shared bucket

    def spoil_object(key: str, data: bytes) -> None:
        obstore.put(server.client(), f"{prefix}/{key}", data)

    return Kit(_s3_store(server, prefix), spoil_object)


def _content(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _key(sha256: str) -> str:
    return f"{uuid.uuid4()}/{sha256[:2]}/{sha256}.json"  # the shape ingestion uses: tenant/ab/abcdef….json


async def _read_all(store: ArtifactStore, key: str, sha256: str) -> tuple[int, list[bytes]]:
    stream = await store.open(key, sha256)
    return stream.size, [chunk async for chunk in stream.chunks]


async def test_what_is_put_is_got_back(kit: Kit) -> None:
    data, sha256 = _content(3000)
    key = _key(sha256)
    await kit.store.put(key, data)
    assert await kit.store.get(key, sha256) == data


async def test_putting_a_key_again_keeps_the_first_bytes(kit: Kit) -> None:
    data, sha256 = _content(3000)
    key = _key(sha256)
    await kit.store.put(key, data)
    await kit.store.put(key, data)  # content-addressed: a second write of the same key is no error
    await kit.store.put(key, b"other bytes under the same key are never written")
    assert await kit.store.get(key, sha256) == data


async def test_bytes_that_do_not_match_their_sha256_are_refused(kit: Kit) -> None:
    data, sha256 = _content(3000)
    key = _key(sha256)
    kit.spoil(key, data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped, written straight into the store
    with pytest.raises(StoredArtifactCorruptError, match=sha256[:12]):
        await kit.store.get(key, sha256)


async def test_a_missing_file_is_named_missing(kit: Kit) -> None:
    _, sha256 = _content(10)
    with pytest.raises(StoredArtifactMissingError, match=f"{sha256[:12]} is missing"):
        await kit.store.get(_key(sha256), sha256)
    with pytest.raises(StoredArtifactMissingError):
        await kit.store.open(_key(sha256), sha256)  # before any byte is streamed


async def test_a_stream_gives_the_whole_file_in_chunks(kit: Kit) -> None:
    data, sha256 = _content(3 * MIB + 17)
    key = _key(sha256)
    await kit.store.put(key, data)
    size, chunks = await _read_all(kit.store, key, sha256)
    assert size == len(data) and b"".join(chunks) == data
    assert len(chunks) > 1, "read in chunks, not whole"


async def test_a_corrupt_stream_withholds_its_last_chunk(kit: Kit) -> None:
    data, sha256 = _content(3 * MIB)
    key = _key(sha256)
    kit.spoil(key, data[:-1] + bytes([data[-1] ^ 1]))
    stream = await kit.store.open(key, sha256)
    received: list[bytes] = []
    with pytest.raises(StoredArtifactCorruptError):
        async for chunk in stream.chunks:
            received.append(chunk)
    assert len(b"".join(received)) < len(data), "the reader never holds the complete wrong file"


async def test_the_probe_passes_when_the_store_is_reachable(kit: Kit) -> None:
    await kit.store.probe()
    assert (await HealthService(_AlwaysUp(), kit.store).readiness()).artifact_store == "ok"


class _AlwaysUp:
    async def ping(self) -> None:
        return None


async def test_readiness_reports_an_s3_server_that_stopped() -> None:
    server = SeaweedS3()
    try:
        server.start()
        health = HealthService(_AlwaysUp(), _s3_store(server, "ready"), timeout_seconds=10)
        up = await health.readiness()
        server.stop()
        down = await health.readiness()
    finally:
        server.remove()
    assert (up.ready, up.artifact_store) == (True, "ok")
    assert not down.ready and down.database == "ok"
    assert down.artifact_store == "the artifact store is unavailable: try again shortly"  # no address in it


async def test_readiness_reports_a_missing_bucket(seaweedfs: SeaweedS3) -> None:  # noqa: F811
    store = S3ArtifactStore("no-such-bucket", "", S3Connection.from_environment(seaweedfs.environment()))
    readiness = await HealthService(_AlwaysUp(), store).readiness()
    assert not readiness.ready and readiness.artifact_store != "ok"


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


async def test_a_wrong_secret_key_is_refused_without_being_repeated(
    seaweedfs: SeaweedS3,  # noqa: F811
    logged: pytest.LogCaptureFixture,
) -> None:
    wrong = "wrong-secret-" + uuid.uuid4().hex
    store = _s3_store(seaweedfs, "secrets", AWS_SECRET_ACCESS_KEY=wrong)
    data, sha256 = _content(100)
    with pytest.raises(ArtifactStoreUnavailableError) as refused:
        await store.put(_key(sha256), data)
    with pytest.raises(ArtifactStoreUnavailableError) as probed:
        await store.probe()
    said = [str(refused.value), refused.value.cause, str(probed.value), probed.value.cause, logged.text]
    assert all(wrong not in text for text in said)
    assert all(seaweedfs.secret_access_key not in text for text in said)
    assert "refused" in str(refused.value) or "unavailable" in str(refused.value)
    assert wrong not in repr(S3Connection.from_environment({"AWS_SECRET_ACCESS_KEY": wrong}))
