"""The dbt runner against real git and real dbt (dbt-duckdb): a temp repository made from examples/demo_shop."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dvt.adapters.dbt import SubprocessDbtRunner
from dvt.adapters.dbt.errors import CheckoutError
from dvt.adapters.dbt.workspace import GitMirrors
from dvt.application.run_ports import GitSource, QueryTag, RunLimits, RunnerEvent, RunSpec

ROOT = Path(__file__).resolve().parents[2]
DBT = ROOT / ".venv-dbt" / "bin" / "dbt"
DEMO = ROOT / "examples" / "demo_shop"
SEED = "seed.demo_shop.raw_customers"
MODEL = "model.demo_shop.stg_customers"
NODE_UUIDS = {SEED: str(uuid.uuid4()), MODEL: str(uuid.uuid4())}

pytestmark = pytest.mark.skipif(not DBT.exists(), reason="the dbt virtualenv (.venv-dbt) is not built")

# A Python model that prints a secret straight to stdout and stderr, where dbt's own scrubbing never looks.
LEAKY_MODEL = """\
import os
import re
import sys


def model(dbt, session):
    print("token is " + os.environ["DBT_ENV_SECRET_TOKEN"])
    print("token again " + os.environ["DBT_ENV_SECRET_TOKEN"], file=sys.stderr)
    return session.sql("select 1 as x")
"""
# Minutes of work for duckdb, which stops it at once on dbt's SIGINT.
SLOW_MODEL = """\
{{ config(materialized='table') }}
select count(*) as n from range(1000000) a, range(1000000) b where (a.range * b.range) % 7 = 3
"""


def _git(*args: str, cwd: Path) -> str:
    identity = ["-c", "user.name=DVT Tests", "-c", "user.email=tests@dvt.invalid"]
    done = subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_repository(where: Path, extra: dict[str, str] | None = None) -> Path:
    repo = where / "source"
    ignored = shutil.ignore_patterns("target", "logs", "dbt_packages", "*.duckdb", "*.duckdb.wal")
    shutil.copytree(DEMO, repo, ignore=ignored)
    for name, text in (extra or {}).items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git("init", "--quiet", "--initial-branch", "main", cwd=repo)
    _git("add", "--all", cwd=repo)
    _git("commit", "--quiet", "--message", "demo shop", cwd=repo)
    return repo


@dataclass
class RecordingSink:
    cancel_after_first_node: bool = False
    events: list[RunnerEvent] = field(default_factory=list)
    logs: list[tuple[str, str]] = field(default_factory=list)
    process_limits: str = ""  # /proc/<pid>/limits of dbt, read while it runs

    async def event(self, event: RunnerEvent) -> None:
        self.events.append(event)
        if event.kind == "invocation_started":
            with contextlib.suppress(OSError):
                self.process_limits = await asyncio.to_thread(Path(f"/proc/{event.data['pid']}/limits").read_text)

    async def log(self, stream: str, lines: list[str]) -> None:
        self.logs.extend((stream, line) for line in lines)

    async def cancel_requested(self) -> bool:
        return self.cancel_after_first_node and any(e.kind == "node_started" for e in self.events)

    def of(self, kind: str) -> list[RunnerEvent]:
        return [event for event in self.events if event.kind == kind]

    def lines(self, stream: str) -> list[str]:
        return [line for line_stream, line in self.logs if line_stream == stream]


def spec_for(repo: Path, work: Path, select: tuple[str, ...], **overrides: object) -> RunSpec:
    work.mkdir()
    values: dict[str, object] = {
        "run_id": uuid.uuid4(),
        "repository": str(repo),
        "git_ref": "main",
        "subdirectory": None,
        "adapter": "duckdb",
        "settings": {"path": "demo.duckdb"},
        "secrets": {},
        "command": "build",
        "select": select,
        "tag": QueryTag(uuid.uuid4(), "acme", "prod", "trace-123", node_uuids=NODE_UUIDS),
        "work_dir": str(work),
    }
    values.update(overrides)
    return RunSpec(**values)  # type: ignore[arg-type]


def runner(root: Path) -> SubprocessDbtRunner:
    return SubprocessDbtRunner(str(DBT), GitMirrors(root / "mirrors"))


async def test_runs_exactly_the_selected_nodes_and_reports_them(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    project_file = (repo / "dbt_project.yml").read_bytes()
    sink = RecordingSink()
    spec = spec_for(repo, tmp_path / "work", ("fqn:demo_shop.raw_customers", "fqn:demo_shop.staging.stg_customers"))

    outcome = await runner(tmp_path).execute(spec, sink)

    assert (outcome.exit_code, outcome.error, outcome.canceled, outcome.timed_out) == (0, None, False, False)
    assert sorted(e.unique_id or "" for e in sink.of("node_started")) == [MODEL, SEED]
    assert sorted((e.unique_id or "", e.status) for e in sink.of("node_finished")) == [
        (MODEL, "success"),
        (SEED, "success"),
    ]
    assert [e.status for e in sink.of("invocation_finished")] == ["success"]
    assert sink.of("invocation_started")[0].data["dbt_version"].startswith("1.11")
    seed_finished = next(e for e in sink.of("node_finished") if e.unique_id == SEED)
    assert seed_finished.data["rows_affected"] == 20
    checkout_stage = next(e for e in sink.of("stage") if e.data["stage"] == "checkout")
    assert checkout_stage.data["commit"] == _git("rev-parse", "HEAD", cwd=repo)

    results = json.loads(outcome.artifacts["run_results.json"])
    assert sorted(result["unique_id"] for result in results["results"]) == [MODEL, SEED]
    assert "manifest.json" in outcome.artifacts
    assert outcome.limits["timeout_seconds"] == 3600.0

    assert any("Completed successfully" in line for line in sink.lines("stdout"))
    # Every query of the node carries DVT's tag; the debug SQL in dbt's log shows it.
    tag = f'"node_uuid": "{NODE_UUIDS[MODEL]}", "unique_id": "{MODEL}", "tenant": "acme"'
    assert any(tag in line for line in sink.lines("dbt"))
    assert (repo / "dbt_project.yml").read_bytes() == project_file
    assert not (repo / "macros").exists()
    assert _git("status", "--porcelain", cwd=repo) == ""


async def test_a_secret_printed_by_a_model_reaches_the_log_redacted(tmp_path: Path) -> None:
    repo = make_repository(tmp_path, {"models/leak/leak.py": LEAKY_MODEL})
    secret = f"tok-{uuid.uuid4().hex}"
    sink = RecordingSink()
    spec = spec_for(
        repo, tmp_path / "work", ("fqn:demo_shop.leak.leak",), command="run", secrets={"DBT_ENV_SECRET_TOKEN": secret}
    )

    outcome = await runner(tmp_path).execute(spec, sink)

    assert outcome.exit_code == 0
    assert not [line for _, line in sink.logs if secret in line]
    assert not [event for event in sink.events if secret in event.message or secret in json.dumps(event.data)]
    assert "token is [redacted]" in sink.lines("stdout")
    assert "token again [redacted]" in sink.lines("stderr")


async def test_cancel_stops_dbt_and_its_process_group(tmp_path: Path) -> None:
    repo = make_repository(tmp_path, {"models/slow/slow.sql": SLOW_MODEL})
    sink = RecordingSink(cancel_after_first_node=True)
    spec = spec_for(
        repo, tmp_path / "work", ("fqn:demo_shop.slow.slow",), command="run", limits=RunLimits(cancel_grace_seconds=5)
    )

    # A bound against hanging only: SIGINT stops duckdb's query straight away.
    outcome = await asyncio.wait_for(runner(tmp_path).execute(spec, sink), timeout=120)

    assert outcome.canceled and not outcome.timed_out
    assert outcome.exit_code is not None and outcome.exit_code != 0
    pid = sink.of("invocation_started")[0].data["pid"]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert [e.unique_id for e in sink.of("node_started")] == ["model.demo_shop.slow"]


async def test_a_run_past_its_timeout_is_stopped_and_ran_under_its_limits(tmp_path: Path) -> None:
    repo = make_repository(tmp_path, {"models/slow/slow.sql": SLOW_MODEL})
    sink = RecordingSink()
    limits = RunLimits(timeout_seconds=8, cpu_seconds=600, memory_bytes=32 * 2**30, cancel_grace_seconds=5)
    spec = spec_for(repo, tmp_path / "work", ("fqn:demo_shop.slow.slow",), command="run", limits=limits)

    outcome = await asyncio.wait_for(runner(tmp_path).execute(spec, sink), timeout=120)

    assert outcome.timed_out and not outcome.canceled
    assert outcome.error is not None and "timed out" in outcome.error
    assert (outcome.limits["cpu_seconds"], outcome.limits["memory_bytes"]) == (600, 32 * 2**30)
    assert re.search(r"Max cpu time\s+600\s+605\s+seconds", sink.process_limits)
    assert re.search(rf"Max address space\s+{32 * 2**30}\s+{32 * 2**30}\s+bytes", sink.process_limits)


async def test_a_dbt_that_cannot_start_is_reported_not_raised(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    sink = RecordingSink()
    spec = spec_for(repo, tmp_path / "work", ("fqn:demo_shop.raw_customers",))

    outcome = await SubprocessDbtRunner(str(tmp_path / "no-dbt-here"), GitMirrors(tmp_path / "mirrors")).execute(
        spec, sink
    )

    assert outcome.exit_code is None
    assert outcome.error is not None and "could not start no-dbt-here" in outcome.error


async def test_a_ref_that_does_not_exist_fails_before_dbt(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    sink = RecordingSink()
    spec = spec_for(repo, tmp_path / "work", ("fqn:demo_shop.raw_customers",), git_ref="no-such-branch")

    outcome = await runner(tmp_path).execute(spec, sink)

    assert outcome.exit_code is None and outcome.artifacts == {}
    assert outcome.error is not None and "no-such-branch" in outcome.error
    assert any("no-such-branch" in line for line in sink.lines("stderr"))
    assert not [event for event in sink.events if event.kind != "stage"]


async def test_a_commit_is_exported_from_a_mirror_that_is_fetched_not_cloned_again(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    first = _git("rev-parse", "HEAD", cwd=repo)
    mirrors = GitMirrors(tmp_path / "mirrors")
    source = GitSource(str(repo))
    assert await mirrors.resolve(source, "main") == first
    [mirror] = (tmp_path / "mirrors").glob("*.git")
    (mirror / "kept-by-dvt").write_text("a clone would not have this")  # proof the mirror is not cloned again

    (repo / "later.txt").write_text("a later commit")
    _git("add", "later.txt", cwd=repo)
    _git("commit", "--quiet", "--message", "later", cwd=repo)
    later = _git("rev-parse", "HEAD", cwd=repo)
    assert await mirrors.resolve(source, "main") == later  # fetched
    assert await mirrors.resolve(source, first[:10]) == first  # a short sha names its commit
    assert (mirror / "kept-by-dvt").exists()

    project = await mirrors.export(source, first, tmp_path / "by-commit")
    assert project == (tmp_path / "by-commit").resolve()
    assert (project / "dbt_project.yml").is_file() and not (project / "later.txt").exists()
    assert not (project / ".git").exists()  # a plain tree: nothing a run does reaches the mirror

    with pytest.raises(CheckoutError, match="not a branch, tag or commit"):
        await mirrors.resolve(source, "no-such-branch")
    with pytest.raises(CheckoutError, match="not a git ref"):
        await mirrors.resolve(source, "--upload-pack=touch /tmp/x")
    with pytest.raises(CheckoutError, match=r"no dbt_project\.yml"):
        await mirrors.export(GitSource(str(repo), "models"), later, tmp_path / "sub")
    with pytest.raises(CheckoutError, match="outside the repository"):
        await mirrors.export(GitSource(str(repo), "../.."), later, tmp_path / "escape")


async def test_head_follows_the_repositorys_default_branch_after_the_mirror_was_cloned(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    mirrors, source = GitMirrors(tmp_path / "mirrors"), GitSource(str(repo))
    main = _git("rev-parse", "HEAD", cwd=repo)
    assert await mirrors.resolve(source, "HEAD") == main  # cloned: HEAD is main

    _git("checkout", "--quiet", "-b", "trunk", cwd=repo)  # the team moves its default branch
    (repo / "later.txt").write_text("on trunk only")
    _git("add", "later.txt", cwd=repo)
    _git("commit", "--quiet", "--message", "trunk", cwd=repo)
    trunk = _git("rev-parse", "HEAD", cwd=repo)

    assert await mirrors.resolve(source, "main") == main  # a named branch is what it names
    assert await mirrors.resolve(source, "HEAD") == trunk  # HEAD: the default branch now, not at the clone


class _GitOverHttp(http.server.CGIHTTPRequestHandler):
    """git's smart HTTP (git http-backend as CGI) behind Basic auth; records the credentials it was sent."""

    have_fork = False  # run the CGI with Popen: forking would drop to user nobody, whom git will not serve
    credentials: list[str]

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization")
        if header:
            self.credentials.append(base64.b64decode(header.split()[1]).decode())
            return True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_GET(self) -> None:
        if self._authorized():
            super().do_GET()

    def do_POST(self) -> None:
        if self._authorized():
            super().do_POST()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_repository(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The demo repository served over HTTP with auth: its URL, and the credentials the server received."""
    repo = make_repository(tmp_path)
    served = tmp_path / "served"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(repo), str(served / "shop.git")], check=True)
    cgi = tmp_path / "www" / "cgi-bin" / "git"
    cgi.parent.mkdir(parents=True)
    cgi.write_text(f"#!/bin/sh\nGIT_PROJECT_ROOT={served} GIT_HTTP_EXPORT_ALL=1 exec git http-backend\n")
    cgi.chmod(0o755)
    credentials: list[str] = []
    handler = type("Handler", (_GitOverHttp,), {"credentials": credentials})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *args: handler(*args, directory=str(tmp_path / "www"))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/cgi-bin/git/shop.git", credentials
    server.shutdown()
    thread.join()
    server.server_close()  # shutdown stops serving; the listening socket is closed only here


async def test_a_git_token_reaches_the_server_but_no_message(
    tmp_path: Path, http_repository: tuple[str, list[str]]
) -> None:
    url, credentials = http_repository
    token = f"ghs_{uuid.uuid4().hex}"

    mirrors = GitMirrors(tmp_path / "mirrors")
    commit = await mirrors.resolve(GitSource(url, token=token), "main")
    project = await mirrors.export(GitSource(url, token=token), commit, tmp_path / "with-token")

    assert (project / "dbt_project.yml").is_file()
    assert set(credentials) == {f"x-access-token:{token}"}
    stored = "".join(p.read_text(errors="replace") for p in (tmp_path / "mirrors").rglob("*") if p.is_file())
    assert token not in stored  # neither in the mirror's config nor anywhere else on disk

    with pytest.raises(CheckoutError) as refused:  # no token: git may not prompt, so it fails at once
        await GitMirrors(tmp_path / "other").resolve(GitSource(url), "main")
    assert url in str(refused.value)
