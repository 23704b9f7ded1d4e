"""Failed sign-ins, counted per account and per source address: past either limit, a sign-in is refused before any
password is checked, until the window turns.

Counted in PostgreSQL (the rate limiter's windows), so every API replica shares the counts. Only failures count, and
the account's key is the name typed (tenant and username), whether or not such an account exists: a refusal says
nothing about which accounts exist. A correct password during a throttled window is refused too; that is the point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dvt.application.ports import UnitOfWorkFactory
from dvt.domain.errors import QuotaExceededError

WINDOW = timedelta(minutes=5)  # the rate limiter keeps windows about this long (`RateLimiter.check`)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    units: UnitOfWorkFactory
    per_account: int  # failed sign-ins per account per window (0: no limit)
    per_address: int  # failed sign-ins per source address per window (0: no limit)
    clock: Callable[[], datetime] = _utc_now

    async def admit(self, tenant: str, username: str, address: str | None) -> None:
        """Refuse (QuotaExceededError, with when to retry) an account or address past its failures this window."""
        window = self._window()
        async with self.units() as uow:
            for key, limit in self._keys(tenant, username, address):
                if limit > 0 and await uow.rate_limits.count(key, window) >= limit:
                    retry = (window + WINDOW - self.clock()).total_seconds()
                    raise QuotaExceededError(
                        f"too many failed sign-ins; try again in {max(retry, 1):.0f} s", max(retry, 1.0)
                    )

    async def failed(self, tenant: str, username: str, address: str | None) -> None:
        window = self._window()
        async with self.units() as uow:
            for key, limit in self._keys(tenant, username, address):
                if limit > 0:
                    await uow.rate_limits.hit(key, window)
            await uow.commit()

    def _window(self) -> datetime:
        now = self.clock()
        start = now.replace(second=0, microsecond=0)
        return start - timedelta(minutes=start.minute % int(WINDOW.total_seconds() // 60))

    def _keys(self, tenant: str, username: str, address: str | None) -> list[tuple[str, int]]:
        # Hashed: what was typed may hold anything (a NUL, megabytes) and is no key to store as it is.
        keys = [(f"login-account:{_digest(tenant.lower(), username.lower())}", self.per_account)]
        if address:
            keys.append((f"login-address:{_digest(address)}", self.per_address))
        return keys


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
