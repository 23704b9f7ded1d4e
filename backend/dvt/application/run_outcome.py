"""How a run ends: its artifacts kept and ingested, its verdict read from what dbt did against what was planned,
its nodes' results and actual cost recorded, its terminal status, and the dispatch of the slot it frees.

Two commands. The ingestion of the run's artifacts is one of its own (the environment's next graph version, made
by the same code as any upload): a refused or failed ingestion must not undo the run's end, and the run's end
must not be held back by a slow ingestion holding the run row's lock. Everything else, including the record of
a failed ingestion, is the run's end: one transaction, under the run row's lock.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestService, IngestTarget
from dvt.application.ports import ArtifactReader, ArtifactStore, UnitOfWork
from dvt.application.run_claim import Claim
from dvt.application.run_moves import move
from dvt.application.run_ports import RunMetrics, RunnerOutcome, earlier_run_results
from dvt.application.run_records import NewRunEvent, RunNodeRecord
from dvt.application.run_sink import holds
from dvt.application.runs import RunService
from dvt.domain.cost import node_actual
from dvt.domain.errors import ArtifactError, ValidationError
from dvt.domain.graph.identity import node_uuid
from dvt.domain.graph.model import NodeResult, RunResults
from dvt.domain.plan.context import RUNNABLE
from dvt.domain.plan.estimate import RateCard
from dvt.domain.runs import FailureReason, RunEventKind, RunStatus, outcome
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)

INGESTED = ("manifest.json", "run_results.json", "catalog.json", "sources.json")
EPHEMERAL = "ephemeral"


@dataclass(frozen=True, slots=True)
class KeptArtifacts:
    """What became of the files dbt wrote: stored, and ingested as a graph version (or why not)."""

    stored: dict[str, Any] = field(default_factory=dict)  # file name -> {sha256, size_bytes}
    graph_version_id: uuid.UUID | None = None
    invocation_id: str | None = None  # dbt's, recorded on the run with the graph version its files made
    refused: str | None = None  # why ingestion refused the files (another project's manifest): fails the run
    failure: NewRunEvent | None = None  # the run's `ingest_failed` event, recorded with its end


@dataclass(frozen=True, slots=True)
class DbtResults:
    """run_results.json, read through the artifact reader: each node's result, and dbt's invocation id."""

    nodes: dict[str, NodeResult]
    invocation_id: str | None

    @classmethod
    def read_all(cls, read: ArtifactReader, artifacts: Mapping[str, bytes]) -> DbtResults:
        """The results of every planned step, in order: a node two steps ran has the later step's result; the
        invocation is the last step's."""
        nodes: dict[str, NodeResult] = {}
        last = cls({}, None)
        for name in (*earlier_names(artifacts), "run_results.json"):
            last = cls.read(read, artifacts.get(name))
            nodes.update(last.nodes)
        return cls(nodes, last.invocation_id)

    @classmethod
    def read(cls, read: ArtifactReader, data: bytes | None) -> DbtResults:
        if not data:
            return cls({}, None)
        try:
            artifact = read("run_results.json", data)
        except ArtifactError:  # an unreadable file: the run ends on dbt's exit code and events alone
            return cls({}, None)
        if not isinstance(artifact, RunResults):
            return cls({}, None)
        return cls({r.unique_id: r for r in artifact.results}, artifact.metadata.invocation_id)


def earlier_names(artifacts: Mapping[str, bytes]) -> list[str]:
    """The names of the earlier planned steps' run_results, in step order."""
    found, planned = [], 0
    while earlier_run_results(planned) in artifacts:
        found.append(earlier_run_results(planned))
        planned += 1
    return found


def verdict(result: RunnerOutcome, statuses: Mapping[str, str], refused: str | None) -> tuple[RunStatus, str | None]:
    """The run's terminal status and reason from how dbt ended, its nodes' statuses, and its artifacts."""
    reason: str | None
    if result.canceled:
        final, reason = RunStatus.CANCELED, "canceled while running: finished nodes are kept"
    elif result.timed_out:
        final, reason = RunStatus.FAILED, FailureReason.TIMEOUT.value
    elif result.exit_code is None:
        final, reason = RunStatus.FAILED, f"{FailureReason.SETUP.value}: {result.error or 'dbt did not start'}"
    else:
        final = outcome(result.exit_code, statuses.values())
        reason = None
        if final is RunStatus.FAILED:  # `error`: a side step that failed (dbt source freshness...), named
            failed = FailureReason.DBT_ERROR.value
            reason = f"{failed}: {result.error}" if result.error else failed
    if refused is not None and final is not RunStatus.CANCELED:  # whatever dbt said, not from these artifacts
        final, reason = RunStatus.FAILED, f"{FailureReason.ARTIFACTS_REFUSED.value}: {refused}"
    return final, reason


async def keep_artifacts(
    store: ArtifactStore,
    ingest: IngestService,
    scope: TenantScope,
    claim: Claim,
    result: RunnerOutcome,
    dbt: DbtResults,
) -> KeptArtifacts:
    """Store every artifact dbt wrote and ingest them as the environment's next graph version (a command of
    its own, see above). A refusal (another project's manifest, an unreadable file) fails the run."""
    stored: dict[str, Any] = {}
    for name, data in result.artifacts.items():
        digest = hashlib.sha256(data).hexdigest()
        await store.put(digest, data)
        stored[name] = {"sha256": digest, "size_bytes": len(data)}
    files = [ArtifactFile(name, result.artifacts[name]) for name in INGESTED if name in result.artifacts]
    if "manifest.json" not in result.artifacts:
        return KeptArtifacts(stored)
    target = IngestTarget(
        claim.project.slug, claim.environment.slug, create_missing=False, same_project=True, commit_sha=result.commit
    )
    try:
        report = await ingest.ingest(Access.system(scope), target, files)
        # The earlier planned steps' results: history of their own invocations, on the version the run made.
        for name in earlier_names(result.artifacts):
            await ingest.ingest(
                Access.system(scope), target, [ArtifactFile("run_results.json", result.artifacts[name])]
            )
    except Exception as error:  # reported on the run; a refusal also fails it
        refused: str | None = None
        if isinstance(error, ValidationError):  # the files themselves were refused
            refused = str(error)
            log.warning("run %s: its artifacts were refused: %s", claim.run.id, error)
        else:
            log.exception("run %s: ingesting its artifacts failed", claim.run.id)
        event = NewRunEvent(RunEventKind.INGEST_FAILED, "ingest_failed", message=f"{type(error).__name__}: {error}")
        return KeptArtifacts(stored, None, dbt.invocation_id, refused, event)
    return KeptArtifacts(stored, report.graph_version_id, dbt.invocation_id)


async def end_run(
    uow: UnitOfWork,
    runs_service: RunService,
    scope: TenantScope,
    claim: Claim,
    result: RunnerOutcome,
    reported: Mapping[str, str],
    ephemeral: frozenset[str],
    kept: KeptArtifacts,
    dbt: DbtResults,
    *,
    worker_id: str,
    metrics: RunMetrics,
    now: datetime,
) -> RunStatus:
    """Record the run's end in the caller's transaction; returns its terminal status (someone else's verdict,
    when another process ended or took the run meanwhile). `reported`: unique_id -> status dbt reported live."""
    run = claim.run
    results = dbt.nodes
    final, reason = verdict(result, {**reported, **{uid: r.status for uid, r in results.items()}}, kept.refused)
    rate = RateCard.parse(claim.environment.rate_card, claim.environment.adapter.value)
    runs = uow.runs(scope)
    if kept.failure is not None:
        await runs.append_event(run.id, kept.failure)
    nodes = {n.unique_id: n for n in await runs.nodes_of([run.id])}
    # Every node dbt reports gets its row with dbt's status, also one the plan did not run: an exposure, which
    # dbt lists as skipped, or a node of a selection mismatch (below). A run's nodes are then exactly dbt's.
    await runs.add_nodes(
        run.id,
        [
            RunNodeRecord(run.id, uid, node_uuid(claim.project.id, uid), uid.split(".", 1)[0])
            for uid in results
            if uid not in nodes
        ],
    )
    total, regressions = 0, 0
    changes: list[tuple[str, dict[str, Any]]] = []
    for uid in sorted({*nodes, *results}):
        found = results.get(uid)
        values: dict[str, Any] = {}
        if found is not None:
            seconds = float(found.execution_time or 0.0)
            actual = node_actual(rate, seconds, nodes[uid].estimated_cost_micros if uid in nodes else None)
            total += actual.micros
            regressions += actual.regression
            values = {
                "status": found.status,
                "execution_time": seconds,
                "message": found.message,
                "actual_cost_micros": actual.micros,
                "regression": actual.regression,
            }
            response = found.adapter_response or {}
            if response.get("rows_affected") is not None:
                values["rows_affected"] = _int(response.get("rows_affected"))
            if response.get("query_id"):
                values["query_id"] = str(response["query_id"])
        elif uid in ephemeral:
            values = {"status": EPHEMERAL}  # dbt compiles it into the models that use it
        if values:
            changes.append((uid, values))
    await runs.update_nodes(run.id, changes)
    unplanned = sorted(u for u in results if u not in nodes and u.split(".", 1)[0] in RUNNABLE)
    if unplanned:  # dbt ran what the plan did not: said loudly, since approval covered the plan only
        named = ", ".join(unplanned[:10]) + (f" and {len(unplanned) - 10} more" if len(unplanned) > 10 else "")
        message = f"dbt ran {len(unplanned)} nodes the plan did not: {named}"
        await runs.append_event(
            run.id, NewRunEvent(RunEventKind.SELECTION_MISMATCH, "selection_mismatch", message=message)
        )
        if final is not RunStatus.CANCELED:  # never a success: what ran was not what was approved
            final, reason = RunStatus.FAILED, f"{FailureReason.SELECTION_MISMATCH.value}: {message}"
    current = await runs.get(run.id, for_update=True)
    assert current is not None
    if not holds(current, worker_id, run.attempt):
        return RunStatus(current.status)  # someone else ended or took it: keep their verdict
    for uid, found in results.items():
        kind = nodes[uid].resource_type if uid in nodes else uid.split(".", 1)[0]
        metrics.node_finished(kind, str(found.status), float(found.execution_time or 0.0))
    started, created = current.started_at, current.created_at
    metrics.run_finished(
        final.value,
        (now - started).total_seconds() if started else None,
        (started - created).total_seconds() if started and created else None,
    )
    ended = await move(
        uow, scope, current, final, reason,
        exit_code=result.exit_code, graph_version_id=kept.graph_version_id, invocation_id=kept.invocation_id,
        actual_cost_micros=total, regressions=regressions, artifacts=kept.stored,
        limits={**current.limits, **result.limits}, commit_sha=current.commit_sha or result.commit,
    )  # fmt: skip
    await runs_service.ended(uow, scope, ended)  # jobs chained after it start in this transaction
    await runs_service.dispatch_in(uow, scope)  # its slot is free again
    return final


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
