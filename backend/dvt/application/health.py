"""Readiness: whether this process can serve requests now, which is whether it reaches its database and its
artifact store. Both are asked at once, each within the same short timeout."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from dvt.domain.errors import ArtifactStoreUnavailableError, DatabaseUnavailableError

log = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0  # a load balancer asks often; a hung server must not hang the answer
OK = "ok"


class DatabaseProbe(Protocol):
    async def ping(self) -> None:
        """One round trip (SELECT 1); raises DatabaseUnavailableError when the server cannot be reached."""
        ...


class ArtifactStoreProbe(Protocol):
    async def probe(self) -> None:
        """One cheap round trip; raises ArtifactStoreUnavailableError when the store cannot be reached."""
        ...


@dataclass(frozen=True, slots=True)
class Readiness:
    database: str  # "ok", or what is wrong, in words fit for an operator (no addresses, no credentials)
    artifact_store: str = OK  # the same, for the store of raw artifact files

    @property
    def ready(self) -> bool:
        return self.database == OK and self.artifact_store == OK


class HealthService:
    def __init__(
        self,
        probe: DatabaseProbe,
        artifacts: ArtifactStoreProbe | None = None,
        *,
        timeout_seconds: float = READINESS_TIMEOUT_SECONDS,
    ) -> None:
        self._probe = probe
        self._artifacts = artifacts
        self._timeout = timeout_seconds

    async def readiness(self) -> Readiness:
        checks = [self._check("database", self._probe.ping, DatabaseUnavailableError)]
        if self._artifacts is not None:
            checks.append(self._check("artifact store", self._artifacts.probe, ArtifactStoreUnavailableError))
        database, *artifact_store = await asyncio.gather(*checks)
        return Readiness(database, *artifact_store)

    async def _check(
        self,
        name: str,
        probe: Callable[[], Awaitable[None]],
        unavailable: type[DatabaseUnavailableError | ArtifactStoreUnavailableError],
    ) -> str:
        try:
            async with asyncio.timeout(self._timeout):
                await probe()
        except unavailable as error:
            log.info("not ready: %s (%s)", error, error.cause)
            return str(error)
        except TimeoutError:
            return f"the {name} did not answer within {self._timeout:g} s"
        except Exception as error:  # readiness answers, whatever the probe met; the log has the rest
            log.warning("%s readiness probe failed", name, exc_info=True)
            return f"the {name} check failed ({type(error).__name__})"
        return OK
