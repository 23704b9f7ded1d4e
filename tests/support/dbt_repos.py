"""Real git repositories of dbt projects for run tests: the demo project, with the changes a test asks for."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo_shop"
DBT = ROOT / ".venv-dbt" / "bin" / "dbt"


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=DVT tests", "-c", "user.email=tests@dvt.invalid", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


def demo_repo(dest: Path, changes: Mapping[str, str | None] | None = None) -> Path:
    """A git repository (branch main) of the demo project with `changes` (path -> text, None deletes)."""
    shutil.copytree(DEMO, dest, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "dbt_packages"))
    for path, text in (changes or {}).items():
        file = dest / path
        if text is None:
            file.unlink()
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "demo project")
    return dest


def parse(repo: Path, target: Path) -> bytes:
    """`dbt parse` of the repository: the manifest DVT plans the first run from."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "DVT_DEMO_DUCKDB_PATH": str(target / "parse.duckdb")}
    subprocess.run(
        [str(DBT), "parse", "--profiles-dir", str(repo), "--target-path", str(target), "--log-path", str(target),
         "--no-use-colors", "-q"],
        cwd=repo, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return (target / "manifest.json").read_bytes()
