"""run_results.json (schema v1 to v6, and pre-v1) into NodeResults."""

from __future__ import annotations

from typing import Any

from dvt.domain.graph.model import NodeResult, RunResults

from .envelope import Envelope, JsonDict, json_type


def read_run_results(env: Envelope, document: JsonDict) -> RunResults:
    results = env.required(document, "results", list)
    args = env.mapping(document.get("args"), "'args'")
    command = args.get("which") or args.get("rpc_method")
    return RunResults(
        metadata=env.metadata,
        results=tuple(_result(env, index, result) for index, result in enumerate(results)),
        elapsed_time=env.number(document.get("elapsed_time"), "'elapsed_time'"),
        command=command if isinstance(command, str) else None,
    )


def _result(env: Envelope, index: int, result: Any) -> NodeResult:
    where = f"results[{index}]"
    if not isinstance(result, dict):
        raise env.error(f"{where} is a JSON {json_type(result)}, expected an object")
    unique_id = result.get("unique_id")
    if unique_id is None:  # pre-v1 and early v1 files nest the whole node in each result
        node = result.get("node")
        unique_id = node.get("unique_id") if isinstance(node, dict) else None
    # An empty unique_id is kept: a result no manifest node matches, not a broken file.
    if not isinstance(unique_id, str):
        raise env.error(f"{where} has no 'unique_id' (nor node.unique_id)")

    started_at = completed_at = None
    timing = result.get("timing")
    if timing:
        if not isinstance(timing, list) or not all(isinstance(step, dict) for step in timing):
            raise env.error(f"{where}.timing is not an array of objects")
        execute = next((step for step in timing if step.get("name") == "execute"), None)
        first, last = (execute, execute) if execute is not None else (timing[0], timing[-1])
        started_at = env.text(first.get("started_at"), where, ".timing.started_at")
        completed_at = env.text(last.get("completed_at"), where, ".timing.completed_at")

    adapter_response = env.mapping(result.get("adapter_response"), where, ".adapter_response")
    rows_affected = adapter_response.get("rows_affected")
    failures, message = _failures(result.get("failures")), _message(result.get("message"))
    if message is None and isinstance(result.get("failures"), str) and failures is None:
        message = result["failures"]  # seen in the wild: the message written where the count belongs
    return NodeResult(
        unique_id=unique_id,
        status=_status(env, where, result),
        execution_time=env.number(result.get("execution_time"), where, ".execution_time"),
        started_at=started_at,
        completed_at=completed_at,
        thread_id=env.text(result.get("thread_id"), where, ".thread_id"),
        message=message,
        failures=failures,
        rows_affected=rows_affected if type(rows_affected) is int else None,
        adapter_response=adapter_response,
    )


def _status(env: Envelope, where: str, result: JsonDict) -> str:
    """dbt's status word, lower-cased (dbt Fusion capitalises: "Success", "Pass")."""
    status = result.get("status")
    if isinstance(status, str) and status:
        return status.lower()
    # Pre-v1 files: status is null or a test's failure count, with boolean flags beside it.
    if result.get("skip") is True:
        return "skipped"
    if result.get("error"):
        return "error"
    if result.get("fail") is True:
        return "fail"
    if result.get("warn") is True:
        return "warn"
    if isinstance(status, int) and not isinstance(status, bool):
        return "pass" if status == 0 else "fail"
    if status is None:
        return "success"
    raise env.error(f"{where}.status is a JSON {json_type(status)}, expected a string")


def _failures(failures: Any) -> int | None:
    """The failing-row count of a test; lenient, as files edited by hand or by tools put text here."""
    if isinstance(failures, int) and not isinstance(failures, bool):
        return failures
    if isinstance(failures, float) and failures.is_integer():
        return int(failures)
    if isinstance(failures, str) and failures.strip().isdigit():
        return int(failures)
    return None


def _message(message: Any) -> str | None:
    if message is None or isinstance(message, str):
        return message
    return str(message)  # old dbt wrote e.g. a row count or a status object here
