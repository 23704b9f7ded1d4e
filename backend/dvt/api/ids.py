"""Decoding the opaque global ids clients pass back as arguments."""

from __future__ import annotations

import uuid

from strawberry import relay

from dvt.domain.errors import NotFoundError


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
