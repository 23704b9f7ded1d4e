"""Who a bearer token says its holder is, and why DVT refuses it when it does not believe it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dvt.domain.errors import DomainError

DEFAULT_PLATFORM_ADMIN_GROUP = "dvt-platform-admins"


class AuthenticationError(DomainError):
    """The caller could not be identified. The message says what is wrong, never which secret was tried."""

    code = "UNAUTHENTICATED"


class IdentityProviderUnavailable(AuthenticationError):
    """The issuer's discovery document or keys could not be read: DVT's problem, not the caller's."""


# Set by DVT's own issuer on tokens of an account that must change its one-time password.
PASSWORD_CHANGE_CLAIM = "dvt_pwd_change"


@dataclass(frozen=True, slots=True)
class ClaimsMapping:
    """Which claims of an issuer's tokens hold what DVT needs. Names may be dotted paths into nested
    claims (`realm_access.roles`), as Keycloak puts roles there."""

    tenant: str = "dvt_tenant"
    groups: str = "groups"
    email: str = "email"
    name: str = "name"
    platform_admin_group: str = DEFAULT_PLATFORM_ADMIN_GROUP


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token asserts, in DVT's words, whichever issuer signed it."""

    subject: str
    email: str | None = None
    name: str = ""
    tenant: str | None = None  # a tenant slug; the application resolves it
    groups: tuple[str, ...] = ()
    platform_admin: bool = False
    # Issued to a local account still holding its one-time password: the holder may only change it.
    password_change_pending: bool = False
    expires_at: datetime | None = None  # `exp`: a connection admitted with the token ends then
