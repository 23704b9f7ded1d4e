"""Stable identity of graph nodes across ingestions."""

from __future__ import annotations

import uuid

# A fixed namespace so node_uuid never depends on anything but (project, unique_id).
NODE_NAMESPACE = uuid.UUID("6c0d8a52-3f4e-5b8a-9d61-2f1e7c9b4a30")


def node_uuid(project_id: uuid.UUID, unique_id: str) -> uuid.UUID:
    """The same dbt resource in the same project always gets the same UUID (v5)."""
    return uuid.uuid5(NODE_NAMESPACE, f"{project_id}:{unique_id}")
