"""Decoding the opaque global ids clients pass back as arguments."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from strawberry import relay
from strawberry.dataloader import DataLoader

from dvt.domain.errors import NotFoundError

T = TypeVar("T")
V = TypeVar("V")


def node_uuid(raw: str, type_name: str) -> uuid.UUID | None:
    """The UUID inside a global id of this type; None for any other id (it finds nothing)."""
    try:
        global_id = relay.GlobalID.from_id(raw)
        return uuid.UUID(global_id.node_id) if global_id.type_name == type_name else None
    except ValueError:  # GlobalIDValueError is one
        return None


def required_uuid(raw: str, type_name: str) -> uuid.UUID:
    """The UUID inside a global id of this type; any other id is not found, as another tenant's object is."""
    found = node_uuid(raw, type_name)
    if found is None:
        raise NotFoundError(f"{type_name.lower()} not found")
    return found


def environment_id(raw: str) -> uuid.UUID:
    return required_uuid(raw, "Environment")


def project_id(raw: str) -> uuid.UUID:
    return required_uuid(raw, "Project")


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None  # a malformed id finds nothing, like another tenant's


async def resolve_by_uuid(
    loader: DataLoader[uuid.UUID, V | None], node_ids: Iterable[str], to_type: Callable[[V], T]
) -> list[T | None]:
    """Relay's node(id:) through a tenant-scoped loader, in one batch."""
    keys = [_uuid(raw) for raw in node_ids]
    found = await loader.load_many([k for k in keys if k is not None])
    by_key = dict(zip([k for k in keys if k is not None], found, strict=True))
    return [to_type(v) if (v := by_key.get(k) if k else None) is not None else None for k in keys]
