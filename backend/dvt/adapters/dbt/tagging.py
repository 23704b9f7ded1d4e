"""DVT's query tag on every query dbt sends, so a warehouse's query history can be matched to runs and nodes.

Only the workspace copy is changed: a macro file in the project's first macro path and a `query-comment`
in its dbt_project.yml that calls it. The macro renders
`{"dvt": {"run_id", "node_uuid", "unique_id", "tenant", "environment", "trace_id"}}` for the node dbt is
running (both ids empty for queries outside a node). On Snowflake the run's fields also go into
`query_tag`, which dbt_project.yml can only set per project, not per node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dvt.adapters.dbt.project import read_project, write_project
from dvt.application.run_ports import QueryTag

MACRO_NAME = "dvt_query_tag"
MACRO_FILE = "_dvt_query_tag.sql"
_QUERY_TAG_RESOURCES = ("models", "seeds", "snapshots")
# Characters that could open Jinja syntax, written as JSON escapes, which Jinja string literals and JSON
# readers both decode.
_ESCAPES = {"{": "\\u007b", "}": "\\u007d", "%": "\\u0025", "#": "\\u0023"}


def inject_query_tag(project_dir: Path, tag: QueryTag, adapter: str) -> Path:
    """Add the query tag to the checked-out project; the macro file written."""
    document = read_project(project_dir)
    macro_path = _first_macro_path(document)
    (project_dir / macro_path).mkdir(parents=True, exist_ok=True)
    macro_file = project_dir / macro_path / MACRO_FILE
    macro_file.write_text(_macro(tag), encoding="utf-8")

    existing = document.get("query-comment")
    comment: dict[str, Any] = dict(existing) if isinstance(existing, dict) else {}
    comment.update({"comment": "{{ " + MACRO_NAME + "(node) }}", "append": True})
    document["query-comment"] = comment
    if adapter == "snowflake":
        query_tag = literal(_fields(tag, node_uuid="", unique_id=""))
        for resource in _QUERY_TAG_RESOURCES:
            config = document.get(resource)
            config = dict(config) if isinstance(config, dict) else {}
            config["+query_tag"] = query_tag  # dbt renders dbt_project.yml: the escapes keep it inert
            document[resource] = config
    write_project(project_dir, document)
    return macro_file


def literal(value: str | dict[str, Any]) -> str:
    """JSON text that is also a Jinja literal, with nothing in its strings that Jinja would read as syntax."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(key))}: {literal(item)}" for key, item in value.items()) + "}"
    text = json.dumps(value, ensure_ascii=True)
    return "".join(_ESCAPES.get(char, char) for char in text[1:-1]).join('""')


def _macro(tag: QueryTag) -> str:
    uuids = literal(dict(sorted(tag.node_uuids.items())))
    # The run's fields are literals; the two per-node ones are expressions over the node in context.
    fields = {key: literal(value) for key, value in _fields(tag, node_uuid="", unique_id="")["dvt"].items()}
    fields.update(node_uuid="uuids.get(uid, '')", unique_id="uid")
    rendered = "{" + literal("dvt") + ": {" + ", ".join(f"{literal(k)}: {v}" for k, v in fields.items()) + "}}"
    return (
        "{#- Written by DVT into this run's workspace only: the query tag its query-comment renders. -#}\n"
        f"{{% macro {MACRO_NAME}(node) -%}}\n"
        f"{{%- set uuids = {uuids} -%}}\n"
        "{%- set uid = node.unique_id if node is not none and node.unique_id is defined else '' -%}\n"
        f"{{{{- tojson({rendered}) -}}}}\n"
        "{%- endmacro %}\n"
    )


def _fields(tag: QueryTag, *, node_uuid: str, unique_id: str) -> dict[str, Any]:
    return {
        "dvt": {
            "run_id": str(tag.run_id),
            "node_uuid": node_uuid,
            "unique_id": unique_id,
            "tenant": _inert(tag.tenant),
            "environment": _inert(tag.environment),
            "trace_id": _inert(tag.trace_id),
        }
    }


def _inert(value: str) -> str:
    # dbt refuses a query comment containing "*/" (it would end the comment early).
    return value.replace("*/", "* /")


def _first_macro_path(document: dict[str, Any]) -> str:
    paths = document.get("macro-paths")
    if isinstance(paths, str):
        paths = [paths]
    if isinstance(paths, list):
        for path in paths:
            if isinstance(path, str) and path and not Path(path).is_absolute() and ".." not in Path(path).parts:
                return path
    return "macros"
