"""The audit trail: immutable events, one hash chain per tenant (and one for the platform).

Each event's hash covers its own fields and the hash of the tenant's previous event, so altering,
removing or reordering any stored event breaks the chain from that event on. The canonical JSON form
that is hashed is not defined here (the domain is stdlib only): callers pass a `Canonicalise`.
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeAlias

from dvt.domain.errors import ValidationError
from dvt.domain.identity import Actor, ActorKind

GENESIS = "0" * 64
"""The `prev_hash` of the first event of a chain."""

REDACTED = "[redacted]"

# A key naming a secret is redacted whatever its value; a key that names or counts secrets is not.
_SECRET_KEY = re.compile(r"password|passwd|passphrase|secret|token|key|credential", re.IGNORECASE)
_SNAKE_REFERENCE = re.compile(r"[_\-. ](?:id|ids|name|names|count)$")  # token_id, secret-name
_CAMEL_REFERENCE = re.compile(r"[a-z0-9](?:Id|Ids|Name|Names|Count)$")  # tokenId, secretName
_ACTION = re.compile(r"^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+$")
# Numbers beyond this are not exact in JSON (RFC 8785 refuses them), and would not hash the same
# after a round trip through jsonb.
_SAFE_NUMBER = 2**53 - 1

Canonicalise: TypeAlias = Callable[[Any], bytes]
"""Serialises a JSON value to its canonical bytes (RFC 8785 in DVT)."""


class AuditResult(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


def looks_secret(key: str) -> bool:
    if not _SECRET_KEY.search(key):
        return False
    return not (_SNAKE_REFERENCE.search(key.lower()) or _CAMEL_REFERENCE.search(key))


def _json_value(value: Any, path: str) -> Any:
    """A deep copy of `value` holding only JSON types, with secret-looking keys redacted."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(f"audit detail {path} is not a finite number")
        if abs(value) > _SAFE_NUMBER:
            raise ValidationError(f"audit detail {path} is beyond the exact JSON number range")
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum becomes its plain value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"audit detail {path} has a non-string key {key!r}")
            copied[key] = REDACTED if looks_secret(key) else _json_value(item, f"{path}.{key}")
        return copied
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise ValidationError(f"audit detail {path} is a {type(value).__name__}, not a JSON value")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened, as the use case that did it describes it. Details hold names and ids, never secrets."""

    tenant_id: uuid.UUID | None  # None for platform events (tenant creation, platform administration)
    actor_kind: ActorKind
    actor_subject: str
    action: str  # "<resource>.<verb>", e.g. "project.create", "run.state.succeeded"
    result: AuditResult
    resource_type: str
    resource_id: str
    details: dict[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None
    trace_id: str | None = None

    def __post_init__(self) -> None:
        if not _ACTION.match(self.action):
            raise ValidationError(f"audit action {self.action!r} is not of the form 'resource.verb'")
        if not self.resource_type:
            raise ValidationError("an audit event names the type of its resource")
        if not self.actor_subject:
            raise ValidationError("an audit event names its actor")
        # Copy and redact on the way in, so neither a caller's later mutation nor a secret gets stored.
        object.__setattr__(self, "details", _json_value(dict(self.details), "details"))

    @classmethod
    def stored(
        cls,
        tenant_id: uuid.UUID | None,
        actor_kind: ActorKind,
        actor_subject: str,
        action: str,
        result: AuditResult,
        resource_type: str,
        resource_id: str,
        details: dict[str, Any],
        correlation_id: str | None,
        trace_id: str | None,
    ) -> AuditEvent:
        """An event as read back: exactly what was hashed, not checked or redacted again (the rules may
        have grown since it was written, and verification must see the stored bytes' meaning)."""
        event = object.__new__(cls)
        for name, value in (
            ("tenant_id", tenant_id),
            ("actor_kind", actor_kind),
            ("actor_subject", actor_subject),
            ("action", action),
            ("result", result),
            ("resource_type", resource_type),
            ("resource_id", resource_id),
            ("details", details),
            ("correlation_id", correlation_id),
            ("trace_id", trace_id),
        ):
            object.__setattr__(event, name, value)
        return event

    @classmethod
    def of(
        cls,
        actor: Actor,
        action: str,
        result: AuditResult,
        resource_type: str,
        resource_id: str | uuid.UUID,
        details: Mapping[str, Any] | None = None,
        *,
        tenant_id: uuid.UUID | None = None,
        correlation_id: str | None = None,
        trace_id: str | None = None,
    ) -> AuditEvent:
        """An event by `actor`, in the actor's tenant unless another is named (the system acts in any)."""
        return cls(
            tenant_id=tenant_id if tenant_id is not None else actor.tenant_id,
            actor_kind=actor.kind,
            actor_subject=actor.subject,
            action=action,
            result=result,
            resource_type=resource_type,
            resource_id=str(resource_id),
            details=dict(details or {}),
            correlation_id=correlation_id,
            trace_id=trace_id,
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An event as stored: its place in the chain, the database's time, and the hashes that seal it."""

    id: int
    sequence: int  # 1, 2, 3... per tenant, without gaps
    occurred_at: datetime
    event: AuditEvent
    prev_hash: str
    hash: str


def timestamp(moment: datetime) -> str:
    """The one textual form of an instant that is hashed: UTC, microseconds, as PostgreSQL stores it."""
    if moment.tzinfo is None:
        raise ValueError("audit timestamps are timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_fields(event: AuditEvent, sequence: int, occurred_at: datetime) -> dict[str, Any]:
    """Everything of an event that is hashed, except the previous hash, as JSON values."""
    return {
        "sequence": sequence,
        "tenant_id": str(event.tenant_id) if event.tenant_id else None,
        "occurred_at": timestamp(occurred_at),
        "actor": {"kind": event.actor_kind.value, "subject": event.actor_subject},
        "action": event.action,
        "result": event.result.value,
        "resource": {"type": event.resource_type, "id": event.resource_id},
        "details": event.details,
        "ids": {"correlation": event.correlation_id, "trace": event.trace_id},
    }


def chain_hash(prev_hash: str, fields: Mapping[str, Any], canonicalise: Canonicalise) -> str:
    """sha256 (hex) of the canonical JSON of the fields with the previous hash among them."""
    return hashlib.sha256(canonicalise({**fields, "prev_hash": prev_hash})).hexdigest()


def seal(event: AuditEvent, sequence: int, occurred_at: datetime, prev_hash: str, canonicalise: Canonicalise) -> str:
    return chain_hash(prev_hash, link_fields(event, sequence, occurred_at), canonicalise)


@dataclass(frozen=True, slots=True)
class BrokenLink:
    tenant_id: uuid.UUID | None
    sequence: int
    event_id: int
    reason: str


class ChainCheck:
    """Walks one chain in sequence order and names the first event that does not fit.

    Stateful so a long chain can be fed page by page. What it cannot see: events removed from the end of
    a chain; compare the head it reports with a copy kept elsewhere for that.
    """

    def __init__(self, tenant_id: uuid.UUID | None, canonicalise: Canonicalise) -> None:
        self.tenant_id = tenant_id
        self._canonicalise = canonicalise
        self.checked = 0
        self.head_sequence = 0
        self.head_hash = GENESIS
        self.broken: BrokenLink | None = None

    def feed(self, record: AuditRecord) -> BrokenLink | None:
        """Check the next event; once a link is broken, later events are not checked."""
        if self.broken is not None:
            return self.broken
        self.checked += 1
        reason = self._problem(record)
        if reason is not None:
            self.broken = BrokenLink(self.tenant_id, record.sequence, record.id, reason)
            return self.broken
        self.head_sequence, self.head_hash = record.sequence, record.hash
        return None

    def _problem(self, record: AuditRecord) -> str | None:
        expected = self.head_sequence + 1
        if record.event.tenant_id != self.tenant_id:
            return f"belongs to tenant {record.event.tenant_id}, not to this chain"
        if record.sequence != expected:
            return f"sequence {record.sequence} where {expected} was expected: events are missing"
        if record.prev_hash != self.head_hash:
            which = "the chain's start" if expected == 1 else f"event {expected - 1}"
            return f"prev_hash does not match the hash of {which}: an event was replaced or re-chained"
        actual = seal(record.event, record.sequence, record.occurred_at, record.prev_hash, self._canonicalise)
        if actual != record.hash:
            return "its content does not match its hash: the event was altered"
        return None


def first_broken_link(
    records: Iterable[AuditRecord], tenant_id: uuid.UUID | None, canonicalise: Canonicalise
) -> BrokenLink | None:
    """The first event of a whole chain (in sequence order) that breaks it, or None if it holds."""
    check = ChainCheck(tenant_id, canonicalise)
    for record in records:
        if check.feed(record) is not None:
            break
    return check.broken
