"""Who is calling: bearer tokens to actors, local logins, the first admin, and API tokens for machines."""

from __future__ import annotations

import contextlib
import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.identity_ports import (
    ApiToken,
    ApiTokenFormat,
    IssuedToken,
    LocalAccount,
    PasswordHashing,
    TenantDirectory,
    TokenIssuer,
    TokenVerifier,
)
from dvt.application.login_throttle import LoginThrottle
from dvt.application.ports import UnitOfWorkFactory
from dvt.domain.audit import AuditEvent, AuditResult
from dvt.domain.authentication import AuthenticationError, Claims
from dvt.domain.authorization import TENANT_SCOPE, Permission, Role
from dvt.domain.errors import ConflictError, NotFoundError, ValidationError
from dvt.domain.identity import SYSTEM, Actor, ActorKind
from dvt.domain.tenancy import Tenant, TenantScope

BOOTSTRAP_USERNAME = "admin"
MIN_PASSWORD_CHARS = 12
# One write per token per minute is enough to answer "is this token still used?" without turning every
# API call into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,149}")
_BAD_LOGIN = "invalid username or password"


@dataclass(frozen=True, slots=True)
class Bearer:
    """A verified bearer token: who it names, and until when (a JWT's `exp`; API tokens last until revoked)."""

    actor: Actor
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: IssuedToken
    account_id: uuid.UUID
    must_change_password: bool  # the client must lead the user to change it before anything else


@dataclass(frozen=True, slots=True)
class OneTimeCredentials:
    """A new account's random password, shown once and never stored in clear."""

    tenant_slug: str
    username: str
    account_id: uuid.UUID
    password: str = field(repr=False)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _username(raw: str) -> str:
    return raw.strip().lower()


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _actor_key(label: str) -> tuple[ActorKind | None, uuid.UUID | None]:
    kind, _, subject = label.partition(":")
    try:
        return ActorKind(kind), _uuid_or_none(subject)
    except ValueError:
        return None, None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationError(f"passwords need at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > 1024:
        raise ValidationError("passwords are limited to 1024 characters")


class IdentityService:
    """Identity for every entry point. `issuer` is the local issuer, or None when an OIDC provider owns
    logins; `verifier` checks JWTs of whichever issuer is configured. A token without a tenant claim acts
    in `fallback_tenant` when one is set (a single-tenant deployment need not map a claim)."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        tenants: TenantDirectory,
        verifier: TokenVerifier,
        passwords: PasswordHashing,
        api_tokens: ApiTokenFormat,
        *,
        issuer: TokenIssuer | None = None,
        fallback_tenant: str | None = None,
        now: Callable[[], datetime] = _utcnow,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._units = units
        self._tenants = tenants
        self._verifier = verifier
        self._passwords = passwords
        self._api_tokens = api_tokens
        self._issuer = issuer
        self._fallback_tenant = fallback_tenant
        self._now = now
        self._throttle = throttle
        self._decoy_hash: str | None = None

    # -- bearer tokens -------------------------------------------------------------------------------

    async def authenticate_bearer(self, token: str) -> Actor:
        return (await self.verify_bearer(token)).actor

    async def verify_bearer(self, token: str) -> Bearer:
        """The actor a bearer token names, and when the token stops being valid (None: until revoked)."""
        if self._api_tokens.looks_like(token):
            return Bearer(await self._api_token_actor(token), None)
        claims = await self._verifier.verify(token)
        tenant = await self._claimed_tenant(claims)
        actor = Actor(
            ActorKind.USER,
            claims.subject,
            tenant.id,
            display_name=claims.name or claims.email or claims.subject,
            email=claims.email,
            groups=claims.groups,
            platform_admin=claims.platform_admin,
            must_change_password=claims.password_change_pending and await self._still_one_time(tenant, claims),
        )
        return Bearer(actor, claims.expires_at)

    async def _still_one_time(self, tenant: Tenant, claims: Claims) -> bool:
        """Whether the account still holds its one-time password. Only tokens issued while it did are asked
        (one lookup); a token issued since the change carries no such claim and costs nothing."""
        account_id = _uuid_or_none(claims.subject)
        if account_id is None:
            return True
        async with self._units() as uow:
            account = await uow.identity.account_by_id(TenantScope(tenant.id), account_id)
        if account is None:
            raise AuthenticationError("the account of this token no longer exists")
        return account.must_change_password

    async def _claimed_tenant(self, claims: Claims) -> Tenant:
        slug = claims.tenant or self._fallback_tenant
        if slug is None:
            raise AuthenticationError("token names no tenant")
        try:
            return await self._tenants.tenant(slug)
        except NotFoundError:
            raise AuthenticationError(f"token names unknown tenant {slug[:64]!r}") from None

    async def _api_token_actor(self, plaintext: str) -> Actor:
        parsed = self._api_tokens.parse(plaintext)
        if parsed is None:
            raise AuthenticationError("malformed API token")
        token_id, secret = parsed
        async with self._units() as uow:
            stored = await uow.identity.api_token(token_id)
        # Unknown id and wrong secret read the same, so the answer says nothing about which ids exist.
        if stored is None or not self._api_tokens.matches(secret, stored.secret_hash):
            raise AuthenticationError("invalid API token")
        token = stored.token
        if token.revoked:
            raise AuthenticationError("API token revoked")
        now = self._now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
            # A write of its own, after the read and the secret's check, and only when due: most requests
            # read and write nothing more.
            async with self._units() as uow:
                await uow.identity.touch_api_token(token.id, now, now - LAST_USED_GRANULARITY)
                await uow.commit()
        return Actor(
            ActorKind.TOKEN,
            str(token.id),
            token.tenant_id,
            display_name=token.name,
            token_roles=token.roles,
        )

    # -- local accounts ------------------------------------------------------------------------------

    async def login(self, tenant_slug: str, username: str, password: str, address: str | None = None) -> LoginResult:
        """Unknown tenant, unknown user and wrong password fail alike, after the same argon2 work. Failures count
        against the name typed and the source `address`; past the throttle's limits, refused before any check."""
        if self._issuer is None:
            raise AuthenticationError("local accounts are disabled: sign in through the identity provider")
        if self._throttle is None:
            return await self._login(tenant_slug, username, password)
        await self._throttle.admit(tenant_slug, username, address)
        try:
            return await self._login(tenant_slug, username, password)
        except AuthenticationError:
            await self._throttle.failed(tenant_slug, username, address)
            raise

    async def _login(self, tenant_slug: str, username: str, password: str) -> LoginResult:
        assert self._issuer is not None
        decoy = await self._decoy()  # made before any lookup, so the first failure is not slower
        account: LocalAccount | None = None
        tenant: Tenant | None = None
        with contextlib.suppress(NotFoundError, ValidationError):
            tenant = await self._tenants.tenant(tenant_slug)
        name = _username(username)
        if tenant is not None and _USERNAME.fullmatch(name):
            async with self._units() as uow:
                account = await uow.identity.account(TenantScope(tenant.id), name)
        if account is None or tenant is None:
            await self._passwords.verify(decoy, password)
            raise AuthenticationError(_BAD_LOGIN)
        if not await self._passwords.verify(account.password_hash, password):
            raise AuthenticationError(_BAD_LOGIN)
        upgraded = None
        if self._passwords.needs_rehash(account.password_hash):
            upgraded = await self._passwords.hash(password)
        # Read, then argon2 with no connection held, then this write: a transaction held across the (deliberately
        # slow) hash would tie up a pooled connection per sign-in attempt.
        async with self._units() as uow:
            await uow.identity.record_login(TenantScope(tenant.id), account.id, self._now(), upgraded)
            await uow.commit()
        issued = await self._issuer.issue(self._account_claims(account, tenant.slug))
        return LoginResult(issued, account.id, account.must_change_password)

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await self._passwords.hash(secrets.token_urlsafe(16))
        return self._decoy_hash

    @staticmethod
    def _account_claims(account: LocalAccount, tenant_slug: str) -> Claims:
        return Claims(
            subject=str(account.id),
            email=account.email,
            name=account.display_name,
            tenant=tenant_slug,
            platform_admin=account.platform_admin,
            password_change_pending=account.must_change_password,
        )

    async def bootstrap_admin(self, tenant: Tenant) -> OneTimeCredentials | None:
        """On first start: an `admin` account with a random password to change at first login.

        Returns None when the tenant has an admin already (or another replica just made one); there is
        never a fixed default password.
        """
        async with self._units() as uow:
            if await uow.identity.has_platform_admin(TenantScope(tenant.id)):
                return None
        try:
            return await self.create_account(
                tenant, BOOTSTRAP_USERNAME, display_name="Administrator", platform_admin=True
            )
        except ConflictError:
            return None

    async def create_account(
        self,
        tenant: Tenant,
        username: str,
        *,
        email: str | None = None,
        display_name: str | None = None,
        platform_admin: bool = False,
    ) -> OneTimeCredentials:
        """A local account with a random one-time password, which must be changed at first login."""
        name = _username(username)
        if not _USERNAME.fullmatch(name):
            raise ValidationError(
                f"invalid username {username[:64]!r}: use up to 150 lower-case letters, digits and . _ @ + -"
            )
        password = secrets.token_urlsafe(18)
        account = LocalAccount(
            id=uuid.uuid4(),
            tenant_id=tenant.id,
            username=name,
            email=email,
            display_name=display_name or name,
            password_hash=await self._passwords.hash(password),
            platform_admin=platform_admin,
            must_change_password=True,
        )
        async with self._units() as uow:
            stored = await uow.identity.add_account(account)
            await uow.commit()
        return OneTimeCredentials(tenant.slug, stored.username, stored.id, password)

    async def change_password(self, actor: Actor, current_password: str, new_password: str) -> None:
        """A local account changes its own password; the current one proves it is really its holder."""
        account_id = self._local_account_id(actor)
        scope = TenantScope(actor.tenant_id) if actor.tenant_id is not None else None
        if account_id is None or scope is None:
            raise AuthenticationError("only local accounts have a password to change")
        async with self._units() as uow:
            account = await uow.identity.account_by_id(scope, account_id)
        if account is None:
            raise AuthenticationError("only local accounts have a password to change")
        if not await self._passwords.verify(account.password_hash, current_password):
            raise AuthenticationError("the current password is wrong")
        _check_password(new_password)
        if secrets.compare_digest(new_password.encode(), current_password.encode()):
            raise ValidationError("the new password must differ from the current one")
        new_hash = await self._passwords.hash(new_password)
        # As at sign-in: no transaction is held across the argon2 work between the read and this write.
        async with self._units() as uow:
            await uow.identity.set_password(scope, account.id, new_hash, must_change=False)
            event = AuditEvent.of(actor, "account.password_change", AuditResult.SUCCESS, "account", account.id)
            await record(uow.audit(scope), event)
            await uow.commit()

    @staticmethod
    def _local_account_id(actor: Actor) -> uuid.UUID | None:
        return _uuid_or_none(actor.subject) if actor.kind is ActorKind.USER else None

    # -- names people read ---------------------------------------------------------------------------

    async def actor_names(self, access: Access, labels: Sequence[str]) -> list[str]:
        """What to call each actor label (`user:<id>`, `token:<id>`, `system:dvt`) where people read it:
        a local account's display name, an API token's name, "DVT" for DVT itself. An identity DVT holds
        no name for (an OIDC subject, a deleted account or token) keeps its label. Names are the tenant's:
        a caller who may view nothing in it gets the labels back unchanged."""
        if not access.authorizer.holds_anywhere(Permission.VIEW):
            return list(labels)
        scope = access.scope
        parsed = [_actor_key(label) for label in labels]
        accounts = sorted({i for kind, i in parsed if kind is ActorKind.USER and i is not None})
        tokens = sorted({i for kind, i in parsed if kind is ActorKind.TOKEN and i is not None})
        names: dict[tuple[ActorKind | None, uuid.UUID | None], str] = {}
        if accounts or tokens:
            async with self._units() as uow:
                found = await uow.identity.account_names(scope, accounts)
                names |= {(ActorKind.USER, i): name for i, name in found.items()}
                found = await uow.identity.token_names(scope, tokens)
                names |= {(ActorKind.TOKEN, i): name for i, name in found.items()}
        return [
            SYSTEM.display_name if label == SYSTEM.label else names.get(key, label)
            for label, key in zip(labels, parsed, strict=True)
        ]

    # -- API tokens ----------------------------------------------------------------------------------

    async def create_api_token(self, access: Access, name: str, roles: Sequence[str]) -> tuple[uuid.UUID, str]:
        """Returns the token id and the token itself, which is shown this once and never stored."""
        access.require(Permission.ADMIN, TENANT_SCOPE, "create API tokens")
        scope, created_by = access.scope, access.actor
        name = name.strip()
        if not name or len(name) > 200:
            raise ValidationError("an API token needs a name of 1-200 characters")
        role_set = tuple(dict.fromkeys(Role.parse(r.strip()).value for r in roles))
        if not role_set:
            raise ValidationError("an API token needs at least one role")
        minted = self._api_tokens.mint()
        token = ApiToken(minted.token_id, scope.tenant_id, name, role_set, created_by.label)
        async with self._units() as uow:
            await uow.identity.add_api_token(token, minted.secret_hash)
            details = {"name": name, "roles": list(role_set)}
            await record(uow.audit(scope), access.event("api_token.create", "api_token", minted.token_id, details))
            await uow.commit()
        return minted.token_id, minted.plaintext

    async def revoke_api_token(self, access: Access, token_id: uuid.UUID) -> None:
        access.require(Permission.ADMIN, TENANT_SCOPE, "revoke API tokens")
        async with self._units() as uow:
            found = await uow.identity.revoke_api_token(access.scope, token_id, self._now())
            if not found:
                raise NotFoundError(f"API token {token_id} not found")
            await uow.identity.credentials_changed(access.scope)  # its open WebSockets close at their next check
            await record(uow.audit(access.scope), access.event("api_token.revoke", "api_token", token_id))
            await uow.commit()

    async def api_tokens(self, access: Access) -> list[ApiToken]:
        """The tenant's API tokens, for its administrators (never a secret or its hash)."""
        access.require(Permission.ADMIN, TENANT_SCOPE, "list API tokens")
        async with self._units() as uow:
            return await uow.identity.api_tokens(access.scope)
