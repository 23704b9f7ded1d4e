"""Raw artifact files through the API, from either store: DVT wired by bootstrap with DVT_ARTIFACT_STORE=s3://...
against a real SeaweedFS on loopback, and the default local folder. Ingested files come back byte for byte,
streamed in chunks; a file the store corrupted is never served whole; /readyz reports the store.

Downloads are driven at the ASGI level, where each chunk the route sends can be seen (httpx's ASGI transport
joins them)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import obstore
import pytest

from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.records import ArtifactRecord
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import token_for
from tests.conftest import FIXTURES
from tests.support.seaweedfs import SeaweedS3, seaweedfs  # noqa: F401

LARGE = "fivetran__dbt_hubspot/manifest__2025-07-30_dbt1.10.6.json"  # 2.5 MB: several chunks
SMALL = "dbt-labs__dbt-core/manifest__state_v12.json"


async def s3_services(settings: Settings, server: SeaweedS3, prefix: str, stack: AsyncExitStack) -> Services:
    """DVT as `dvt serve` wires it with DVT_ARTIFACT_STORE=s3://bucket/prefix and the usual AWS variables (set
    only while the store is made: it reads them then)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
            patch.delenv(name, raising=False)
        for name, value in server.environment().items():
            patch.setenv(name, value)
        on_s3 = settings.model_copy(update={"artifact_store": f"s3://{server.bucket}/{prefix}"})
        return await stack.enter_async_context(services(on_s3, migrate=False))


@pytest.fixture(scope="module")
async def s3_app(settings: Settings, seaweedfs: SeaweedS3) -> AsyncIterator[Services]:  # noqa: F811
    async with AsyncExitStack() as stack:
        yield await s3_services(settings, seaweedfs, f"api-{uuid.uuid4().hex[:8]}", stack)


@pytest.fixture(params=["s3", "local"])
def served(request: pytest.FixtureRequest) -> Services:
    """DVT with its artifacts on S3, or in the default local folder."""
    return request.getfixturevalue("s3_app" if request.param == "s3" else "app")  # type: ignore[no-any-return]


@dataclass
class Answer:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    complete: bool = False  # the last body message said "no more body"
    raised: BaseException | None = None

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


async def download(app: Services, token: str, artifact_id: uuid.UUID) -> Answer:
    """GET /api/artifacts/ID through the ASGI app, recording each message it sends."""
    path = f"/api/artifacts/{artifact_id}"
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"dvt.test"), (b"authorization", f"Bearer {token}".encode())],
        "server": ("dvt.test", 80), "client": ("127.0.0.1", 50000),
    }  # fmt: skip
    answer = Answer()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            if message.get("body"):
                answer.chunks.append(message["body"])
            answer.complete = not message.get("more_body", False)

    try:
        await create_app(app)(scope, receive, send)
    except Exception as error:  # what a server does then: drop the connection mid-body
        answer.raised = error
    return answer


async def ingested(app: Services, scope: TenantScope, name: str) -> ArtifactRecord:
    files = [ArtifactFile(name.rsplit("/", 1)[-1], (FIXTURES / name).read_bytes())]
    report = await app.ingest.ingest(Access.system(scope), IngestTarget("proj", "prod"), files)
    [record] = await app.graph.artifacts_of(Access.system(scope), [report.graph_version_id])  # type: ignore[list-item]
    return record


async def test_an_ingested_manifest_downloads_byte_for_byte_in_chunks(served: Services, scope: TenantScope) -> None:
    record = await ingested(served, scope, LARGE)
    answer = await download(served, await token_for(served, scope, "viewer"), record.id)
    original = (FIXTURES / LARGE).read_bytes()
    assert (answer.status, answer.raised, answer.complete) == (200, None, True)
    assert answer.body == original and answer.headers["content-length"] == str(len(original))
    assert len(answer.chunks) > 1, "streamed from the store, not read whole first"


async def test_an_ingested_file_is_kept_in_the_bucket(
    s3_app: Services,
    scope: TenantScope,
    seaweedfs: SeaweedS3,  # noqa: F811
) -> None:
    record = await ingested(s3_app, scope, SMALL)
    [prefix] = [p for p in obstore.list_with_delimiter(seaweedfs.client())["common_prefixes"] if p.startswith("api-")]
    kept = obstore.get(seaweedfs.client(), f"{prefix}/{record.storage_key}").bytes()
    assert bytes(kept) == (FIXTURES / SMALL).read_bytes()


async def test_a_corrupted_object_is_never_served_whole(
    s3_app: Services,
    scope: TenantScope,
    seaweedfs: SeaweedS3,  # noqa: F811
) -> None:
    record = await ingested(s3_app, scope, LARGE)
    [prefix] = [p for p in obstore.list_with_delimiter(seaweedfs.client())["common_prefixes"] if p.startswith("api-")]
    original = (FIXTURES / LARGE).read_bytes()
    flipped = original[:-2] + bytes([original[-2] ^ 1]) + original[-1:]  # same size, one bit off near the end
    obstore.put(seaweedfs.client(), f"{prefix}/{record.storage_key}", flipped)
    token = await token_for(s3_app, scope, "viewer")

    answer = await download(s3_app, token, record.id)
    assert answer.status == 200 and answer.raised is not None and not answer.complete
    assert len(answer.body) < int(answer.headers["content-length"]), "cut short: a client sees an incomplete body"

    obstore.put(seaweedfs.client(), f"{prefix}/{record.storage_key}", b"{}")  # another size: refused up front
    refused = await download(s3_app, token, record.id)
    assert refused.status == 500 and refused.chunks and b"does not match its sha256" in refused.body


async def test_readyz_reports_an_s3_store_that_stopped(settings: Settings) -> None:
    server = SeaweedS3()
    try:
        server.start()
        async with AsyncExitStack() as stack:
            app = await s3_services(settings, server, "ready", stack)
            transport = httpx.ASGITransport(app=create_app(app))
            async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test") as http:
                up = await http.get("/readyz")
                server.stop()
                down, live = await http.get("/readyz"), await http.get("/livez")
    finally:
        server.remove()
    assert (up.status_code, up.json()) == (200, {"status": "ready", "database": "ok", "artifact_store": "ok"})
    assert down.status_code == 503 and down.headers["retry-after"].isdigit()
    assert down.json()["database"] == "ok" and down.json()["artifact_store"] != "ok"
    assert "artifact store" in down.json()["artifact_store"] and server.endpoint not in down.text
    assert (live.status_code, live.json()) == (200, {"status": "ok"})  # liveness asks nothing of the store
