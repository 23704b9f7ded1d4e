"""The benchmark project generator writes the DAG it promises (no dbt needed)."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from types import ModuleType

import pytest

N_MODELS = 120
REF = re.compile(r"\{\{ ref\('([^']+)'\) \}\}")


def _load_generator() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "project_generator.py"
    spec = importlib.util.spec_from_file_location("project_generator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _refs_by_model(root: Path) -> dict[str, set[str]]:
    return {p.stem: set(REF.findall(p.read_text())) for p in (root / "models").rglob("*.sql")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = generator.generate_project(tmp_path_factory.mktemp("gen"), N_MODELS, seed=7)
    return root


def test_writes_exactly_n_model_files(project: Path) -> None:
    assert len(list((project / "models").rglob("*.sql"))) == N_MODELS


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generator.generate_project(tmp_path / "a", N_MODELS, seed=7, changed=3)
    second = generator.generate_project(tmp_path / "b", N_MODELS, seed=7, changed=3)
    assert _tree_hashes(first) == _tree_hashes(second)


def test_changed_alters_exactly_that_many_model_files(tmp_path: Path) -> None:
    base = _tree_hashes(generator.generate_project(tmp_path / "base", N_MODELS, seed=7))
    modified = _tree_hashes(generator.generate_project(tmp_path / "mod", N_MODELS, seed=7, changed=5))
    differing = {path for path in base if base[path] != modified.get(path)}
    assert len(differing) == 5 and all(p.startswith("models/") and p.endswith(".sql") for p in differing)


def test_every_ref_targets_a_model_or_seed(project: Path) -> None:
    refs = _refs_by_model(project)
    known = set(refs) | {p.stem for p in (project / "seeds").glob("*.csv")}
    dangling = {target for targets in refs.values() for target in targets} - known
    assert dangling == set()


def test_model_dag_has_no_cycle(project: Path) -> None:
    refs = _refs_by_model(project)
    graph = {model: {t for t in targets if t in refs} for model, targets in refs.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"cycle in generated DAG: {error.args[1]}")


def test_a_changed_macro_alters_only_the_macro_file_and_a_share_of_models_call_it(tmp_path: Path) -> None:
    base_root = generator.generate_project(tmp_path / "base", N_MODELS, seed=7, macro_share=0.2)
    base = _tree_hashes(base_root)
    changed = _tree_hashes(
        generator.generate_project(tmp_path / "mod", N_MODELS, seed=7, macro_share=0.2, macro_changed=True)
    )
    assert {path for path in base if base[path] != changed.get(path)} == {"macros/gen_value.sql"}
    callers = [p for p in (base_root / "models").rglob("*.sql") if "{{ gen_value(" in p.read_text()]
    assert 0 < len(callers) < N_MODELS


def test_without_a_macro_share_no_macro_is_written(project: Path) -> None:
    assert not (project / "macros").exists()
