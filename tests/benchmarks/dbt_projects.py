"""Generated dbt projects and the manifests the real `dbt parse` writes for them, cached between runs.

A project of N models lives in `.cache/bench/gen-N`. It is generated again on every run (seconds),
and its manifest is reused when a stamp beside it says it was parsed from exactly the same files (a
digest of the project) with the same dbt; otherwise `dbt parse` runs again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.project_generator import generate_project

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "bench"
DBT = ROOT / ".venv-dbt" / "bin" / "dbt"
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros")
STAMP = "bench-stamp.json"


@dataclass(frozen=True, slots=True)
class ParsedProject:
    n_models: int
    seed: int
    root: Path
    manifest: Path
    parse_seconds: float  # wall time of `dbt parse --no-partial-parse`, when it was run
    cached: bool  # True: this run reused the manifest of an earlier run


def _project_digest(root: Path) -> str:
    """sha256 over the generated files' relative paths and contents."""
    digest = hashlib.sha256()
    paths: list[Path] = []
    for name in PROJECT_FILES:
        entry = root / name
        if entry.is_dir():
            paths += sorted(p for p in entry.rglob("*") if p.is_file())
        elif entry.exists():  # projects without macros digest as before
            paths.append(entry)
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp(n_models: int, seed: int, root: Path) -> dict[str, object]:
    return {"n_models": n_models, "seed": seed, "project_sha256": _project_digest(root), "dbt": str(DBT)}


def stamp_matches(stamp: dict[str, object], wanted: dict[str, object]) -> bool:
    """Whether a cached project's stamp is the one wanted. The dbt executable is compared by the file it
    resolves to: every worktree reaches the same dbt through its own `.venv-dbt` link, and a path that only
    names another worktree must not make a benchmark parse (and rewrite) a shared cached project again."""
    for key, value in wanted.items():
        found = stamp.get(key)
        if key == "dbt":
            if not isinstance(found, str) or Path(found).resolve() != Path(str(value)).resolve():
                return False
        elif found != value:
            return False
    return True


def dbt_version() -> str:
    done = subprocess.run([str(DBT), "--version"], capture_output=True, text=True, env=_dbt_env(CACHE), check=False)
    for line in done.stdout.splitlines():
        if "installed:" in line:
            return line.split("installed:")[1].strip()
    return "unknown"


def _dbt_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    # Resolved: the profile dbt hashes for partial parsing holds this path, so a project reached through a
    # worktree's `.cache` link must name the same file as when it was parsed, or `dbt ls` parses it all again.
    env["DVT_GEN_DUCKDB_PATH"] = str(root.resolve() / "gen.duckdb")
    return env


def dbt_parse(root: Path, what: str) -> float:
    """Runs a full `dbt parse` of the project at root into root/target; returns its wall time in seconds."""
    target = root / "target"
    command = [
        str(DBT),
        "parse",
        "--no-partial-parse",
        "--no-use-colors",
        "--profiles-dir",
        str(root),
        "--project-dir",
        str(root),
        "--target-path",
        str(target),
        "--log-path",
        str(root / "logs"),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=_dbt_env(root), check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not (target / "manifest.json").exists():
        raise RuntimeError(f"dbt parse failed for {what}:\n{done.stdout}\n{done.stderr}")
    return seconds


def parsed_project(n_models: int, *, seed: int = 0, log: bool = True) -> ParsedProject:
    """The project of n_models models and its manifest, generating and parsing only when needed."""
    root = CACHE / f"gen-{n_models}"
    target = root / "target"
    manifest = target / "manifest.json"
    stamp_path = root / STAMP
    generate_project(root, n_models, seed=seed)
    wanted = _stamp(n_models, seed, root)
    if manifest.exists() and stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp_matches(stamp, wanted):
            return ParsedProject(n_models, seed, root, manifest, float(stamp["parse_seconds"]), True)

    if log:
        print(f"  running dbt parse on {n_models} generated models in {root.relative_to(ROOT)} ...")
    stamp_path.unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)
    seconds = dbt_parse(root, f"{n_models} models")
    stamp_path.write_text(json.dumps({**wanted, "parse_seconds": round(seconds, 3)}, indent=2) + "\n")
    return ParsedProject(n_models, seed, root, manifest, seconds, False)
