"""Relay connections over keyset pages: the cursor is the last key seen, never an offset."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Generic, TypeVar

import strawberry

from dvt.domain.errors import ValidationError

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        decoded = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(f"invalid cursor {cursor!r}") from None
    if not decoded:
        raise ValidationError(f"invalid cursor {cursor!r}")
    return decoded


def page_size(first: int | None, default: int, maximum: int) -> int:
    if first is None:
        return default
    if not 1 <= first <= maximum:
        raise ValidationError(f"`first` must be between 1 and {maximum}, got {first}")
    return first


def edges_of(items: list[T], keys: list[str]) -> tuple[list[Edge[T]], str | None]:
    cursors = [encode_cursor(k) for k in keys]
    return [Edge(cursor=c, node=n) for c, n in zip(cursors, items, strict=True)], (cursors[-1] if cursors else None)


def time_key(created_at: datetime | None, id: uuid.UUID) -> str:
    """The keyset key of an object listed newest first: its creation time, then its id."""
    return f"{created_at.isoformat() if created_at else ''}|{id}"


def decode_time_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """(created_at, id) from a cursor made of `time_key`, or None without a cursor."""
    raw = decode_cursor(cursor)
    if raw is None:
        return None
    stamp, _, id = raw.partition("|")
    try:
        return datetime.fromisoformat(stamp), uuid.UUID(id)
    except ValueError:
        raise ValidationError(f"invalid cursor {cursor!r}") from None
