"""The projects the parity battery runs on, the real dbt's answers for it, and what DVT needs to answer it.

Three dbt projects live in `.cache/parity/`: `gen` (a generated project of 150 models plus the extras
written below: YAML selectors, a group with access levels, a versioned model, a contract, a macro, unit
and singular tests, a semantic model and metric, an analysis, a hook), `gen_changed` (the same project
with 6 model bodies changed and one change of each kind `state:modified` distinguishes, plus a new
model), compared with `state/` (gen's manifest, a run_results.json and a sources.json), and `demo`
(examples/demo_shop). dbt's answers are cached in `answers.json`, keyed by a digest of every input; a
clean clone regenerates the projects and runs dbt once (tests/parity/dbt_ls_driver.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.domain.graph.comparison import macro_changes, modifications, state_modified
from dvt.domain.graph.model import Manifest
from dvt.domain.graph.selection import GraphIndex, fresher_sources
from tests.benchmarks.project_generator import generate_project
from tests.support.dbt_repos import dbt_release

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "parity"
DBT_PYTHON = ROOT / ".venv-dbt" / "bin" / "python"
DRIVER = Path(__file__).with_name("dbt_ls_driver.py")
DEMO = ROOT / "examples" / "demo_shop"
N_MODELS = 150
CHANGED = 6
INPUTS = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "models",
    "seeds",
    "snapshots",
    "tests",
    "macros",
    "analyses",
)

SECTIONS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "functions")

# --- what the battery needs beyond the generated project ---------------------------------------------

EXTRA_SQL = {
    "finance_orders": "select id, value from {{ ref('fct_d1_36') }}\n",
    "finance_private": "select id, value from {{ ref('finance_orders') }}\n",
    "configured": "select id, value from {{ ref('int_d1_19') }}\n",
    "aliased": "select id, value from {{ ref('int_d1_19') }}\n",
    "persisted": "select id, value from {{ ref('stg_d1_1') }}\n",
    "contracted": "select cast(id as integer) as id, cast(value as integer) as value from {{ ref('stg_d1_1') }}\n",
    "macro_user": "select id, {{ add_one('value') }} as value from {{ ref('stg_d0_0') }}\n",
    "dim_versioned_v1": "select id, value from {{ ref('fct_d1_36') }}\n",
    "dim_versioned_v2": "select id, value + 1 as value from {{ ref('fct_d1_36') }}\n",
    "dim_versioned_v3": "select id, value + 2 as value from {{ ref('dim_versioned', v=2) }}\n",
    "metricflow_time_spine": "select cast('2024-01-01' as date) as date_day\n",
    "dated_values": "select id, value, cast('2024-01-01' as date) as created_day from {{ ref('stg_d2_2') }}\n",
}

EXTRAS_YML = """\
groups:
  - name: finance
    owner: {name: Finance, email: finance@example.com}

models:
  - name: finance_orders
    description: Orders of domain 1, for finance.
    config: {group: finance, access: public, tags: [finance_x]}
    columns:
      - name: id
        data_tests:
          - unique
          - relationships:
              arguments: {to: "ref('stg_d1_1')", field: id}
  - name: finance_private
    config: {group: finance, access: private, tags: [@PRIVATE_TAGS@]}
  - name: configured
    config: {materialized: @CONFIGURED@}
  - name: aliased
    config: {alias: @ALIAS@}
  - name: persisted
    description: @DESCRIPTION@
    config: {persist_docs: {relation: true, columns: true}}
  - name: contracted
    config: {materialized: table, contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer}
      - {name: value, data_type: integer}@CONTRACT_COLUMN@
  - name: macro_user
  - name: dim_versioned
    latest_version: 2
    versions: [{v: 1}, {v: 2}, {v: 3}]
    columns:
      - name: id
        data_tests: [not_null]
  - name: metricflow_time_spine
    time_spine: {standard_granularity_column: date_day}
    columns:
      - {name: date_day, granularity: day}
  - name: dated_values

unit_tests:
  - name: finance_orders_keeps_rows
    model: finance_orders
    given:
      - input: ref('fct_d1_36')
        rows: [{id: 1, value: 2}]
    expect:
      rows: [{id: 1, value: 2}]

semantic_models:
  - name: dated_values_sm
    model: ref('dated_values')
    defaults: {agg_time_dimension: created_day}
    entities: [{name: row, type: primary, expr: id}]
    dimensions: [{name: created_day, type: time, type_params: {time_granularity: day}}]
    measures: [{name: total_value, agg: sum, expr: value}]

metrics:
  - name: total_value
    label: Total value
    type: simple
    type_params: {measure: total_value}

exposures:
  - name: versioned_report
    type: analysis
    owner: {name: @REPORT_OWNER@, email: reports@example.com}
    config: {tags: [reporting]}
    depends_on:
      - ref('dim_versioned', v=1)
      - source('domain_2', 't2')@NEW_EXPOSURE@
"""

SELECTORS_YML = """\
selectors:
  - name: marts_incremental
    description: Incremental marts, and anything nightly.
    definition:
      union:
        - tag:nightly
        - intersection:
            - path:models/marts
            - config.materialized:incremental
  - name: near_int_d1_17
    definition: {method: fqn, value: int_d1_17, parents: true, parents_depth: 1, children: true, children_depth: 1}
  - name: source_children
    definition: {method: source, value: domain_0, children: true, children_depth: 2}
  - name: critical_family
    definition: {method: tag, value: critical, childrens_parents: true}
  - name: cautious_pair
    definition:
      union:
        - {method: fqn, value: int_d1_17, indirect_selection: cautious}
        - {method: fqn, value: stg_d1_1, indirect_selection: cautious}
  - name: buildable_int
    definition: {method: fqn, value: int_d1_17, parents: true, indirect_selection: buildable}
  - name: finance_without_tests
    definition: {method: group, value: finance, indirect_selection: empty}
  - name: staging_but_not_pii
    definition:
      union:
        - tag:staging
        - exclude: [tag:pii, path:models/staging/domain_1]
  - name: marts_not_incremental
    definition:
      method: path
      value: models/marts
      exclude:
        - {method: config.materialized, value: incremental}
  - name: reused
    definition:
      union:
        - {method: selector, value: marts_incremental}
        - "exposure:*"
  - name: domain_1_models_not_critical
    definition:
      intersection:
        - tag:domain_1
        - resource_type:model
        - exclude: [tag:critical]
  - name: exposure_upstream
    definition: "+exposure:exposure_0"
  - name: two_up_one_down
    definition: "2+int_d1_19+1"
  - name: modified_and_after
    definition: "state:modified+"
  - name: every_model
    default: true
    definition: {method: resource_type, value: model}
"""

MACRO = "{% macro add_one(column) %}({{ column }} + @STEP@){% endmacro %}\n"
SINGULAR_TESTS = {
    "assert_two_parents": (
        "select p.id from {{ ref('int_d1_17') }} as p join {{ ref('stg_d1_1') }} as s on p.id = s.id where p.id < 0\n"
    ),
    "assert_source_rows": "select * from {{ source('domain_0', 't0') }} where id < 0\n",
}
ANALYSIS = "select * from {{ ref('dim_d1_11') }}\n"
HOOKS = '\non-run-start:\n  - "select 1"\n'

# What differs in gen_changed, besides the bodies `generate_project(changed=...)` alters.
BASE_VALUES = {
    "@PRIVATE_TAGS@": "finance_x",
    "@CONFIGURED@": "view",
    "@ALIAS@": "aliased_one",
    "@DESCRIPTION@": "Persisted description one.",
    "@CONTRACT_COLUMN@": "",
    "@STEP@": "1",
    "@REPORT_OWNER@": "Reports",
    "@NEW_EXPOSURE@": "",
}
CHANGED_VALUES = {
    "@PRIVATE_TAGS@": "finance_x, retagged",  # tags are no config change to dbt
    "@CONFIGURED@": "table",  # modified.configs
    "@ALIAS@": "aliased_two",  # modified.relation
    "@DESCRIPTION@": "Persisted description two.",  # modified.persisted_descriptions
    "@CONTRACT_COLUMN@": "\n      - {name: extra, data_type: integer}",  # modified.contract
    "@STEP@": "2",  # modified.macros
    "@REPORT_OWNER@": "Reporting",  # an exposure's owner: state:modified, no sub-selector
    "@NEW_EXPOSURE@": "\n  - name: new_report\n    type: dashboard\n    owner: {email: new@example.com}\n"
    "    depends_on: [ref('finance_orders')]",  # a new exposure: not state:modified
}

# The state gen_changed is compared with: the last run's statuses and two source freshness runs.
LAST_RUN = {
    "model.gen_project.int_d1_19": "error",
    "model.gen_project.stg_d1_1": "success",
    "model.gen_project.fct_d1_36": "skipped",
    "seed.gen_project.raw_d0_t0": "success",
    "test.gen_project.assert_two_parents": "fail",
    "test.gen_project.assert_source_rows": "warn",
    "test.gen_project.not_null_dim_versioned_v1_id.761c11bbc1": "pass",
    "unit_test.gen_project.finance_orders.finance_orders_keeps_rows": "success",
}
PREVIOUS_FRESHNESS: dict[str, str | None] = {
    "source.gen_project.domain_0.t0": "2024-05-01T10:00:00+00:00",
    "source.gen_project.domain_1.t1": "2024-05-01T10:00:00+00:00",
}
CURRENT_FRESHNESS: dict[str, str | None] = {
    "source.gen_project.domain_0.t0": "2024-05-02T10:00:00+00:00",  # fresher
    "source.gen_project.domain_1.t1": "2024-05-01T10:00:00+00:00",  # unchanged
    "source.gen_project.domain_2.t2": None,  # runtime error
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _fill(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _gen_project(root: Path, *, changed: bool) -> None:
    for sub in ("models", "seeds", "tests", "macros", "analyses"):
        shutil.rmtree(root / sub, ignore_errors=True)
    generate_project(root, N_MODELS, seed=0, changed=CHANGED if changed else 0)
    values = CHANGED_VALUES if changed else BASE_VALUES
    project = (root / "dbt_project.yml").read_text()
    if changed:  # a folder's config in dbt_project.yml: modified.configs for staging/domain_1
        project = project.replace("+meta: {owner: team-d1}", "+meta: {owner: team-one}", 1)
    _write(root / "dbt_project.yml", project + HOOKS)
    extras = root / "models" / "extras"
    for name, sql in EXTRA_SQL.items():
        _write(extras / f"{name}.sql", sql)
    if changed:
        _write(extras / "brand_new.sql", "select id, value from {{ ref('finance_orders') }}\n")  # state:new
        sources = root / "models" / "staging" / "_sources.yml"  # a new source: not state:modified
        _write(sources, sources.read_text() + "      - name: t_new\n        identifier: raw_d2_t2\n")
    _write(extras / "_extras.yml", _fill(EXTRAS_YML, values))
    _write(root / "selectors.yml", SELECTORS_YML)
    _write(root / "macros" / "add_one.sql", _fill(MACRO, values))
    for name, sql in SINGULAR_TESTS.items():
        _write(root / "tests" / f"{name}.sql", sql)
    _write(root / "analyses" / "value_analysis.sql", ANALYSIS)


def _demo_project(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        source, target = DEMO / name, root / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            shutil.copy2(source, target)


def _metadata(kind: str, version: int) -> dict[str, Any]:
    return {
        "dbt_schema_version": f"https://schemas.getdbt.com/dbt/{kind}/v{version}.json",
        "dbt_version": "1.11.16",
        "generated_at": "2024-05-02T10:00:00Z",
        "invocation_id": "00000000-0000-0000-0000-000000000000",
        "env": {},
    }


def run_results_json(statuses: Mapping[str, str]) -> str:
    results: list[dict[str, Any]] = [
        {
            "status": status,
            "timing": [],
            "thread_id": "Thread-1",
            "execution_time": 0.1,
            "adapter_response": {},
            "message": None,
            "failures": 1 if status in ("fail", "warn") else None,
            "unique_id": unique_id,
            "compiled": None,
            "compiled_code": None,
            "relation_name": None,
            "batch_results": None,
        }
        for unique_id, status in statuses.items()
    ]
    return json.dumps({"metadata": _metadata("run-results", 6), "results": results, "elapsed_time": 1.0, "args": {}})


def sources_json(loaded: Mapping[str, str | None]) -> str:
    results: list[dict[str, Any]] = []
    for unique_id, max_loaded_at in loaded.items():
        if max_loaded_at is None:
            results.append({"unique_id": unique_id, "error": "boom", "status": "runtime error"})
            continue
        results.append(
            {
                "unique_id": unique_id,
                "max_loaded_at": max_loaded_at,
                "snapshotted_at": "2024-05-03T00:00:00+00:00",
                "max_loaded_at_time_ago_in_s": 60.0,
                "status": "pass",
                "criteria": {"warn_after": {}, "error_after": {}, "filter": None},
                "adapter_response": {},
                "timing": [],
                "thread_id": "Thread-1",
                "execution_time": 0.1,
            }
        )
    return json.dumps({"metadata": _metadata("sources", 3), "results": results, "elapsed_time": 1.0})


# --- the state view the battery's `state:` cases use ---------------------------------------------------


class ComparedState:
    """StateView over two manifests, by dvt.domain.graph.comparison (dbt's `same_*` rules)."""

    def __init__(self, old: Manifest, new: Manifest) -> None:
        self.old = {node.unique_id: node for node in old.nodes}
        self.new = {node.unique_id: node for node in new.nodes}
        self.old_macros, self.new_macros = old.macros, new.macros
        self.changes = macro_changes(old.macros, new.macros)

    def is_new(self, unique_id: str) -> bool:
        return unique_id not in self.old

    def is_modified(self, unique_id: str) -> bool:
        old, new = self.old.get(unique_id), self.new[unique_id]
        return state_modified(old, new, self.old_macros, self.new_macros, changes=self.changes)

    def modifications(self, unique_id: str) -> frozenset[str]:
        old, new = self.old.get(unique_id), self.new[unique_id]
        return modifications(old, new, self.old_macros, self.new_macros, changes=self.changes)


# --- running dbt, with a cache -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParityProject:
    name: str
    root: Path
    state: Path | None = None  # the --state directory its cases compare with

    @cached_property
    def raw_manifest(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.root / "target" / "manifest.json").read_bytes())
        return loaded

    @cached_property
    def manifest(self) -> Manifest:
        path = self.root / "target" / "manifest.json"
        artifact = read_artifact("manifest.json", path.read_bytes())
        assert isinstance(artifact, Manifest)
        return artifact

    @cached_property
    def index(self) -> GraphIndex:
        # The readers do not carry patch_path yet; `path:` on a properties file needs it.
        patches = {
            uid: node["patch_path"]
            for section in SECTIONS
            for uid, node in (self.raw_manifest.get(section) or {}).items()
            if node.get("patch_path")
        }
        return GraphIndex.from_manifest(self.manifest, patch_paths=patches)

    @cached_property
    def comparison(self) -> ComparedState:
        assert self.state is not None
        previous = read_artifact("manifest.json", (self.state / "manifest.json").read_bytes())
        assert isinstance(previous, Manifest)
        return ComparedState(previous, self.manifest)


@dataclass(frozen=True)
class ParityWorld:
    projects: Mapping[str, ParityProject]
    answers: Mapping[str, Any]
    results: Mapping[str, str]
    source_status: Mapping[str, str]


def _digest(roots: Sequence[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for root in roots:
        for name in INPUTS:
            entry = root / name
            files = sorted(p for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else [entry]
            for path in files:
                if path.exists():
                    rel = f"{root.name}/{path.relative_to(root).as_posix()}"
                    digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ask_dbt(cases: Sequence[Mapping[str, Any]]) -> ParityWorld:
    """dbt's answers to the battery (cached), and the projects and evidence to put the same questions to DVT.

    Each case is {"id", "project": "gen" | "state" | "demo", "args": [...]}; "state" cases run on
    gen_changed with `--state .cache/parity/state`.
    """
    gen, changed, demo, state = CACHE / "gen", CACHE / "gen_changed", CACHE / "demo", CACHE / "state"
    _gen_project(gen, changed=False)
    _gen_project(changed, changed=True)
    _demo_project(demo)
    after_gen = {
        str(state / "run_results.json"): run_results_json(LAST_RUN),
        str(state / "sources.json"): sources_json(PREVIOUS_FRESHNESS),
    }
    after_changed = {str(changed / "target" / "sources.json"): sources_json(CURRENT_FRESHNESS)}
    by_project: dict[str, list[dict[str, Any]]] = {"gen": [], "state": [], "demo": []}
    for case in cases:
        args = list(case["args"]) + (["--state", str(state)] if case["project"] == "state" else [])
        by_project[case["project"]].append({"id": case["id"], "args": args})
    request = {
        "projects": [
            {"name": "gen", "dir": str(gen), "after_parse": after_gen, "cases": by_project["gen"]},
            {"name": "gen_changed", "dir": str(changed), "after_parse": after_changed, "cases": by_project["state"]},
            {"name": "demo", "dir": str(demo), "after_parse": {}, "cases": by_project["demo"]},
        ]
    }
    key = _digest([gen, changed, demo], json.dumps(request, sort_keys=True) + DRIVER.read_text() + dbt_release())
    answers_path = CACHE / "answers.json"
    manifests = [
        gen / "target" / "manifest.json",
        changed / "target" / "manifest.json",
        demo / "target" / "manifest.json",
    ]
    cached = json.loads(answers_path.read_text()) if answers_path.exists() else {}
    if cached.get("key") != key or not all(p.exists() for p in manifests) or not _same_manifests(cached, manifests):
        answers = _run_driver(request, state)
        (state / "manifest.json").write_bytes(manifests[0].read_bytes())
        cached = {"key": key, "manifests": _manifest_digests(manifests), "answers": answers}
        answers_path.write_text(json.dumps(cached, indent=1, sort_keys=True))
    projects = {
        "gen": ParityProject("gen", gen),
        "state": ParityProject("gen_changed", changed, state),
        "demo": ParityProject("demo", demo),
    }
    return ParityWorld(projects, cached["answers"], LAST_RUN, fresher_sources(PREVIOUS_FRESHNESS, CURRENT_FRESHNESS))


def _manifest_digests(paths: Sequence[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def _same_manifests(cached: Mapping[str, Any], paths: Sequence[Path]) -> bool:
    return bool(cached.get("manifests") == _manifest_digests(paths))


def _run_driver(request: Mapping[str, Any], state: Path) -> dict[str, Any]:
    if not DBT_PYTHON.exists():
        pytest.skip(f"the parity battery needs dbt in {DBT_PYTHON.parent.parent}")
    state.mkdir(parents=True, exist_ok=True)
    # The state directory needs gen's manifest before gen_changed runs: parse gen first, alone.
    first = {"projects": [request["projects"][0]]}
    rest = {"projects": request["projects"][1:]}
    answers: dict[str, Any] = {}
    for part in (first, rest):
        answers.update(_invoke_driver(part))
        gen_manifest = Path(request["projects"][0]["dir"]) / "target" / "manifest.json"
        if gen_manifest.exists():
            (state / "manifest.json").write_bytes(gen_manifest.read_bytes())
    return answers


def _invoke_driver(request: Mapping[str, Any]) -> dict[str, Any]:
    work = CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    request_path, answers_path = work / "request.json", work / "answers.json"
    request_path.write_text(json.dumps(request))
    answers_path.unlink(missing_ok=True)
    env = dict(os.environ, DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.pop("DBT_PROFILES_DIR", None)
    done = subprocess.run(
        [str(DBT_PYTHON), str(DRIVER), str(request_path), str(answers_path)],
        cwd=CACHE,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    sys.stderr.write(done.stderr[-2000:])
    if done.returncode != 0:
        raise RuntimeError(f"the dbt driver failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    loaded: dict[str, Any] = json.loads(answers_path.read_text())
    return loaded


@pytest.fixture(scope="session")
def ask_dbt_once() -> Iterator[Callable[[Sequence[Mapping[str, Any]]], ParityWorld]]:
    memo: dict[str, ParityWorld] = {}

    def ask(cases: Sequence[Mapping[str, Any]]) -> ParityWorld:
        key = json.dumps(list(cases), sort_keys=True)
        if key not in memo:
            memo[key] = ask_dbt(cases)
        return memo[key]

    yield ask
