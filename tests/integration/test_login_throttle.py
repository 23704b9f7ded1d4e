"""Failed sign-ins are counted per account and per source address: past either limit, a sign-in is refused before
any password is checked (a correct one too) until the window turns, whether the account exists or not; over HTTP the
refusal is a 429 with Retry-After, audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from dvt.adapters.auth.api_tokens import ApiTokenCodec
from dvt.adapters.auth.local_issuer import LocalIssuer
from dvt.adapters.secrets.envelope import EnvelopeCipher
from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.audit_ports import AuditQuery
from dvt.application.identity import IdentityService
from dvt.application.login_throttle import LoginThrottle
from dvt.application.services import Services
from dvt.application.tenancy import TenancyService
from dvt.domain.authentication import AuthenticationError
from dvt.domain.errors import QuotaExceededError
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import Tenant, TenantScope
from tests.integration.test_authentication import (
    CountingPasswords,
    IdentityUnits,
    issuer_cipher,
    sessions,
    tenant,
    units,
)

__all__ = [
    "issuer_cipher",
    "sessions",
    "tenant",
    "units",
]  # the identity tests' fixtures: a database session factory, a fresh tenant

PER_ACCOUNT, PER_ADDRESS = 3, 5


def _address() -> str:
    """An address of this test's own: the counts live in the database every test shares."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 10, 1, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def here() -> str:
    return _address()


@pytest.fixture
def there() -> str:
    return _address()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def passwords() -> CountingPasswords:
    return CountingPasswords()


@pytest.fixture
async def service(
    units: Callable[[], IdentityUnits], passwords: CountingPasswords, clock: Clock, issuer_cipher: EnvelopeCipher
) -> IdentityService:
    issuer = LocalIssuer(units, cipher=issuer_cipher)
    await issuer.ensure_signing_key()
    throttle = LoginThrottle(units, PER_ACCOUNT, PER_ADDRESS, clock=clock)
    return IdentityService(
        units, TenancyService(units), issuer.verifier(), passwords, ApiTokenCodec(), issuer=issuer, throttle=throttle
    )


async def _fail(service: IdentityService, tenant: str, username: str, address: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            await service.login(tenant, username, "wrong", address)


async def test_an_account_past_its_failures_is_refused_before_any_check_until_the_window_turns(
    service: IdentityService, tenant: Tenant, passwords: CountingPasswords, clock: Clock, here: str, there: str
) -> None:
    admin = await service.bootstrap_admin(tenant)
    assert admin is not None
    await _fail(service, tenant.slug, "admin", here, PER_ACCOUNT)
    checked = passwords.verified
    with pytest.raises(QuotaExceededError) as refused:
        await service.login(tenant.slug, "admin", admin.password, there)  # the right password, from elsewhere
    assert passwords.verified == checked, "refused before argon2 runs"
    assert "too many failed sign-ins" in str(refused.value) and 0 < (refused.value.retry_after_s or 0) <= 300
    clock.now += timedelta(minutes=5)
    assert (await service.login(tenant.slug, "admin", admin.password, there)).token.token


async def test_an_unknown_account_is_throttled_exactly_as_a_known_one(
    service: IdentityService, tenant: Tenant, here: str, there: str
) -> None:
    await _fail(service, tenant.slug, "nobody", here, PER_ACCOUNT)
    with pytest.raises(QuotaExceededError):
        await service.login(tenant.slug, "nobody", "wrong", there)


async def test_an_address_past_its_failures_is_refused_for_every_account_and_others_are_not(
    service: IdentityService, tenant: Tenant, here: str, there: str
) -> None:
    admin = await service.bootstrap_admin(tenant)
    assert admin is not None
    for name in ("a1", "a2", "a3", "a4", "a5"):  # one failure each: no account reaches its own limit
        await _fail(service, tenant.slug, name, here, 1)
    with pytest.raises(QuotaExceededError):
        await service.login(tenant.slug, "admin", admin.password, here)
    assert (await service.login(tenant.slug, "admin", admin.password, there)).token.token


async def test_over_http_a_throttled_sign_in_is_a_429_with_retry_after_and_is_audited(app: Services) -> None:
    tenant = await app.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test") as http:
        wrong = {"tenant": tenant.slug, "username": "admin", "password": "wrong"}
        answers = [(await http.post("/auth/login", json=wrong)).status_code for _ in range(11)]
        assert answers == [401] * 10 + [429]  # the default: 10 failures per account per 5 minutes
        refused = await http.post("/auth/login", json=wrong)
    assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 300
    assert "too many failed sign-ins" in refused.json()["error"]
    found = await app.audit.platform_log(
        Access.system(TenantScope(tenant.id)), AuditQuery(action_prefix="session.login"), None, 1000
    )
    throttled = [
        e for e in found.items if e.event.details.get("throttled") and e.event.details["tenant"] == tenant.slug
    ]
    assert len(throttled) == 2
