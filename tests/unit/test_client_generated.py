"""`dvt.client` is what ariadne-codegen writes from schema/schema.graphql and the client's operations today: the
same check as `make client-check`, so a schema change that breaks or changes the client fails here too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "backend" / "dvt" / "client"
CODEGEN = ROOT / ".venv-codegen" / "bin" / "ariadne-codegen"
RUFF = Path(sys.executable).parent / "ruff"


def generate(out: Path, schema: Path = ROOT / "schema" / "schema.graphql") -> subprocess.CompletedProcess[str]:
    """Generate the client into `out` as `make client` does (pyproject's settings, our ruff after)."""
    assert CODEGEN.exists(), "ariadne-codegen's venv is missing: run `make client-check` once"
    config = (ROOT / "pyproject.toml").read_text()
    config = re.sub(r"(?m)^target_package_path = .*$", f'target_package_path = "{out.parent}"', config)
    config = re.sub(r"(?m)^target_package_name = .*$", f'target_package_name = "{out.name}"', config)
    config = re.sub(r"(?m)^schema_path = .*$", f'schema_path = "{schema}"', config)
    settings = out.parent / "codegen.toml"
    settings.write_text(config)
    done = subprocess.run(
        [str(CODEGEN), "--config", str(settings)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if done.returncode == 0:
        subprocess.run([str(RUFF), "check", "--fix-only", "-q", str(out)], cwd=ROOT, check=True)
        subprocess.run([str(RUFF), "format", "-q", str(out)], cwd=ROOT, check=True)
    return done


def python_files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.py"))}


def test_the_committed_client_is_what_the_schema_and_operations_generate(tmp_path: Path) -> None:
    done = generate(tmp_path / "generated")
    assert done.returncode == 0, done.stderr
    generated = python_files(tmp_path / "generated")
    committed = python_files(CLIENT)
    assert sorted(generated) == sorted(committed)
    stale = [name for name in committed if committed[name] != generated[name]]
    assert stale == [], f"{stale} differ: run `make client`"


def test_a_schema_without_a_field_the_client_reads_does_not_generate(tmp_path: Path) -> None:
    schema = (ROOT / "schema" / "schema.graphql").read_text()
    assert "  fingerprint: String!\n" in schema  # the Plan's (and DecidePlanInput's)
    narrowed = tmp_path / "schema.graphql"
    narrowed.write_text(schema.replace("  fingerprint: String!\n", ""))
    done = generate(tmp_path / "generated", narrowed)
    assert done.returncode != 0 and "fingerprint" in done.stderr


def test_a_schema_change_the_client_reads_makes_it_stale(tmp_path: Path) -> None:
    schema = (ROOT / "schema" / "schema.graphql").read_text()
    widened = tmp_path / "schema.graphql"
    widened.write_text(schema.replace("enum RunStatus {\n", "enum RunStatus {\n  PAUSED\n"))
    assert generate(tmp_path / "generated", widened).returncode == 0
    generated = python_files(tmp_path / "generated")
    assert 'PAUSED = "PAUSED"' in generated["enums.py"] and generated["enums.py"] != python_files(CLIENT)["enums.py"]
