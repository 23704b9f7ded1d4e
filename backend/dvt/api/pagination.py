"""Relay connections over keyset pages: the cursor is the last key seen, never an offset."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any, Generic, Self, TypeVar

import strawberry

from dvt.domain.errors import ValidationError

T = TypeVar("T")


@strawberry.type(description="Relay's page information")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page: keyset pages go forward, so true when `after` was given"
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """One keyset page of a list; named after its item type in the schema (`RunConnection`, `RunEdge`)."""

    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo

    @classmethod
    def of(cls, items: list[T], keys: list[str], *, has_next: bool, after: str | None, **extra: Any) -> Self:
        """The page of `items`, each with the keyset key its cursor encodes; `after`: the cursor it started from."""
        edges, end = edges_of(items, keys)
        info = PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=end,
        )
        return cls(edges=edges, nodes=items, page_info=info, **extra)

    @classmethod
    def empty(cls, **extra: Any) -> Self:
        return cls.of([], [], has_next=False, after=None, **extra)


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
