"""What `state:`, `result:` and `source_status:` compare against: the environment's previous graph version,
its last run and its source freshness. Selection reads them through these small interfaces only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

# The sub-selectors of `state:modified`, each the name of one kind of change.
SUB_SELECTORS = ("body", "configs", "relation", "persisted_descriptions", "macros", "contract")


class StateView(Protocol):
    """The comparison of the current graph version with the state it is selected against, per unique_id
    of the current version (dvt.domain.graph.comparison computes it the way dbt does)."""

    def is_new(self, unique_id: str) -> bool:
        """`state:new`: the previous state holds no resource with this unique_id."""
        ...

    def is_modified(self, unique_id: str) -> bool:
        """`state:modified`: dbt's own verdict, which is not "any sub-selector". dbt counts changes no
        sub-selector names (a model's fqn, access, latest_version; a source's freshness; an exposure's
        owner), and a new resource is modified unless it is a source, exposure, metric, semantic model or
        saved query, although `state:modified.configs` selects those."""
        ...

    def modifications(self, unique_id: str) -> frozenset[str]:
        """The names among SUB_SELECTORS whose `state:modified.<name>` selects the resource. For a new
        resource, every one its type is compared by (dbt's "no old version" rule); "macros" when a macro
        it calls, directly or through other macros, was added, removed or changed."""
        ...


def fresher_sources(
    previous: Mapping[str, str | None],
    current: Mapping[str, str | None],
) -> dict[str, str]:
    """`source_status:` evidence from two `dbt source freshness` runs, the way dbt compares them.

    Each mapping is unique_id -> max_loaded_at (ISO 8601) of the run, None where the source had a runtime
    error. A source is "fresher" when the current run loaded it and either the previous run did not (or
    failed on it) or its max_loaded_at moved forward. Returns {unique_id: "fresher"} for those.
    """
    fresher: dict[str, str] = {}
    for unique_id, loaded in current.items():
        if loaded is None:
            continue
        before = previous.get(unique_id)
        if before is None or _later(loaded, before):
            fresher[unique_id] = "fresher"
    return fresher


def _later(current: str, previous: str) -> bool:
    try:
        return datetime.fromisoformat(current.replace("Z", "+00:00")) > datetime.fromisoformat(
            previous.replace("Z", "+00:00")
        )
    except (ValueError, TypeError):  # not ISO 8601, or one with a time zone and one without
        return current > previous
