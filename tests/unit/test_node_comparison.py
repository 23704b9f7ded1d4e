"""dbt's `state:modified` sub-kinds, by dvt.domain.graph.comparison: one hand-built example per rule, then the
same question put to the real dbt-core 1.11 (`dbt ls --select state:modified.<kind>`) on a generated project
changed one thing at a time.

dbt's answers and the manifests it wrote are cached under `.cache/comparison/<digest of every input>/`; a
clean clone runs dbt once (one process for every case, about 30 s here).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.domain.graph.comparison import (
    MacroChanges,
    macro_changes,
    modifications,
    state_modified,
)
from dvt.domain.graph.model import Column, GraphNode, Macro, Manifest
from tests.benchmarks.project_generator import generate_project

# --- hand-built nodes ------------------------------------------------------------------------------------

NO_MACROS: dict[str, Macro] = {}


def node(unique_id: str = "model.shop.orders", **fields: Any) -> GraphNode:
    kind = unique_id.split(".", 1)[0]
    return GraphNode(unique_id, kind, unique_id.rsplit(".", 1)[-1], "shop", **fields)


def kinds(
    old: GraphNode | None,
    new: GraphNode,
    old_macros: Mapping[str, Macro] = NO_MACROS,
    new_macros: Mapping[str, Macro] = NO_MACROS,
) -> frozenset[str]:
    return modifications(old, new, old_macros, new_macros, changes=macro_changes(old_macros, new_macros))


def macro(checksum: str, *calls: str) -> Macro:
    return Macro(checksum, calls, "shop")


MODEL = node(
    raw_code="select 1 as id",
    checksum="c1",
    unrendered_config={"materialized": "table"},
    config={"materialized": "table", "persist_docs": {}},
    description="Orders.",
    columns=(Column("id", description="The key."),),
    database="db",
    schema="analytics",
    alias="orders",
)


def changed(base: GraphNode, **fields: Any) -> GraphNode:
    values = {name: getattr(base, name) for name in base.__slots__}
    values.update(fields)
    return GraphNode(**values)


def test_identical_nodes_have_no_modification() -> None:
    assert kinds(MODEL, changed(MODEL)) == frozenset()


def test_changed_raw_code_is_a_body_modification() -> None:
    assert kinds(MODEL, changed(MODEL, raw_code="select 2 as id", checksum="c2")) == {"body"}


def test_changed_compiled_code_alone_is_not_a_body_modification() -> None:
    assert kinds(changed(MODEL, compiled_code="select 1"), changed(MODEL, compiled_code="select 2")) == frozenset()


def test_a_seeds_body_is_its_checksum() -> None:
    seed = node("seed.shop.raw", checksum="a", raw_code="")
    assert kinds(seed, changed(seed, checksum="b")) == {"body"}


def test_a_changed_unrendered_config_value_is_a_configs_modification() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "view"})
    assert kinds(MODEL, new) == {"configs"}


def test_a_rendered_config_change_alone_is_not_a_configs_modification() -> None:
    new = changed(MODEL, config={"materialized": "view", "persist_docs": {}})
    assert kinds(MODEL, new) == frozenset()


@pytest.mark.parametrize("key", ["tags", "group", "alias", "schema", "database"])
def test_keys_dbt_leaves_out_are_not_a_configs_modification(key: str) -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", key: "x"})
    assert "configs" not in kinds(MODEL, new)


def test_a_key_added_with_a_null_value_is_a_configs_modification() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", "unique_key": None})
    assert kinds(MODEL, new) == {"configs"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("severity", {"configs"}),
        ("warn_if", {"configs"}),
        ("store_failures", {"configs"}),
        ("meta", set()),
        ("enabled", set()),
    ],
)
def test_a_tests_configs_are_dbts_test_keys_only(key: str, expected: set[str]) -> None:
    test = node("test.shop.not_null_orders_id", raw_code="{{ test_not_null(**_dbt_generic_test_kwargs) }}")
    assert kinds(test, changed(test, unrendered_config={key: "warn"})) == expected


def test_a_source_compares_every_config_key() -> None:
    source = node("source.shop.raw.orders", unrendered_config={})
    assert kinds(source, changed(source, unrendered_config={"tags": ["raw"]})) == {"configs"}


def test_a_metrics_group_is_not_a_configs_modification() -> None:
    metric = node("metric.shop.revenue", unrendered_config={})
    assert kinds(metric, changed(metric, unrendered_config={"group": "finance"})) == frozenset()


def test_a_semantic_model_compares_its_rendered_config() -> None:
    semantic = node("semantic_model.shop.orders", config={"enabled": True})
    assert kinds(semantic, changed(semantic, config={"enabled": True, "meta": {"a": 1}})) == {"configs"}


def test_a_unit_test_has_no_configs_to_compare() -> None:
    unit = node("unit_test.shop.orders.t", unrendered_config={})
    assert kinds(unit, changed(unit, unrendered_config={"meta": {"a": 1}})) == frozenset()


def test_a_configured_schema_is_a_relation_modification_not_a_configs_one() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", "schema": "marts"})
    assert kinds(MODEL, new) == {"relation"}


def test_a_rendered_schema_change_alone_is_not_a_relation_modification() -> None:
    assert kinds(MODEL, changed(MODEL, schema="dbt_alice_analytics")) == frozenset()


@pytest.mark.parametrize("field", ["database", "schema", "alias"])
def test_a_sources_relation_is_its_rendered_database_schema_and_identifier(field: str) -> None:
    source = node("source.shop.raw.orders", database="db", schema="raw", alias="orders")
    assert kinds(source, changed(source, **{field: "other"})) == {"relation"}


def test_with_more_unrendered_values_a_source_compares_its_unrendered_schema() -> None:
    source = node("source.shop.raw.orders", schema="raw_dev", extra={"unrendered_schema": "{{ target.schema }}"})
    new = changed(source, schema="raw_prod")
    found = modifications(source, new, NO_MACROS, NO_MACROS, compare_more_unrendered_values=True)
    assert found == frozenset()


def test_a_persisted_description_change_is_a_persisted_descriptions_modification() -> None:
    old = changed(MODEL, config={"persist_docs": {"relation": True}})
    assert kinds(old, changed(old, description="All orders.")) == {"persisted_descriptions"}


def test_a_description_change_without_persist_docs_is_no_modification() -> None:
    assert kinds(MODEL, changed(MODEL, description="All orders.")) == frozenset()


def test_a_column_description_change_with_persisted_column_docs_is_a_persisted_descriptions_modification() -> None:
    old = changed(MODEL, config={"persist_docs": {"columns": True}})
    new = changed(old, columns=(Column("id", description="The row key."),))
    assert kinds(old, new) == {"persisted_descriptions"}


def test_the_new_nodes_persist_docs_decides_whether_descriptions_count() -> None:
    old = changed(MODEL, config={"persist_docs": {"relation": True}})
    new = changed(MODEL, config={"persist_docs": {}}, description="All orders.")
    assert kinds(old, new) == frozenset()


def test_a_test_never_has_persisted_descriptions() -> None:
    test = node("test.shop.t", config={"persist_docs": {"relation": True}}, description="a")
    assert kinds(test, changed(test, description="b")) == frozenset()


CALLER = changed(MODEL, depends_on_macros=("macro.shop.outer",))
MACROS = {
    "macro.shop.outer": macro("o", "macro.shop.inner"),
    "macro.shop.inner": macro("i"),
    "macro.shop.x": macro("x"),
}


def test_calling_a_changed_macro_is_a_macros_modification() -> None:
    new_macros = {**MACROS, "macro.shop.outer": macro("o2", "macro.shop.inner")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_calling_a_macro_that_calls_a_changed_macro_is_a_macros_modification() -> None:
    new_macros = {**MACROS, "macro.shop.inner": macro("i2")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_a_removed_macro_counts_as_changed() -> None:
    new_macros = {k: v for k, v in MACROS.items() if k != "macro.shop.inner"}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_a_change_to_a_macro_the_node_does_not_reach_is_no_modification() -> None:
    new_macros = {**MACROS, "macro.shop.x": macro("x2")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == frozenset()


def test_with_no_macro_changed_an_unknown_macro_is_no_modification() -> None:
    unknown = changed(MODEL, depends_on_macros=("macro.gone.m",))
    assert kinds(unknown, unknown, MACROS, dict(MACROS)) == frozenset()


def test_macros_calling_each_other_in_a_cycle_are_followed_to_the_end() -> None:
    cyclic = {"macro.shop.outer": macro("o", "macro.shop.inner"), "macro.shop.inner": macro("i", "macro.shop.outer")}
    changes: MacroChanges = macro_changes(cyclic, {**cyclic, "macro.shop.y": macro("y")})
    assert changes.affected == {"macro.shop.y"}


def test_macro_changes_name_every_caller_at_any_depth() -> None:
    changes = macro_changes(MACROS, {**MACROS, "macro.shop.inner": macro("i2")})
    assert changes.affected == {"macro.shop.inner", "macro.shop.outer"}


CONTRACTED = changed(MODEL, contract_enforced=True, contract_checksum="k1")


def test_a_newly_enforced_contract_is_a_contract_modification() -> None:
    assert kinds(MODEL, changed(MODEL, contract_enforced=True, contract_checksum="k1")) == {"contract"}


def test_a_contract_no_longer_enforced_is_a_contract_modification() -> None:
    assert kinds(CONTRACTED, changed(CONTRACTED, contract_enforced=False, contract_checksum=None)) == {"contract"}


def test_an_enforced_contract_with_another_checksum_is_a_contract_modification() -> None:
    assert kinds(CONTRACTED, changed(CONTRACTED, contract_checksum="k2")) == {"contract"}


def test_only_models_have_contracts_dbt_checks() -> None:
    seed = node("seed.shop.raw", contract_enforced=True, contract_checksum="a")
    assert kinds(seed, changed(seed, contract_checksum="b")) == frozenset()


@pytest.mark.parametrize(
    ("unique_id", "expected"),
    [
        ("model.shop.new", {"body", "configs", "persisted_descriptions", "relation", "contract"}),
        ("source.shop.raw.new", {"configs", "relation"}),
        ("exposure.shop.new", {"configs"}),
        ("unit_test.shop.orders.new", set()),
    ],
)
def test_a_node_the_old_version_lacks_has_every_subkind_its_type_has(unique_id: str, expected: set[str]) -> None:
    assert kinds(None, node(unique_id)) == expected


# --- plain state:modified --------------------------------------------------------------------------------


def is_modified(old: GraphNode | None, new: GraphNode) -> bool:
    return state_modified(old, new, NO_MACROS, NO_MACROS)


def test_a_generic_tests_body_does_not_make_it_modified() -> None:
    test = node("test.shop.t", raw_code="a", test_metadata={"name": "not_null"})
    assert not is_modified(test, changed(test, raw_code="b"))


def test_a_moved_file_makes_a_model_modified() -> None:
    assert is_modified(MODEL, changed(MODEL, fqn=("shop", "marts", "orders")))


def test_a_models_access_makes_it_modified() -> None:
    assert is_modified(MODEL, changed(MODEL, access="public"))


def test_a_new_source_is_not_modified() -> None:
    assert not is_modified(None, node("source.shop.raw.orders"))


def test_a_sources_freshness_makes_it_modified() -> None:
    source = node("source.shop.raw.orders", extra={"freshness": None})
    assert is_modified(source, changed(source, extra={"freshness": {"warn_after": {"count": 1, "period": "day"}}}))


def test_an_exposures_description_makes_it_modified() -> None:
    exposure = node("exposure.shop.dash", description="a")
    assert is_modified(exposure, changed(exposure, description="b"))


def test_a_unit_tests_checksum_makes_it_modified() -> None:
    unit = node("unit_test.shop.orders.t", checksum="a")
    assert is_modified(unit, changed(unit, checksum="b"))


# --- against the real dbt --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "comparison"
DBT_PYTHON = ROOT / ".venv-dbt" / "bin" / "python"
SUB_KINDS = ("body", "configs", "relation", "persisted_descriptions", "macros", "contract")
SELECTORS = ("state:modified", *(f"state:modified.{kind}" for kind in SUB_KINDS))

EXTRA_FILES = {
    "macros/offsets.sql": (
        "{% macro outer_offset() %}({{ inner_offset() }} + 1){% endmacro %}\n"
        "{% macro inner_offset() %}2{% endmacro %}\n"
        "{% macro unused_macro() %}3{% endmacro %}\n"
    ),
    "models/extra/documented.sql": "{{ config(materialized='table') }}\n\nselect 1 as id, {{ outer_offset() }} as value\n",
    "models/extra/contracted.sql": (
        "{{ config(materialized='table') }}\n\nselect cast(1 as integer) as id, cast(2 as integer) as value\n"
    ),
    "models/extra/plain.sql": "select id, value from {{ ref('documented') }}\n",
    "models/extra/_extra.yml": """\
models:
  - name: documented
    description: A documented model.
    config:
      persist_docs: {relation: true, columns: true}
      tags: [extra]
      meta: {team: a}
    columns:
      - name: id
        description: The key.
        data_tests:
          - not_null:
              config: {severity: error}
      - name: value
        description: The value.
  - name: contracted
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: integer
      - name: value
        data_type: integer
  - name: plain
    description: A plain model.
    columns:
      - name: id
        description: Its key.
""",
}

# One change per case: (file, text found, text it becomes); nothing found: a new file.
CASES: dict[str, list[tuple[str, str, str]]] = {
    "sql_body": [("models/extra/documented.sql", "select 1 as id", "select 2 as id")],
    "sql_comment": [("models/extra/documented.sql", " as value\n", " as value\n-- a comment\n")],
    "materialized": [("models/extra/documented.sql", "materialized='table'", "materialized='view'")],
    "tag": [("models/extra/_extra.yml", "tags: [extra]", "tags: [extra, more]")],
    "meta": [("models/extra/_extra.yml", "meta: {team: a}", "meta: {team: b}")],
    "schema": [("models/extra/documented.sql", "materialized='table'", "materialized='table', schema='other'")],
    "alias": [("models/extra/plain.sql", "select", "{{ config(alias='plain_alias') }}\nselect")],
    "persisted_description": [("models/extra/_extra.yml", "A documented model.", "A documented model, changed.")],
    "column_description": [("models/extra/_extra.yml", "The key.", "The row key.")],
    "unpersisted_description": [("models/extra/_extra.yml", "A plain model.", "A plain model, changed.")],
    "persist_docs_off": [
        ("models/extra/_extra.yml", "{relation: true, columns: true}", "{relation: false, columns: true}")
    ],
    "nested_macro": [("macros/offsets.sql", "inner_offset() %}2", "inner_offset() %}3")],
    "unused_macro": [("macros/offsets.sql", "unused_macro() %}3", "unused_macro() %}4")],
    "contract_type": [
        (
            "models/extra/_extra.yml",
            "- name: value\n        data_type: integer",
            "- name: value\n        data_type: bigint",
        )
    ],
    "contract_off": [("models/extra/_extra.yml", "contract: {enforced: true}", "contract: {enforced: false}")],
    "test_severity": [("models/extra/_extra.yml", "severity: error", "severity: warn")],
    "seed_data": [("seeds/raw_d0_t0.csv", "\n1,", "\n1,9")],
    "source_identifier": [("models/staging/_sources.yml", "identifier: raw_d0_t0", "identifier: raw_d0_t0_renamed")],
    "source_tag": [
        ("models/staging/_sources.yml", "identifier: raw_d0_t0", "identifier: raw_d0_t0\n        config: {tags: [raw]}")
    ],
    "exposure_description": [("models/_exposures.yml", "Generated exposure 0.", "Generated exposure 0, changed.")],
    "access": [("models/extra/_extra.yml", "  - name: plain\n", "  - name: plain\n    config: {access: public}\n")],
    "new_model": [("models/extra/added.sql", "", "select id from {{ ref('plain') }}\n")],
}

DRIVER = r"""
import json, os, shutil, sys
from dbt.cli.main import dbtRunner

spec = json.loads(sys.argv[1])
out = spec["out"]

def parse(name):
    project = spec["projects"][name]
    target = os.path.join(out, "targets", name)
    result = dbtRunner().invoke(["parse", "--project-dir", project, "--profiles-dir", project,
                                 "--target-path", target, "--quiet"])
    if not result.success:
        raise SystemExit(f"dbt parse failed for {name}: {result.exception}")
    return result.result, project, target

answers = {}
_, _, state = parse("base")
for case in spec["cases"]:
    manifest, project, target = parse(case)
    answers[case] = {}
    for selector in spec["selectors"]:
        result = dbtRunner(manifest=manifest).invoke(
            ["ls", "--project-dir", project, "--profiles-dir", project, "--target-path", target, "--quiet",
             "--select", selector, "--indirect-selection", "empty", "--state", state, "--output", "json", "--output-keys", "unique_id"])
        if not result.success:
            raise SystemExit(f"dbt ls failed for {case} {selector}: {result.exception}")
        answers[case][selector] = sorted(json.loads(line)["unique_id"] for line in result.result)
for name in ["base", *spec["cases"]]:
    shutil.copyfile(os.path.join(out, "targets", name, "manifest.json"), os.path.join(out, name + ".json"))
shutil.rmtree(os.path.join(out, "targets"))
with open(os.path.join(out, "answers.json"), "w") as f:
    json.dump(answers, f, indent=1, sort_keys=True)
"""


def _write_base(root: Path) -> None:
    generate_project(root, 12, seed=7)
    for name, text in EXTRA_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def _write_case(base: Path, root: Path, edits: list[tuple[str, str, str]]) -> None:
    shutil.copytree(base, root)
    for name, found, replacement in edits:
        path = root / name
        text = path.read_text(encoding="utf-8") if found else ""
        assert found in text, f"{name} holds no {found!r}"
        path.write_text(text.replace(found, replacement, 1) if found else replacement, encoding="utf-8", newline="\n")


def _digest(root: Path) -> str:
    digest = hashlib.sha256(json.dumps([CASES, SELECTORS, DRIVER]).encode())
    digest.update(
        ",".join(sorted(p.name for p in (ROOT / ".venv-dbt" / "lib").glob("*/site-packages/dbt_*.dist-info"))).encode()
    )
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def dbt_world() -> Path:
    """The cache folder holding dbt's answers (answers.json) and the manifest of the base and of each case."""
    with tempfile.TemporaryDirectory(prefix="dvt-comparison-") as scratch:
        work = Path(scratch)
        _write_base(work / "base")
        found = CACHE / _digest(work / "base")
        if (found / "answers.json").exists():
            return found
        assert DBT_PYTHON.exists(), f"no dbt at {DBT_PYTHON} and no cached answers at {found}"
        projects = {"base": str(work / "base")}
        for case, edits in CASES.items():
            _write_case(work / "base", work / case, edits)
            projects[case] = str(work / case)
        partial = found.with_name(f"{found.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        spec = {"projects": projects, "cases": list(CASES), "selectors": list(SELECTORS), "out": str(partial)}
        env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        subprocess.run(
            [str(DBT_PYTHON), "-c", DRIVER, json.dumps(spec)],
            check=True,
            env=env,
            cwd=scratch,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(found, ignore_errors=True)
        partial.rename(found)
        return found


@cache
def _manifest(name: str) -> Manifest:
    path = dbt_world() / f"{name}.json"
    manifest = read_artifact(path.name, path.read_bytes())
    assert isinstance(manifest, Manifest)
    return manifest


def _ours(case: str) -> dict[str, list[str]]:
    base, head = _manifest("base"), _manifest(case)
    old = {n.unique_id: n for n in base.nodes}
    changes = macro_changes(base.macros, head.macros)
    answers: dict[str, list[str]] = {}
    for selector in SELECTORS:
        found = []
        for new in head.nodes:
            previous = old.get(new.unique_id)
            if selector == "state:modified":
                hit = state_modified(previous, new, base.macros, head.macros, changes=changes)
            else:
                sub_kind = selector.rsplit(".", 1)[-1]
                hit = sub_kind in modifications(previous, new, base.macros, head.macros, changes=changes)
            if hit:
                found.append(new.unique_id)
        answers[selector] = sorted(found)
    return answers


@pytest.mark.parametrize("case", list(CASES))
def test_subkinds_agree_with_dbt_ls_state_modified(case: str) -> None:
    dbt = json.loads((dbt_world() / "answers.json").read_text())[case]
    assert _ours(case) == dbt


@pytest.mark.parametrize(
    ("case", "selector", "unique_id"),
    [
        ("sql_body", "state:modified.body", "model.gen_project.documented"),
        ("materialized", "state:modified.configs", "model.gen_project.documented"),
        ("schema", "state:modified.relation", "model.gen_project.documented"),
        ("persisted_description", "state:modified.persisted_descriptions", "model.gen_project.documented"),
        ("nested_macro", "state:modified.macros", "model.gen_project.documented"),
        ("contract_type", "state:modified.contract", "model.gen_project.contracted"),
        ("seed_data", "state:modified.body", "seed.gen_project.raw_d0_t0"),
    ],
)
def test_each_case_changes_what_it_means_to_for_dbt(case: str, selector: str, unique_id: str) -> None:
    # Guards the cases themselves: an edit dbt does not see would make the agreement above vacuous.
    assert unique_id in json.loads((dbt_world() / "answers.json").read_text())[case][selector]
