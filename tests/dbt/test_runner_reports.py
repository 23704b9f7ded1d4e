"""Reading dbt's output never waits for the sink: a stand-in dbt (real process, real pipes, a real JSON log file)
writes its output while the sink is stuck, as it is when its database does not answer."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dvt.adapters.dbt import SubprocessDbtRunner
from dvt.adapters.dbt.workspace import GitMirrors
from dvt.application.run_ports import RunnerEvent
from tests.dbt.test_dbt_runner import make_repository, spec_for

NODES = 300
STDOUT_LINES = 20_000  # about 1 MB: far more than a pipe holds
HANG_GUARD_SECONDS = 60  # only so that a regression fails instead of hanging; nothing here is timed

# Writes its JSON log's first line, waits for the test's word (a file), then writes a node's start and finish per
# node to the log, a megabyte to stdout, and its completion; then it records that it got to the end.
STAND_IN_DBT = f"""#!{sys.executable}
import json, pathlib, sys, time
log_dir = pathlib.Path(next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--log-path=")))
log_dir.mkdir(parents=True, exist_ok=True)
go, done = log_dir.parent / "go", log_dir.parent / "done"

def line(name, data=None):
    info = {{"name": name, "level": "info", "ts": "2026-12-05T12:00:00.000000Z", "msg": name, "thread": "T"}}
    log.write(json.dumps({{"info": info, "data": data or {{}}}}) + "\\n")
    log.flush()

with (log_dir / "dbt.log").open("w") as log:
    line("MainReportVersion", {{"version": "=1.11.0"}})
    while not go.exists():
        time.sleep(0.01)
    for i in range({NODES}):
        node = {{"unique_id": f"model.p.m{{i}}", "resource_type": "model", "node_status": "success"}}
        line("NodeStart", {{"node_info": node}})
        line("NodeFinished", {{"node_info": node, "run_result": {{"status": "success"}}}})
    for i in range({STDOUT_LINES}):
        print(f"stdout line {{i}} " + "x" * 40)
    sys.stdout.flush()
    line("CommandCompleted", {{"success": True, "elapsed": 1.0}})
done.touch()
"""


@dataclass
class StuckDatabaseSink:
    """Takes reports as the worker's sink does (at once), but its cancel poll waits for the database: here
    until every node has been reported, which it can only be if reports never wait for that poll."""

    go: Path
    events: list[RunnerEvent] = field(default_factory=list)
    logs: list[tuple[str, list[str]]] = field(default_factory=list)
    all_nodes_in: asyncio.Event = field(default_factory=asyncio.Event)
    polls_while_stuck: int = 0

    async def event(self, event: RunnerEvent) -> None:
        self.events.append(event)
        if sum(e.kind == "node_finished" for e in self.events) == NODES:
            self.all_nodes_in.set()

    async def log(self, stream: str, lines: list[str]) -> None:
        self.logs.append((stream, lines))

    async def cancel_requested(self) -> bool:
        if any(e.kind == "invocation_started" for e in self.events):
            self.polls_while_stuck += 1
            self.go.touch()  # dbt goes on only once a poll is stuck
            await self.all_nodes_in.wait()
        return False


def stand_in_dbt(where: Path) -> Path:
    script = where / "dbt"
    script.write_text(STAND_IN_DBT)
    script.chmod(0o755)
    return script


async def test_reports_reach_the_sink_while_its_cancel_poll_waits_for_the_database(tmp_path: Path) -> None:
    repo = make_repository(tmp_path)
    spec = spec_for(repo, tmp_path / "work", ("fqn:demo_shop.raw_customers",))
    sink = StuckDatabaseSink(go=tmp_path / "work" / "go")

    outcome = await asyncio.wait_for(
        SubprocessDbtRunner(str(stand_in_dbt(tmp_path)), GitMirrors(tmp_path / "mirrors")).execute(spec, sink),
        HANG_GUARD_SECONDS,
    )

    assert outcome.exit_code == 0 and sink.polls_while_stuck >= 1
    assert (tmp_path / "work" / "done").exists()
    finished = [e.unique_id for e in sink.events if e.kind == "node_finished"]
    assert finished == [f"model.p.m{i}" for i in range(NODES)]
    assert [e.kind for e in sink.events if e.kind.startswith("invocation")] == [
        "invocation_started",
        "invocation_finished",
    ]
    stdout = [line for stream, lines in sink.logs if stream == "stdout" for line in lines]
    assert stdout == [f"stdout line {i} " + "x" * 40 for i in range(STDOUT_LINES)]
    assert max(len(lines) for _, lines in sink.logs) <= 200  # chunks stay bounded, however much was waiting
