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


def environment_id(raw: str) -> uuid.UUID:
    found = node_uuid(raw, "Environment")
    if found is None:
        raise NotFoundError("environment not found")
    return found


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
