"""Real git repositories of dbt projects for run tests: the demo project, with the changes a test asks for."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo_shop"
DBT = ROOT / ".venv-dbt" / "bin" / "dbt"
PARSED = ROOT / ".cache" / "parsed"  # manifests of `parse`, by the digest of the project's files and dbt's release


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
    """`dbt parse` of the repository: the manifest DVT plans the first run from.

    Kept by the digest of the project's files (and dbt's release), as the comparison and parity suites keep
    dbt's answers: tests parse the same demo again and again, and a full parse costs dbt seconds of CPU. The
    manifest differs from a fresh parse only in its invocation id, its timestamps and the seeds' root_path."""
    cached = PARSED / f"{_digest(repo)}.json"
    if cached.exists():
        return cached.read_bytes()
    env = {**os.environ, "DO_NOT_TRACK": "1", "DVT_DEMO_DUCKDB_PATH": str(target / "parse.duckdb")}
    subprocess.run(
        [str(DBT), "parse", "--profiles-dir", str(repo), "--target-path", str(target), "--log-path", str(target),
         "--no-use-colors", "-q"],
        cwd=repo, env=env, check=True, capture_output=True,
    )  # fmt: skip
    manifest = (target / "manifest.json").read_bytes()
    PARSED.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{uuid.uuid4().hex}")  # written whole, then renamed: processes share it
    partial.write_bytes(manifest)
    partial.replace(cached)
    return manifest


def _digest(repo: Path) -> str:
    digest = hashlib.sha256(dbt_release().encode())
    for path in sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo).parts):
        digest.update(path.relative_to(repo).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def dbt_release() -> str:
    """The dbt packages of .venv-dbt with their versions: part of every cache key of dbt's output."""
    return ",".join(sorted(p.name for p in (ROOT / ".venv-dbt" / "lib").glob("*/site-packages/dbt_*.dist-info")))
