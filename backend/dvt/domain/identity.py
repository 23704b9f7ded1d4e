"""Who acts: a user (OIDC or local account), an API token, or DVT itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"
    TOKEN = "token"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated identity acting in one tenant.

    `subject` is stable per identity provider (OIDC `sub`, local account id, token id); `groups` come from
    the token's claims and can hold grants of their own.
    """

    kind: ActorKind
    subject: str
    tenant_id: uuid.UUID | None  # None only for the system actor acting across tenants (CLI, migrations)
    display_name: str = ""
    email: str | None = None
    groups: tuple[str, ...] = ()
    platform_admin: bool = False  # may create tenants
    token_roles: tuple[str, ...] = field(default=())  # API tokens carry their own role set
    must_change_password: bool = False  # a local account on its one-time password: allowed nothing else

    @property
    def principals(self) -> tuple[str, ...]:
        """The names grants are made to: the identity itself and each of its groups."""
        return (f"{self.kind.value}:{self.subject}", *(f"group:{g}" for g in self.groups))

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.subject}"


SYSTEM = Actor(ActorKind.SYSTEM, "dvt", None, display_name="DVT")
