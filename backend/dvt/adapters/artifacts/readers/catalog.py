"""catalog.json (schema v1, and pre-v1) into CatalogEntries: what the warehouse says each relation holds."""

from __future__ import annotations

from typing import Any

from dvt.domain.graph.model import Catalog, CatalogEntry, Column

from .envelope import Envelope, JsonDict, json_type


def read_catalog(env: Envelope, document: JsonDict) -> Catalog:
    nodes = env.required(document, "nodes", dict)
    sources = env.mapping(document.get("sources"), "'sources'")
    entries = [_entry(env, "nodes", key, entry, is_source=False) for key, entry in nodes.items()]
    entries += [_entry(env, "sources", key, entry, is_source=True) for key, entry in sources.items()]
    errors = document.get("errors")
    if errors is None:
        error_texts: tuple[str, ...] = ()
    elif isinstance(errors, list):
        error_texts = tuple(e if isinstance(e, str) else str(e) for e in errors)
    else:
        raise env.error(f"'errors' is a JSON {json_type(errors)}, expected an array")
    return Catalog(metadata=env.metadata, entries=tuple(entries), errors=error_texts)


def _entry(env: Envelope, section: str, key: str, entry: Any, *, is_source: bool) -> CatalogEntry:
    where = f"{section}[{key!r}]"
    if not isinstance(entry, dict):
        raise env.error(f"{where} is a JSON {json_type(entry)}, expected an object")
    unique_id = env.text(entry.get("unique_id"), where, ".unique_id") or key
    metadata = env.mapping(entry.get("metadata"), where, ".metadata")
    columns = env.mapping(entry.get("columns"), where, ".columns")
    return CatalogEntry(
        unique_id=unique_id,
        is_source=is_source,
        columns=tuple(_column(env, where, name, column) for name, column in columns.items()),
        stats=env.mapping(entry.get("stats"), where, ".stats"),
        relation_type=env.text(metadata.get("type"), where, ".metadata.type"),
        owner=env.text(metadata.get("owner"), where, ".metadata.owner"),
    )


def _column(env: Envelope, where: str, key: str, column: Any) -> Column:
    at = f"{where}.columns[{key!r}]"
    if not isinstance(column, dict):
        raise env.error(f"{at} is a JSON {json_type(column)}, expected an object")
    return Column(
        name=env.text(column.get("name"), at, ".name") or key,
        data_type=env.text(column.get("type"), at, ".type"),
        index=env.integer(column.get("index"), at, ".index"),
        comment=env.text(column.get("comment"), at, ".comment"),
    )
