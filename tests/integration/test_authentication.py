"""Authentication against a real OIDC issuer on loopback and a real PostgreSQL: OIDC JWTs, hostile tokens,
key rotation, local accounts with DVT's own issuer, and API tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from joserfc.jwk import ECKey, RSAKey
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dvt.adapters.auth.api_tokens import ApiTokenCodec
from dvt.adapters.auth.local_issuer import LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer, SealedKeyError
from dvt.adapters.auth.oidc import OidcVerifier
from dvt.adapters.auth.passwords import Argon2Passwords
from dvt.adapters.authz.casbin_authorizer import CasbinAuthorizer
from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.identity_models import LocalAccountRow, SigningKeyRow
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.adapters.secrets.envelope import EnvelopeCipher, SecretIntegrityError
from dvt.adapters.secrets.keyring import KeyringError, parse_keyring
from dvt.application.access import Access
from dvt.application.identity import IdentityService
from dvt.application.identity_ports import SigningKey, TokenIssuer, TokenVerifier
from dvt.application.tenancy import TenancyService
from dvt.config import Settings
from dvt.domain.authentication import AuthenticationError, Claims, ClaimsMapping, IdentityProviderUnavailable
from dvt.domain.authorization import TENANT_SCOPE, Grant, Role
from dvt.domain.errors import NotFoundError, ValidationError
from dvt.domain.identity import Actor, ActorKind
from dvt.domain.tenancy import Tenant, TenantScope
from tests.support.oidc_fixtures import oidc_issuer  # noqa: F401
from tests.support.oidc_issuer import OidcIssuer

IdentityUnits = SqlUnitOfWork


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture(scope="module")
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def units(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], IdentityUnits]:
    return lambda: IdentityUnits(sessions)


@pytest.fixture
async def tenant(units: Callable[[], IdentityUnits]) -> Tenant:
    async with units() as uow:
        created = await uow.platform.create_tenant(f"t-{uuid.uuid4().hex[:10]}", "Test")
        await uow.commit()
    return created


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def verifier(oidc_issuer: OidcIssuer, http: httpx.AsyncClient) -> OidcVerifier:  # noqa: F811
    return OidcVerifier(oidc_issuer.issuer, oidc_issuer.audience, ClaimsMapping(), http)


def _service(
    units: Callable[[], IdentityUnits],
    verifier: TokenVerifier,
    issuer: TokenIssuer | None = None,
    *,
    clock: Clock | None = None,
    passwords: Argon2Passwords | None = None,
) -> IdentityService:
    return IdentityService(
        units,
        TenancyService(units),
        verifier,
        passwords or Argon2Passwords(),
        ApiTokenCodec(),
        issuer=issuer,
        now=clock or Clock(),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(header: object, payload: object) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"


# -- OIDC: the happy path ------------------------------------------------------------------------------


async def test_a_valid_token_gives_its_mapped_claims(oidc_issuer: OidcIssuer, verifier: OidcVerifier) -> None:  # noqa: F811
    claims = await verifier.verify(oidc_issuer.mint(groups=["analysts", "dvt-platform-admins"]))

    assert claims.subject == "user-123"
    assert claims.email == "ada@example.com"
    assert claims.name == "Ada Lovelace"
    assert claims.tenant == "default"
    assert claims.groups == ("analysts", "dvt-platform-admins")
    assert claims.platform_admin


async def test_the_claims_mapping_reads_the_configured_and_nested_claims(
    oidc_issuer: OidcIssuer,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    mapping = ClaimsMapping(
        tenant="org",
        groups="realm_access.roles",
        email="mail",
        name="preferred_username",
        platform_admin_group="root",
    )
    verifier = OidcVerifier(oidc_issuer.issuer, oidc_issuer.audience, mapping, http)

    claims = await verifier.verify(
        oidc_issuer.mint(org="acme", realm_access={"roles": ["root"]}, mail="a@acme.io", preferred_username="ada")
    )

    assert (claims.tenant, claims.groups, claims.email, claims.name) == (
        "acme",
        ("root",),
        "a@acme.io",
        "ada",
    )
    assert claims.platform_admin


async def test_a_valid_token_authenticates_an_actor_of_its_tenant(
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
    units: Callable[[], IdentityUnits],
    tenant: Tenant,
) -> None:
    actor = await _service(units, verifier).authenticate_bearer(oidc_issuer.mint(dvt_tenant=tenant.slug))

    assert actor == Actor(
        ActorKind.USER,
        "user-123",
        tenant.id,
        display_name="Ada Lovelace",
        email="ada@example.com",
        groups=("analysts",),
    )


async def test_a_token_naming_an_unknown_tenant_is_refused(
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
    units: Callable[[], IdentityUnits],
) -> None:
    with pytest.raises(AuthenticationError, match="unknown tenant 'no-such-tenant'"):
        await _service(units, verifier).authenticate_bearer(oidc_issuer.mint(dvt_tenant="no-such-tenant"))


# -- OIDC: the SPA's session (code + PKCE, then the refresh_token grant) ---------------------------------
# The requests oidc-client-ts sends from the SPA (frontend/src/lib/oidc.ts), made here with httpx.

SPA_CLIENT = "dvt-spa"
SPA_CALLBACK = "http://127.0.0.1:8000/oidc/callback"


async def _signed_in_at_the_issuer(issuer: OidcIssuer, http: httpx.AsyncClient) -> dict[str, object]:
    """The authorization code flow with PKCE, as the SPA runs it: the token endpoint's answer."""
    verifier = _b64(uuid.uuid4().bytes + uuid.uuid4().bytes)
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    discovery = (await http.get(f"{issuer.issuer}/.well-known/openid-configuration")).json()
    authorize = await http.get(
        discovery["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": SPA_CLIENT,
            "redirect_uri": SPA_CALLBACK,
            "scope": "openid profile email",
            "state": "s1",
            "nonce": "n1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    code = httpx.URL(authorize.headers["location"]).params["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": SPA_CALLBACK,
        "client_id": SPA_CLIENT,
        "code_verifier": verifier,
    }
    response = await http.post(discovery["token_endpoint"], data=form)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def _refreshed(issuer: OidcIssuer, http: httpx.AsyncClient, refresh_token: object) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": str(refresh_token),
        "scope": "openid profile email",
        "client_id": SPA_CLIENT,
    }
    return await http.post(f"{issuer.issuer}/protocol/openid-connect/token", data=form)


async def test_the_refresh_token_grant_renews_a_session_with_a_token_dvt_accepts(
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
    http: httpx.AsyncClient,
) -> None:
    oidc_issuer.login_claims = {"sub": "ada", "name": "Ada Lovelace"}
    signed_in = await _signed_in_at_the_issuer(oidc_issuer, http)
    renewed = await _refreshed(oidc_issuer, http, signed_in["refresh_token"])
    body = renewed.json()
    claims = await verifier.verify(str(body["access_token"]))
    assert renewed.status_code == 200 and body["expires_in"] == oidc_issuer.access_token_seconds
    assert claims.subject == "ada" and body["access_token"] != signed_in["access_token"]
    assert body["refresh_token"] != signed_in["refresh_token"]
    assert oidc_issuer.grants == ["authorization_code", "refresh_token"]


async def test_the_spas_id_token_is_for_its_client_and_carries_the_nonce(
    oidc_issuer: OidcIssuer,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    signed_in = await _signed_in_at_the_issuer(oidc_issuer, http)
    payload = json.loads(base64.urlsafe_b64decode(str(signed_in["id_token"]).split(".")[1] + "=="))
    assert (payload["aud"], payload["nonce"], payload["iss"]) == (SPA_CLIENT, "n1", oidc_issuer.issuer)


async def test_a_refresh_token_is_good_once(oidc_issuer: OidcIssuer, http: httpx.AsyncClient) -> None:  # noqa: F811
    signed_in = await _signed_in_at_the_issuer(oidc_issuer, http)
    first = await _refreshed(oidc_issuer, http, signed_in["refresh_token"])
    again = await _refreshed(oidc_issuer, http, signed_in["refresh_token"])
    assert first.status_code == 200
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_provider_logout_ends_the_refresh_token_and_returns_to_the_spa(
    oidc_issuer: OidcIssuer,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    signed_in = await _signed_in_at_the_issuer(oidc_issuer, http)
    discovery = (await http.get(f"{oidc_issuer.issuer}/.well-known/openid-configuration")).json()
    back = "http://127.0.0.1:8000/login"
    logout = await http.get(
        discovery["end_session_endpoint"],
        params={"id_token_hint": str(signed_in["id_token"]), "post_logout_redirect_uri": back, "state": "s2"},
    )
    refused = await _refreshed(oidc_issuer, http, signed_in["refresh_token"])
    assert logout.status_code == 302 and logout.headers["location"] == f"{back}?state=s2"
    assert refused.status_code == 400


# -- OIDC: hostile tokens ------------------------------------------------------------------------------


def _forged_signature(issuer: OidcIssuer) -> str:
    """Signed by another key but claiming the issuer's kid."""
    other = RSAKey.generate_key(2048, parameters={"alg": "RS256"})
    return issuer.mint(key=other, header={"kid": issuer.key.kid})


def _tampered_payload(issuer: OidcIssuer) -> str:
    header, _, signature = issuer.mint().split(".")
    payload = _b64(json.dumps(issuer.claims(sub="admin", groups=["dvt-platform-admins"])).encode())
    return f"{header}.{payload}.{signature}"


def _alg_none(issuer: OidcIssuer) -> str:
    return _segments({"alg": "none", "kid": issuer.key.kid}, issuer.claims()) + "."


def _hs256_with_public_key(issuer: OidcIssuer) -> str:
    """The classic confusion: an HMAC keyed with the issuer's public key, which anyone can fetch."""
    signing_input = _segments({"alg": "HS256", "kid": issuer.key.kid, "typ": "JWT"}, issuer.claims())
    secret = issuer.key.as_pem(private=False)
    return f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def _unknown_kid(issuer: OidcIssuer) -> str:
    other = RSAKey.generate_key(2048, parameters={"alg": "RS256"})
    other.ensure_kid()
    return issuer.mint(key=other)


def _wrong_key_type(issuer: OidcIssuer) -> str:
    return _segments({"alg": "ES256", "kid": issuer.key.kid}, issuer.claims()) + "." + _b64(b"\0" * 64)


def _huge_but_well_formed(issuer: OidcIssuer) -> str:
    return issuer.mint(padding="x" * 20_000)


HOSTILE: dict[str, tuple[Callable[[OidcIssuer], str], str]] = {
    "expired": (lambda i: i.mint(exp=int(time.time()) - 120), r"^token expired$"),
    "not yet valid": (lambda i: i.mint(nbf=int(time.time()) + 600), r"^token not yet valid"),
    "issued in the future": (lambda i: i.mint(iat=int(time.time()) + 600), r"^token issued in the future"),
    "wrong issuer": (lambda i: i.mint(iss="https://evil.example"), r"^wrong issuer 'https://evil.example'"),
    "wrong audience": (lambda i: i.mint(aud="another-app"), r"^wrong audience 'another-app'"),
    "no expiry": (lambda i: i.mint(drop=("exp",)), r"^token lacks required claim\(s\): exp$"),
    "no subject": (lambda i: i.mint(drop=("sub",)), r"^token lacks required claim\(s\): sub$"),
    "forged signature": (_forged_signature, r"^invalid signature$"),
    "tampered payload": (_tampered_payload, r"^invalid signature$"),
    "alg none": (_alg_none, r"^algorithm 'none' is not allowed"),
    "HS256 keyed with the public key": (_hs256_with_public_key, r"^algorithm 'HS256' is not allowed"),
    "unknown kid": (_unknown_kid, r"^unknown signing key id '"),
    "key of another type": (_wrong_key_type, r"^signing key '.*' is for 'RS256', not ES256$"),
    "groups not a list": (lambda i: i.mint(groups={"a": 1}), r"^invalid claim 'groups'"),
    "tenant not a string": (lambda i: i.mint(dvt_tenant=["a", "b"]), r"^invalid claim 'dvt_tenant'"),
    "exp not a number": (lambda i: i.mint(exp="tomorrow"), r"^invalid claim 'exp'$"),
    "empty": (lambda i: "", r"^malformed token: empty$"),
    "one part": (lambda i: "abc", r"^malformed token: expected 3 dot-separated parts, found 1$"),
    "four parts": (lambda i: "a.b.c.d", r"^malformed token: expected 3 dot-separated parts, found 4$"),
    "header not base64 JSON": (lambda i: "a.b.c", r"^malformed token: the header is not base64url JSON$"),
    "header a JSON list": (
        lambda i: _b64(b"[1]") + ".e30.sig",
        r"^malformed token: the header is not a JSON",
    ),
    "header without alg": (
        lambda i: _b64(b'{"kid":"x"}') + ".e30.sig",
        r"^malformed token: the header has no",
    ),
    "payload not JSON": (
        lambda i: _b64(json.dumps({"alg": "RS256", "kid": i.key.kid}).encode()) + ".bm90IGpzb24.c2ln",
        r"^invalid signature$",
    ),
    "non-ASCII": (lambda i: "é.é.é", r"^malformed token: not base64url text$"),
    "kid not a string": (lambda i: i.mint(header={"kid": {"$ne": 1}}), r"^malformed token: 'kid' must be"),
    "critical header": (
        lambda i: i.mint(header={"crit": ["exp"]}),
        r"^malformed token: unsupported critical",
    ),
    "huge garbage": (lambda i: "a" * 1_000_000, r"^token too large: more than 16384 bytes$"),
    "huge but well formed": (_huge_but_well_formed, r"^token too large: more than 16384 bytes$"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
async def test_a_hostile_token_gets_a_precise_authentication_error(
    case: str,
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
) -> None:
    make, message = HOSTILE[case]
    token = make(oidc_issuer)

    with pytest.raises(AuthenticationError, match=message) as raised:
        await verifier.verify(token)

    assert type(raised.value) is AuthenticationError
    modulus = str(oidc_issuer.key.as_dict()["n"])
    assert "KEY-----" not in str(raised.value) and modulus[:16] not in str(raised.value)


async def test_a_discovery_document_naming_another_issuer_is_refused(
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
) -> None:
    oidc_issuer.discovery_issuer = "https://evil.example"

    with pytest.raises(IdentityProviderUnavailable, match=r"names issuer 'https://evil\.example'"):
        await verifier.verify(oidc_issuer.mint())
    assert oidc_issuer.jwks_fetches == 0


async def test_an_issuer_reached_at_another_address_than_its_name_verifies_its_tokens(
    oidc_issuer: OidcIssuer,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    """Compose's Keycloak: browsers and tokens know it by one name, the API's container reaches it by another. The
    document read at the internal address must name the public issuer, and tokens must carry that name."""
    public = "https://login.dvt.invalid/realms/dvt"  # resolves nowhere: a fetch there would fail
    oidc_issuer.discovery_issuer = public
    verifier = OidcVerifier(public, oidc_issuer.audience, ClaimsMapping(), http, reached_at=oidc_issuer.issuer)

    claims = await verifier.verify(oidc_issuer.mint(iss=public))
    assert claims.subject == "user-123"
    with pytest.raises(AuthenticationError):  # the internal name is not the issuer: its tokens are refused
        await verifier.verify(oidc_issuer.mint(iss=oidc_issuer.issuer))
    oidc_issuer.discovery_issuer = None  # the document names the internal address: not the issuer DVT trusts
    with pytest.raises(IdentityProviderUnavailable, match="names issuer"):
        await OidcVerifier(public, oidc_issuer.audience, ClaimsMapping(), http, reached_at=oidc_issuer.issuer).verify(
            oidc_issuer.mint(iss=public)
        )


async def test_an_unreachable_issuer_is_an_identity_provider_error(http: httpx.AsyncClient) -> None:
    with pytest.raises(IdentityProviderUnavailable, match="cannot read the discovery document"):
        await OidcVerifier("http://127.0.0.1:9/realm", "dvt", http=http).verify(_segments({"alg": "RS256"}, {}) + ".x")


async def test_symmetric_algorithms_cannot_be_allowed() -> None:
    with pytest.raises(ValueError, match="HS256"):
        OidcVerifier("https://issuer.example", "dvt", allowed_algs=("RS256", "HS256"), key_source=None)


# -- OIDC: key rotation --------------------------------------------------------------------------------


async def test_a_token_of_a_rotated_key_verifies_after_exactly_one_jwks_refresh(
    oidc_issuer: OidcIssuer,  # noqa: F811
    verifier: OidcVerifier,
) -> None:
    await verifier.verify(oidc_issuer.mint())
    assert oidc_issuer.jwks_fetches == 1

    oidc_issuer.rotate()
    claims = await verifier.verify(oidc_issuer.mint())

    assert claims.subject == "user-123"
    assert oidc_issuer.jwks_fetches == 2
    assert oidc_issuer.discovery_fetches == 1


async def test_unknown_kids_refresh_the_jwks_once_per_interval(
    oidc_issuer: OidcIssuer,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    now = [1000.0]
    verifier = OidcVerifier(oidc_issuer.issuer, oidc_issuer.audience, http=http, clock=lambda: now[0])
    await verifier.verify(oidc_issuer.mint())

    for _ in range(2):
        with pytest.raises(AuthenticationError, match="unknown signing key id"):
            await verifier.verify(_unknown_kid(oidc_issuer))
    assert oidc_issuer.jwks_fetches == 2  # the first load, then one refresh for both unknown kids

    now[0] += 31
    with pytest.raises(AuthenticationError, match="unknown signing key id"):
        await verifier.verify(_unknown_kid(oidc_issuer))
    assert oidc_issuer.jwks_fetches == 3


# -- local accounts and DVT's own issuer ---------------------------------------------------------------


@pytest.fixture
def issuer_cipher(settings: Settings) -> EnvelopeCipher:
    """The session's secret keys: the issuer's keys in the test database are sealed with them (the shared app's
    issuer seals them too)."""
    return EnvelopeCipher(parse_keyring(settings.secret_keys or ""))


@pytest.fixture
async def local_issuer(units: Callable[[], IdentityUnits], issuer_cipher: EnvelopeCipher) -> LocalIssuer:
    issuer = LocalIssuer(units, cipher=issuer_cipher)
    await issuer.ensure_signing_key()
    return issuer


@pytest.fixture
def local(units: Callable[[], IdentityUnits], local_issuer: LocalIssuer) -> IdentityService:
    return _service(units, local_issuer.verifier(), local_issuer)


async def test_a_local_login_issues_a_token_the_oidc_verifier_accepts(
    local: IdentityService, local_issuer: LocalIssuer, tenant: Tenant
) -> None:
    admin = await local.bootstrap_admin(tenant)
    assert admin is not None

    login = await local.login(tenant.slug, "admin", admin.password)
    verifier = local_issuer.verifier()
    claims = await verifier.verify(login.token.token)
    actor = await local.authenticate_bearer(login.token.token)

    assert type(verifier) is OidcVerifier
    assert (verifier.issuer, verifier.audience) == (LOCAL_ISSUER, LOCAL_AUDIENCE)
    assert (claims.subject, claims.tenant, claims.platform_admin) == (
        str(admin.account_id),
        tenant.slug,
        True,
    )
    assert (actor.kind, actor.subject, actor.tenant_id) == (ActorKind.USER, str(admin.account_id), tenant.id)
    assert login.must_change_password
    assert timedelta(hours=11, minutes=59) < login.token.expires_at - datetime.now(UTC) <= timedelta(hours=12)


class CountingPasswords(Argon2Passwords):
    """The real argon2 hashing, counting verifications: the work a failed login does, without timing it."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return await super().verify(password_hash, password)


async def test_wrong_password_unknown_user_and_unknown_tenant_fail_alike(
    units: Callable[[], IdentityUnits], local_issuer: LocalIssuer, tenant: Tenant
) -> None:
    passwords = CountingPasswords()
    service = _service(units, local_issuer.verifier(), local_issuer, passwords=passwords)
    admin = await service.bootstrap_admin(tenant)
    assert admin is not None
    attempts = {
        "wrong password": (tenant.slug, "admin", "not-the-password"),
        "unknown user": (tenant.slug, "nobody", "not-the-password"),
        "unknown tenant": ("no-such-tenant", "admin", admin.password),
    }
    work: dict[str, int] = {}
    messages = set()
    for kind, args in attempts.items():
        before = passwords.verified
        with pytest.raises(AuthenticationError) as raised:
            await service.login(*args)
        work[kind] = passwords.verified - before
        messages.add(str(raised.value))

    assert messages == {"invalid username or password"}
    # Each failure pays exactly one argon2 verification, so none answers faster than the others.
    assert work == dict.fromkeys(attempts, 1)


async def test_bootstrap_creates_one_admin_with_a_random_one_time_password(
    local: IdentityService, units: Callable[[], IdentityUnits], tenant: Tenant
) -> None:
    first = await local.bootstrap_admin(tenant)
    second = await local.bootstrap_admin(tenant)
    async with units() as uow:
        rows = (await uow.session.scalars(select(LocalAccountRow).where(LocalAccountRow.tenant_id == tenant.id))).all()
        other = await uow.platform.create_tenant(f"t-{uuid.uuid4().hex[:10]}", "Other")
        await uow.commit()
    elsewhere = await local.bootstrap_admin(other)

    assert first is not None and second is None and elsewhere is not None
    assert len(rows) == 1 and rows[0].platform_admin and rows[0].must_change_password
    assert len(first.password) >= 20 and first.password != elsewhere.password
    assert rows[0].password_hash.startswith("$argon2id$") and first.password not in rows[0].password_hash
    assert first.password not in repr(first)


async def test_changing_the_password_replaces_the_one_time_password(local: IdentityService, tenant: Tenant) -> None:
    admin = await local.bootstrap_admin(tenant)
    assert admin is not None
    login = await local.login(tenant.slug, "admin", admin.password)
    actor = await local.authenticate_bearer(login.token.token)

    with pytest.raises(AuthenticationError, match="current password is wrong"):
        await local.change_password(actor, "guess-guess-guess", "a new long passphrase")
    await local.change_password(actor, admin.password, "a new long passphrase")

    assert not (await local.login(tenant.slug, "ADMIN", "a new long passphrase")).must_change_password
    with pytest.raises(AuthenticationError, match="invalid username or password"):
        await local.login(tenant.slug, "admin", admin.password)


async def test_a_login_rehashes_a_password_hashed_with_old_parameters(
    units: Callable[[], IdentityUnits], local_issuer: LocalIssuer, tenant: Tenant
) -> None:
    cheap = _service(units, local_issuer.verifier(), local_issuer, passwords=Argon2Passwords(PasswordHasher(1, 8, 1)))
    user = await cheap.create_account(tenant, "legacy")
    current = _service(units, local_issuer.verifier(), local_issuer)

    await current.login(tenant.slug, "legacy", user.password)

    async with units() as uow:
        account = await uow.identity.account(TenantScope(tenant.id), "legacy")
    assert account is not None
    assert "m=65536,t=3,p=4" in account.password_hash
    assert (await current.login(tenant.slug, "legacy", user.password)).account_id == user.account_id


async def test_local_tokens_survive_a_key_rotation_and_replicas_share_keys(
    units: Callable[[], IdentityUnits],
    local: IdentityService,
    local_issuer: LocalIssuer,
    tenant: Tenant,
    issuer_cipher: EnvelopeCipher,
) -> None:
    admin = await local.bootstrap_admin(tenant)
    assert admin is not None
    before = (await local.login(tenant.slug, "admin", admin.password)).token.token
    verifier = local_issuer.verifier()
    await verifier.verify(before)

    await local_issuer.rotate()
    after = (await local.login(tenant.slug, "admin", admin.password)).token.token
    replica = LocalIssuer(units, cipher=issuer_cipher).verifier()  # another API process reading the same database

    for token in (before, after):
        assert (await verifier.verify(token)).subject == str(admin.account_id)
        assert (await replica.verify(token)).subject == str(admin.account_id)


async def test_local_verification_refuses_a_token_of_another_issuer(
    oidc_issuer: OidcIssuer,  # noqa: F811
    local_issuer: LocalIssuer,
) -> None:
    with pytest.raises(AuthenticationError, match="algorithm 'RS256' is not allowed"):
        await local_issuer.verifier().verify(oidc_issuer.mint(iss=LOCAL_ISSUER, aud=LOCAL_AUDIENCE))


async def test_login_is_refused_when_an_oidc_provider_owns_logins(
    verifier: OidcVerifier, units: Callable[[], IdentityUnits], tenant: Tenant
) -> None:
    with pytest.raises(AuthenticationError, match="local accounts are disabled"):
        await _service(units, verifier).login(tenant.slug, "admin", "whatever-password")


# -- API tokens ----------------------------------------------------------------------------------------


def admin_of(tenant: Tenant, subject: str) -> Access:
    """A tenant admin, decided by the real authorizer over a real grant."""
    actor = Actor(ActorKind.USER, subject, tenant.id)
    grant = Grant(uuid.uuid4(), tenant.id, actor.label, Role.ADMIN, TENANT_SCOPE, "test", datetime.now(UTC))
    return Access(actor, TenantScope(tenant.id), CasbinAuthorizer(tenant.id, actor.principals, [grant]))


async def test_an_api_token_is_shown_once_and_only_its_hash_is_stored(
    local: IdentityService, units: Callable[[], IdentityUnits], tenant: Tenant
) -> None:
    token_id, plaintext = await local.create_api_token(admin_of(tenant, "admin-1"), "ci", ["editor"])

    async with units() as uow:
        row_text = await uow.session.scalar(
            text("SELECT row_to_json(t)::text FROM api_tokens t WHERE id = :id"), {"id": token_id}
        )
    secret = plaintext.removeprefix(f"dvt_{token_id.hex}_")
    listed = await local.api_tokens(Access.system(TenantScope(tenant.id)))

    assert plaintext.startswith(f"dvt_{token_id.hex}_")
    assert row_text is not None and plaintext not in row_text and secret not in row_text
    assert hashlib.sha256(secret.encode()).hexdigest() in row_text
    assert [(t.id, t.name, t.roles, t.created_by) for t in listed] == [(token_id, "ci", ("editor",), "user:admin-1")]
    assert not any(secret in repr(t) for t in listed)


async def test_an_api_token_authenticates_until_revoked_and_records_its_use(
    units: Callable[[], IdentityUnits], local_issuer: LocalIssuer, tenant: Tenant
) -> None:
    clock = Clock()
    service = _service(units, local_issuer.verifier(), local_issuer, clock=clock)
    token_id, plaintext = await service.create_api_token(admin_of(tenant, "u"), "deploy", ["viewer", "editor"])

    async def last_used() -> datetime | None:
        async with units() as uow:
            found = await uow.identity.api_token(token_id)
        assert found is not None
        return found.token.last_used_at

    assert await last_used() is None
    actor = await service.authenticate_bearer(plaintext)
    first_use = await last_used()
    await service.authenticate_bearer(plaintext)
    within_a_minute = await last_used()
    clock.offset = timedelta(minutes=2)
    await service.authenticate_bearer(plaintext)
    later = await last_used()

    assert (actor.kind, actor.subject, actor.tenant_id) == (ActorKind.TOKEN, str(token_id), tenant.id)
    assert actor.token_roles == ("viewer", "editor") and actor.display_name == "deploy"
    assert first_use is not None and within_a_minute == first_use
    assert later is not None and later - first_use >= timedelta(minutes=1)

    await service.revoke_api_token(admin_of(tenant, "u"), token_id)
    with pytest.raises(AuthenticationError, match=r"^API token revoked$"):
        await service.authenticate_bearer(plaintext)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "^invalid API token$"),
        (lambda t: f"dvt_{uuid.uuid4().hex}_{t[-43:]}", "^invalid API token$"),
        (lambda t: t + "x", "^malformed API token$"),
        (lambda t: "dvt_" + "x" * 100_000, "^malformed API token$"),
    ],
    ids=["wrong secret", "unknown id", "extra character", "huge"],
)
async def test_a_wrong_api_token_is_refused(
    mangle: Callable[[str], str], message: str, local: IdentityService, tenant: Tenant
) -> None:
    _, plaintext = await local.create_api_token(admin_of(tenant, "u"), "ci", ["viewer"])

    with pytest.raises(AuthenticationError, match=message):
        await local.authenticate_bearer(mangle(plaintext))


async def test_revoking_another_tenants_token_is_not_found(local: IdentityService, tenant: Tenant) -> None:
    token_id, _ = await local.create_api_token(admin_of(tenant, "u"), "ci", ["viewer"])
    stranger = Tenant(uuid.uuid4(), "stranger", "stranger", datetime.now(UTC))

    with pytest.raises(NotFoundError):
        await local.revoke_api_token(admin_of(stranger, "u"), token_id)


async def test_an_api_token_needs_known_roles(local: IdentityService, tenant: Tenant) -> None:
    with pytest.raises(ValidationError, match="unknown role 'owner'"):
        await local.create_api_token(admin_of(tenant, "u"), "ci", ["viewer", "owner"])
    with pytest.raises(ValidationError, match="at least one role"):
        await local.create_api_token(admin_of(tenant, "u"), "ci", [])


async def _stored_keys(units: Callable[[], IdentityUnits]) -> dict[str, str]:
    async with units() as uow:
        rows = await uow.session.scalars(select(SigningKeyRow))
        return {row.kid: row.private_pem for row in rows}


async def test_the_local_issuers_keys_are_sealed_at_rest_and_a_key_stored_in_the_clear_is_sealed_on_start(
    units: Callable[[], IdentityUnits], local: IdentityService, local_issuer: LocalIssuer, tenant: Tenant,
    issuer_cipher: EnvelopeCipher,
) -> None:  # fmt: skip
    stored = await _stored_keys(units)
    assert stored and all(pem.startswith("sealed:v1:") and "BEGIN" not in pem for pem in stored.values())
    # A key an earlier DVT stored in the clear: the next start seals it, and what it signed still verifies.
    clear = ECKey.generate_key("P-256", parameters={"alg": "ES256", "use": "sig"})
    clear.ensure_kid()
    async with units() as uow:
        await uow.identity.add_signing_key(SigningKey(str(clear.kid), "ES256", clear.as_pem(private=True).decode()))
        await uow.commit()
    restarted = LocalIssuer(units, cipher=issuer_cipher)
    assert await restarted.ensure_signing_key() == clear.kid
    assert (await _stored_keys(units))[str(clear.kid)].startswith("sealed:v1:")
    admin = await local.bootstrap_admin(tenant)
    assert admin is not None
    token = await restarted.issue(Claims(subject=str(admin.account_id), tenant=tenant.slug, name="admin"))
    assert (await local_issuer.verifier().verify(token.token)).subject == str(admin.account_id)


async def test_a_sealed_key_opens_only_with_the_keys_it_was_sealed_with(
    units: Callable[[], IdentityUnits], local_issuer: LocalIssuer, tenant: Tenant
) -> None:
    wrong = base64.b64encode(b"x" * 32).decode()
    same_names = EnvelopeCipher(parse_keyring(f"k1:{wrong},k2:{wrong}"))  # the session's key names, other bytes
    other_names = EnvelopeCipher(parse_keyring(f"k9:{wrong}"))
    for stranger in (LocalIssuer(units, cipher=same_names), LocalIssuer(units, cipher=other_names), LocalIssuer(units)):
        with pytest.raises((SecretIntegrityError, KeyringError, SealedKeyError)):
            await stranger.issue(Claims(subject="someone", tenant=tenant.slug, name="someone"))
