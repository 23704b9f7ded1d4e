"""Readiness: whether this process can serve requests now, which is whether it reaches its database."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from dvt.domain.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0  # a load balancer asks often; a hung server must not hang the answer


class DatabaseProbe(Protocol):
    async def ping(self) -> None:
        """One round trip (SELECT 1); raises DatabaseUnavailableError when the server cannot be reached."""
        ...


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    database: str  # "ok", or what is wrong, in words fit for an operator (no addresses, no credentials)


class HealthService:
    def __init__(self, probe: DatabaseProbe, *, timeout_seconds: float = READINESS_TIMEOUT_SECONDS) -> None:
        self._probe = probe
        self._timeout = timeout_seconds

    async def readiness(self) -> Readiness:
        try:
            async with asyncio.timeout(self._timeout):
                await self._probe.ping()
        except DatabaseUnavailableError as error:
            log.info("not ready: %s (%s)", error, error.cause)
            return Readiness(False, str(error))
        except TimeoutError:
            return Readiness(False, f"the database did not answer within {self._timeout:g} s")
        except Exception as error:  # readiness answers, whatever the probe met; the log has the rest
            log.warning("readiness probe failed", exc_info=True)
            return Readiness(False, f"the database check failed ({type(error).__name__})")
        return Readiness(True, "ok")
