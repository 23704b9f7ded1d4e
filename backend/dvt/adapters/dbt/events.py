"""dbt's JSON log file (`--log-format-file json`): each line read into a log text and, for a few, an event.

Every line is `{"info": {"name", "level", "ts", "msg", "invocation_id", "pid", "thread", ...}, "data": {...}}`.
Of dbt 1.11's events the runner reports:
- MainReportVersion -> invocation_started (data: version);
- NodeStart -> node_started, NodeFinished -> node_finished (data: node_info, and run_result for the end);
- CommandCompleted -> invocation_finished (data: success, elapsed).
A skipped node also gets a NodeStart and a NodeFinished (status "skipped").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from dvt.adapters.dbt.lines import LineBuffer
from dvt.adapters.secrets.redaction import redact
from dvt.application.run_ports import RunnerEvent
from dvt.domain.runs import NodeStatus, RunEventKind


@dataclass(frozen=True, slots=True)
class LogLine:
    text: list[str]  # what people read, one entry per line, not yet redacted
    event: RunnerEvent | None = None


def parse_log_line(line: str) -> LogLine:
    """One line of the JSON log file; a line that is not dbt's JSON is kept as text."""
    try:
        record = json.loads(line)
        info = record["info"]
        data = record.get("data") or {}
        name, message = str(info["name"]), str(info.get("msg", ""))
    except (ValueError, KeyError, TypeError):
        return LogLine([line])
    if not isinstance(data, dict):
        data = {}
    at = _timestamp(info.get("ts"))
    event = _event(name, at, message, info, data)
    if event is not None:  # dbt puts error text in messages, with values from the data
        event = replace(event, message=redact(event.message))
    return LogLine(_text(info, at, message), event)


def _text(info: dict[str, Any], at: datetime, message: str) -> list[str]:
    # As in dbt's own text log: time, level, thread, message; a multi-line message (SQL) goes on below.
    first, *rest = message.split("\n")
    level = str(info.get("level", "")).ljust(5)
    return [f"{at:%H:%M:%S.%f} [{level}] [{info.get('thread', '')}]: {first}", *rest]


def _event(name: str, at: datetime, message: str, info: dict[str, Any], data: dict[str, Any]) -> RunnerEvent | None:
    invocation = {"invocation_id": info.get("invocation_id"), "pid": info.get("pid")}
    if name == "MainReportVersion":
        version = str(data.get("version", "")).lstrip("=")
        return RunnerEvent(
            RunEventKind.INVOCATION_STARTED, at, message=message, data={**invocation, "dbt_version": version}
        )
    if name == "CommandCompleted":
        success = bool(data.get("success"))
        details = {**invocation, "success": success, "elapsed": data.get("elapsed"), "command": data.get("command")}
        return RunnerEvent(
            RunEventKind.INVOCATION_FINISHED,
            at,
            status="success" if success else "error",
            message=message,
            data=details,
        )
    node = data.get("node_info")
    if name not in ("NodeStart", "NodeFinished") or not isinstance(node, dict) or not node.get("unique_id"):
        return None
    unique_id = str(node["unique_id"])
    described = _node(node)
    if name == "NodeStart":
        return RunnerEvent(
            RunEventKind.NODE_STARTED,
            at,
            unique_id=unique_id,
            status=NodeStatus.RUNNING.value,  # the node row's status from here on
            message=message,
            data=described,
        )
    result = _mapping(data.get("run_result"))
    status = node.get("node_status") or result.get("status")
    return RunnerEvent(
        RunEventKind.NODE_FINISHED,
        at,
        unique_id=unique_id,
        status=str(status) if status else None,
        message=str(result.get("message") or ""),
        data={**described, **_result(result)},
    )


def _node(node: dict[str, Any]) -> dict[str, Any]:
    relation = _mapping(node.get("node_relation"))
    return {
        "resource_type": node.get("resource_type"),
        "materialized": node.get("materialized"),
        "relation_name": relation.get("relation_name") or None,
        "started_at": node.get("node_started_at") or None,
        "finished_at": node.get("node_finished_at") or None,
    }


def _result(result: dict[str, Any]) -> dict[str, Any]:
    response = _mapping(result.get("adapter_response"))
    rows = response.get("rows_affected")
    return {
        "timing": [
            {"name": step.get("name"), "started_at": step.get("started_at"), "completed_at": step.get("completed_at")}
            for step in result.get("timing_info") or ()
            if isinstance(step, dict)
        ],
        "execution_time": result.get("execution_time"),
        "adapter_response": response,
        # dbt writes a float (20.0) for adapters that count rows; a count is a whole number.
        "rows_affected": int(rows) if isinstance(rows, int | float) and rows >= 0 else None,
        "query_id": response.get("query_id"),  # Snowflake, BigQuery; absent for duckdb and postgres
        "num_failures": result.get("num_failures"),
        "thread": result.get("thread"),
    }


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _timestamp(value: Any) -> datetime:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class LogFileTail:
    """Whole lines appended to a file since the last read; the file may not exist yet."""

    def __init__(self, path: Path, chunk_bytes: int = 1 << 18) -> None:
        self._path = path
        self._chunk = chunk_bytes
        self._file: BinaryIO | None = None
        self._buffer = LineBuffer()
        self.behind = False  # the last read filled a whole chunk: more is waiting

    def read_lines(self) -> list[str]:
        """Whole lines from at most one chunk of what was appended: a step of bounded size, however far behind."""
        if self._file is None:
            try:
                self._file = self._path.open("rb")
            except FileNotFoundError:
                return []
        chunk = self._file.read(self._chunk)
        self.behind = len(chunk) == self._chunk
        return self._buffer.feed(chunk) if chunk else []

    def finish(self) -> list[str]:
        """The rest, including a last line dbt never ended (it was killed mid-write)."""
        lines = self.read_lines()
        while self.behind:
            lines += self.read_lines()
        lines += self._buffer.finish()
        self.close()
        return lines

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
