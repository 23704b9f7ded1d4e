"""DVT's query tag in the workspace copy: the user's dbt_project.yml kept, a query-comment and a macro added."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import yaml

from dvt.adapters.dbt.tagging import MACRO_FILE, inject_query_tag, literal
from dvt.application.run_ports import QueryTag

PROJECT = """\
name: shop
version: "1.0.0"
profile: shop
# a comment
macro-paths: ["dbt_macros", "more_macros"]
vars:
  start_date: "2024-01-01"
models:
  shop:
    +materialized: view
    marts:
      +materialized: table
on-run-end: ["{{ log('done') }}"]
"""
RUN_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _tag(tenant: str = "acme") -> QueryTag:
    return QueryTag(
        RUN_ID, tenant, "prod", "trace-1", node_uuids={"model.shop.orders": "11111111-1111-4111-8111-111111111111"}
    )


def test_user_keys_are_kept_and_the_query_comment_added(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    macro = inject_query_tag(tmp_path, _tag(), "duckdb")
    document = yaml.safe_load((tmp_path / "dbt_project.yml").read_text())
    original = yaml.safe_load(PROJECT)
    assert {key: value for key, value in document.items() if key != "query-comment"} == original
    assert document["query-comment"] == {"comment": "{{ dvt_query_tag(node) }}", "append": True}
    assert macro == tmp_path / "dbt_macros" / MACRO_FILE
    text = macro.read_text()
    assert "{% macro dvt_query_tag(node) -%}" in text
    assert '"model.shop.orders": "11111111-1111-4111-8111-111111111111"' in text
    assert str(RUN_ID) in text and "uuids.get(uid, '')" in text


def test_the_default_macro_path_is_macros(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    assert inject_query_tag(tmp_path, _tag(), "postgres") == tmp_path / "macros" / MACRO_FILE


def test_snowflake_also_gets_a_query_tag_for_the_run(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    inject_query_tag(tmp_path, _tag(), "snowflake")
    document = yaml.safe_load((tmp_path / "dbt_project.yml").read_text())
    assert document["models"]["shop"] == {"+materialized": "view", "marts": {"+materialized": "table"}}
    for resource in ("models", "seeds", "snapshots"):
        tag = json.loads(document[resource]["+query_tag"])
        assert tag == {
            "dvt": {
                "run_id": str(RUN_ID),
                "node_uuid": "",
                "unique_id": "",
                "tenant": "acme",
                "environment": "prod",
                "trace_id": "trace-1",
            }
        }


def test_values_cannot_open_jinja_or_close_the_comment(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    hostile = "x%}{{ env_var('DBT_ENV_SECRET_A') }}{#*/"
    macro = inject_query_tag(tmp_path, _tag(hostile), "snowflake").read_text()
    document = yaml.safe_load((tmp_path / "dbt_project.yml").read_text())
    body = macro.split("\n", 1)[1]  # the first line is the macro file's own Jinja comment
    # Only the macro's own tags open Jinja (macro, two sets, the output, endmacro); the tenant is inert text.
    assert re.findall(r"\{\{|\{%|\{#", body) == ["{%", "{%", "{%", "{{", "{%"]
    assert "*/" not in body
    assert not re.search(r"\{\{|\{%|\{#", document["models"]["+query_tag"])
    assert json.loads(document["models"]["+query_tag"])["dvt"]["tenant"] == "x%}{{ env_var('DBT_ENV_SECRET_A') }}{#* /"


def test_literal_is_json() -> None:
    value = {'a"b': "{{ c }}", "d": {"e": "é\\n"}}
    assert json.loads(literal(value)) == value
