"""The artifact store on S3 or any S3-compatible server (SeaweedFS, MinIO, AWS), through obstore.

obstore (Rust's object_store) gives async reads and writes without threads and streams a download in chunks
(docs/decisions/0012-artifact-store.md). Where the server is, and who DVT is there, come from the usual AWS
variables; the secret key is handed to obstore and to nothing else (no message or log line carries it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

import obstore
from obstore.exceptions import AlreadyExistsError, PermissionDeniedError, UnauthenticatedError
from obstore.exceptions import NotFoundError as ObstoreNotFoundError
from obstore.store import S3Store

from dvt.adapters.artifacts.checked import checked, checked_chunks
from dvt.application.ports import ArtifactStream
from dvt.domain.errors import ArtifactStoreError, ArtifactStoreUnavailableError, StoredArtifactMissingError

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024  # a download is passed on in chunks of at least this much (the last may be smaller)
READY_MARKER = ".dvt-ready"  # a tiny object readiness looks at; written once when missing
DEFAULT_REGION = "us-east-1"  # what S3-compatible servers expect when none is named


@dataclass(frozen=True, slots=True)
class S3Connection:
    """Where the bucket is served and who DVT is there. `repr` leaves the secrets out."""

    endpoint: str | None = None  # None: AWS itself, by region
    region: str = DEFAULT_REGION
    access_key_id: str | None = None  # None: obstore's own chain (instance metadata, web identity...)
    secret_access_key: str | None = None
    session_token: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> S3Connection:
        """AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL; AWS_REGION or AWS_DEFAULT_REGION; AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: the names every AWS SDK reads."""
        return cls(
            endpoint=environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") or None,
            region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
            access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
            secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
            session_token=environ.get("AWS_SESSION_TOKEN") or None,
        )

    def __repr__(self) -> str:
        return f"S3Connection(endpoint={self.endpoint!r}, region={self.region!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(value for value in (self.secret_access_key, self.session_token) if value)


class S3ArtifactStore:
    def __init__(
        self,
        bucket: str,
        prefix: str,
        connection: S3Connection,
        *,
        timeout: timedelta = timedelta(seconds=60),
        max_retries: int = 3,
    ) -> None:
        config: dict[str, str] = {"region": connection.region}
        if connection.endpoint:
            config["endpoint"] = connection.endpoint
        if connection.access_key_id and connection.secret_access_key:
            config["access_key_id"] = connection.access_key_id
            config["secret_access_key"] = connection.secret_access_key
            if connection.session_token:
                config["session_token"] = connection.session_token
        self._secrets = connection.secrets
        self._store = S3Store(
            bucket,
            prefix=prefix or None,
            config=config,  # type: ignore[arg-type]  # S3Config is a TypedDict of these keys
            client_options={
                # http only when the operator named an http endpoint (a server on loopback or in compose)
                "allow_http": bool(connection.endpoint and connection.endpoint.startswith("http://")),
                "connect_timeout": timedelta(seconds=5),
                "timeout": timeout,
            },
            retry_config={
                "max_retries": max_retries,
                "retry_timeout": timeout,
                "backoff": {
                    "init_backoff": timedelta(milliseconds=100),
                    "max_backoff": timedelta(seconds=5),
                    "base": 2,
                },
            },
        )

    async def put(self, key: str, data: bytes) -> None:
        try:
            # Written only if absent: the key is the content's hash, so a key already there holds these bytes.
            await obstore.put_async(self._store, key, data, mode="create")
        except AlreadyExistsError:
            return
        except Exception as error:
            raise self._failure(error, "write") from None

    async def get(self, key: str, sha256: str) -> bytes:
        try:
            result = await obstore.get_async(self._store, key)
            data = bytes(await result.bytes_async())
        except (FileNotFoundError, ObstoreNotFoundError):
            raise StoredArtifactMissingError(sha256) from None
        except Exception as error:
            raise self._failure(error, "read") from None
        return checked(data, sha256)

    async def open(self, key: str, sha256: str) -> ArtifactStream:
        try:
            result = await obstore.get_async(self._store, key)
        except (FileNotFoundError, ObstoreNotFoundError):
            raise StoredArtifactMissingError(sha256) from None
        except Exception as error:
            raise self._failure(error, "read") from None
        return ArtifactStream(result.meta["size"], checked_chunks(self._chunks(result), sha256))

    async def _chunks(self, result: obstore.GetResult) -> AsyncIterator[bytes]:
        try:
            async for chunk in result.stream(min_chunk_size=CHUNK_BYTES):
                yield bytes(chunk)
        except Exception as error:
            raise self._failure(error, "read") from None

    async def probe(self) -> None:
        """One HEAD of a marker object. The first time (or if someone removed it) the marker is written, which
        also proves the bucket exists and DVT may write there; a HEAD alone cannot tell a missing bucket from a
        missing object."""
        try:
            try:
                await obstore.head_async(self._store, READY_MARKER)
            except (FileNotFoundError, ObstoreNotFoundError):
                await obstore.put_async(self._store, READY_MARKER, b"")
        except Exception as error:
            raise self._failure(error, "reach", level=logging.INFO) from None  # readiness says so, every probe

    def _failure(self, error: Exception, doing: str, *, level: int = logging.WARNING) -> ArtifactStoreError:
        cause = str(error)
        for secret in self._secrets:  # obstore does not print them; if one ever did, it stops here
            cause = cause.replace(secret, "[redacted]")
        cause = f"{type(error).__name__}: {cause}"
        log.log(level, "artifact store: could not %s: %s", doing, cause)
        if isinstance(error, PermissionDeniedError | UnauthenticatedError):
            return ArtifactStoreUnavailableError(cause, "the artifact store refused DVT's credentials")
        return ArtifactStoreUnavailableError(cause)
