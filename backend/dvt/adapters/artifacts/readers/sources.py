"""sources.json, written by `dbt source freshness` (schema v1 to v3, and pre-v1), into SourceFreshness.

v1 results carry no timing, thread or execution time; v3 adds them. Runtime errors carry only
unique_id, status and error. Before v1 (dbt 0.14-0.18) the file was a map, `sources: {unique_id: {...,
"state": ...}}`, a runtime error being only `{"error", "state": "runtime error"}`; and the result object
those versions kept in memory (`FreshnessExecutionResult`, which tools and dbt's RPC server saved as is)
lists `results` that nest the whole source under `node` and call the age `age`.
"""

from __future__ import annotations

from typing import Any

from dvt.domain.graph.model import SourceFreshness, Sources

from .envelope import Envelope, JsonDict, json_type


def read_sources(env: Envelope, document: JsonDict) -> Sources:
    if "results" not in document and isinstance(document.get("sources"), dict):
        entries = [(f"sources[{key!r}]", key, entry) for key, entry in document["sources"].items()]
    else:
        entries = [(f"results[{i}]", None, entry) for i, entry in enumerate(env.required(document, "results", list))]
    meta = document.get("meta")
    elapsed = document.get("elapsed_time", meta.get("elapsed_time") if isinstance(meta, dict) else None)
    return Sources(
        metadata=env.metadata,
        results=tuple(_freshness(env, where, key, entry) for where, key, entry in entries),
        elapsed_time=env.number(elapsed, "'elapsed_time'"),
    )


def _freshness(env: Envelope, where: str, key: str | None, entry: Any) -> SourceFreshness:
    if not isinstance(entry, dict):
        raise env.error(f"{where} is a JSON {json_type(entry)}, expected an object")
    node = env.mapping(entry.get("node"), where, ".node")  # pre-v1 result objects nest the source
    unique_id = (
        env.text(entry.get("unique_id"), where, ".unique_id")
        or env.text(node.get("unique_id"), where, ".node.unique_id")
        or key
    )
    if not unique_id:
        raise env.error(f"{where} has no 'unique_id' (nor node.unique_id)")
    error = entry.get("error")
    status = entry.get("status", entry.get("state"))
    if status is None and error:
        status = "runtime error"  # a pre-v1 PartialResult: the query failed, only the error was kept
    if not isinstance(status, str) or not status:
        raise env.error(f"{where} has no 'status'" if status is None else f"{where}.status is not a string")
    age = entry.get("max_loaded_at_time_ago_in_s", entry.get("age"))
    criteria = entry.get("criteria", node.get("freshness"))
    return SourceFreshness(
        unique_id=unique_id,
        status=status.lower(),  # dbt Fusion writes "Pass", "Warn", ...
        max_loaded_at=env.text(entry.get("max_loaded_at"), where, ".max_loaded_at"),
        snapshotted_at=env.text(entry.get("snapshotted_at"), where, ".snapshotted_at"),
        age_seconds=env.number(age, where, ".max_loaded_at_time_ago_in_s"),
        criteria=env.mapping(criteria, where, ".criteria"),
        error=error if error is None or isinstance(error, str) else str(error),
        execution_time=env.number(entry.get("execution_time"), where, ".execution_time"),
    )
