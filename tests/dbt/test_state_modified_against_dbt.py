"""dbt's `state:modified` sub-kinds, by dvt.domain.graph.comparison, against the real dbt-core 1.11
(`dbt ls --select state:modified.<kind>`) on a generated project changed one thing at a time. The hand-built
example of each rule is in tests/unit/test_node_comparison.py.

dbt's answers and the manifests it wrote are cached under `.cache/comparison/<digest of every input>/`; a
clean clone runs dbt once (one process for every case; each case reparses only what it changed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.domain.graph.comparison import macro_changes, modifications, state_modified
from dvt.domain.graph.model import Manifest
from tests.benchmarks.project_generator import generate_project
from tests.support.dbt_repos import dbt_release

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

def parse(name, seed=None):
    # Each case is the base with one change: seeded with the base's partial-parse file, dbt reparses only
    # the files the case changed (dbt checks every file's checksum and the profile, and reparses what differs).
    project = spec["projects"][name]
    target = os.path.join(out, "targets", name)
    if seed is not None:
        os.makedirs(target)
        shutil.copyfile(os.path.join(seed, "partial_parse.msgpack"), os.path.join(target, "partial_parse.msgpack"))
    result = dbtRunner().invoke(["parse", "--project-dir", project, "--profiles-dir", project,
                                 "--target-path", target, "--quiet"])
    if not result.success:
        raise SystemExit(f"dbt parse failed for {name}: {result.exception}")
    return result.result, project, target

answers = {}
_, _, state = parse("base")
for case in spec["cases"]:
    manifest, project, target = parse(case, seed=state)
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
    digest.update(dbt_release().encode())
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
