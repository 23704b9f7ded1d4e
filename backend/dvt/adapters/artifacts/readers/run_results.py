"""run_results.json (schema v1 to v6, and pre-v1) into NodeResults.

Pre-v1 files (dbt 0.17-0.18 wrote `ExecutionResult.results`, each a `PartialResult`) say a node's outcome in
boolean flags (`skip`, `fail`, `warn`) and an `error` text; their `status` is not an outcome but what the
adapter answered: a text for models ("CREATE VIEW", "INSERT 0 5"), null for hooks, and for a test the number
of failing rows, which dbt took from the test query through agate (a Decimal: written as `0.0`). dbt itself
printed a test with 0 failures as PASS and any other count as FAIL (or WARN with `severity: warn`).
"""

from __future__ import annotations

from typing import Any

from dvt.domain.graph.model import NodeResult, RunResults

from .envelope import PRE_V1, Envelope, JsonDict, json_type


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
    if env.metadata.schema_version == PRE_V1:
        status, count, answer = _pre_v1_outcome(env, where, result)
        failures = count if failures is None else failures
        error = result.get("error")  # from v1 on, dbt writes an error's text as the message
        message = message or (error if isinstance(error, str) and error else None) or answer
    else:
        status = _status(env, where, result)
    return NodeResult(
        unique_id=unique_id,
        status=status,
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
    return _pre_v1_outcome(env, where, result)[0]  # no word: the flags and count say it, as before v1


# The outcome words dbt wrote from schema v1 on, which a pre-v1 `status` text is not (it is the adapter's answer).
_OUTCOMES = frozenset({"success", "error", "fail", "warn", "pass", "skipped", "runtime error"})


def _pre_v1_outcome(env: Envelope, where: str, result: JsonDict) -> tuple[str, int | None, str | None]:
    """(status, failing rows, the adapter's answer) of a pre-v1 result: the flags decide, as they did for dbt."""
    status = result.get("status")
    # A test's failing rows: an integer, or an integral float (agate's Decimal); a text is never a count.
    count = None if isinstance(status, str) else _failures(status)
    if isinstance(status, str) and status.lower() in _OUTCOMES:
        outcome = status.lower()  # hand-written or converted files that already say the outcome
    elif result.get("skip") is True:
        outcome = "skipped"
    elif result.get("error"):
        outcome = "error"
    elif result.get("fail") is True:
        outcome = "fail"
    elif result.get("warn") is True:
        outcome = "warn"
    elif count is not None:
        outcome = "pass" if count == 0 else "fail"
    elif status is None or isinstance(status, str | bool):
        outcome = "success"
    else:
        raise env.error(
            f"{where}.status is a JSON {json_type(status)}, expected a string, null or a test's count of failing rows"
        )
    answer = status if isinstance(status, str) and status and status.lower() not in _OUTCOMES else None
    return outcome, count, answer


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
