// One run: live progress (subscription) on a timeline, its logs streamed and searchable, cancel and
// retry, the artifacts it produced, and cost per node (estimated against actual).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useCurrency, useEnvironment, useRoute } from "../../lib/environment";
import { DataTable, type Column } from "../../components/DataTable";
import { Empty, ErrorState, Loading, StatusBadge } from "../../components/States";
import { download } from "../../lib/download";
import { bytes, duration, money, when } from "../../lib/format";
import { subscribe } from "../../lib/subscriptions";
import { statusWord } from "../../lib/vocabulary";
import { ACTIVE, applyEvent, RUN_TRIGGERS, RunLogsSubscription, runKeys, runQuery, useCancelRun, usePlannedEstimates, useRetryRun, useRunEvents, useRunNodes, type RunNode } from "./api";
import { progressOf, progressText } from "./progress";
import { barsOf, Timeline } from "./Timeline";
import { useLogicalGraph } from "../graph/api";
import { SubgraphView } from "../../components/graph/SubgraphView";
import { useSeen } from "../../lib/seen";

const JsonView = lazy(() => import("../../components/JsonView"));

export default function RunDetailPage() {
  const { runId = "" } = useParams();
  const { base } = useRoute();
  const navigate = useNavigate();
  const client = useQueryClient();
  const run = useQuery(runQuery(runId));
  const nodes = useRunNodes(runId, !!run.data);
  const cancel = useCancelRun();
  const retry = useRetryRun();
  const currency = useCurrency();
  const following = !!run.data && ACTIVE.has(run.data.status);
  const feed = useRunEvents(run.data ? runId : null, following);
  const [actionError, setActionError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  // The feed ends when the run has: read the final record (costs, artifacts, graph version) once.
  const ended = feed.complete || (!!feed.runStatus && !ACTIVE.has(feed.runStatus));
  const active = following && !ended;
  useEffect(() => {
    if (feed.complete) void client.invalidateQueries({ queryKey: runKeys.detail(runId) });
  }, [feed.complete, client, runId]);
  // Each change of state may bring what the record lacked: the plan and commit once planned, the nodes once
  // dispatched. A handful per run.
  useEffect(() => {
    if (feed.runStatus) void client.invalidateQueries({ queryKey: runKeys.detail(runId) });
  }, [feed.runStatus, client, runId]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [active]);

  const statuses = useMemo(() => {
    const map = new Map<string, string>();
    for (const node of nodes.nodes) map.set(node.uniqueId, statusWord(node.status, node.statusText));
    for (const event of feed.events) applyEvent(map, event);
    return map;
  }, [nodes.nodes, feed.events]);
  const bars = useMemo(() => barsOf(nodes.nodes, feed.events), [nodes.nodes, feed.events]);
  const runIds = useMemo(() => new Set(nodes.nodes.map((n) => n.uniqueId)), [nodes.nodes]);
  const estimates = usePlannedEstimates(run.data?.plan?.id);
  const startedAt = useMemo(() => new Map(bars.map((b) => [b.uniqueId, b.start])), [bars]);
  // The run's nodes bound M once they are all in and there are any (a run is given its nodes at dispatch).
  const dispatched = nodes.complete && runIds.size > 0 ? runIds : null;
  const progress = useMemo(() => progressOf(estimates.planned, statuses, startedAt, now, dispatched), [estimates.planned, statuses, startedAt, now, dispatched]);

  // Made once per set of statuses and currency: new columns would make the table read every row again.
  const nodeColumns = useMemo<Column<RunNode>[]>(
    () => [
      { id: "node", header: "Node", cell: (n) => n.uniqueId },
      { id: "status", header: "Status", cell: (n) => <StatusBadge status={statuses.get(n.uniqueId) ?? statusWord(n.status, n.statusText)} />, value: (n) => statuses.get(n.uniqueId) ?? statusWord(n.status, n.statusText) },
      { id: "time", header: "Time", cell: (n) => duration(n.executionTime), value: (n) => n.executionTime },
      { id: "rows", header: "Rows", cell: (n) => n.rowsAffected ?? "—", value: (n) => n.rowsAffected },
      { id: "estimated", header: "Est. cost", cell: (n) => money(n.estimatedCost, currency), value: (n) => n.estimatedCost },
      { id: "actual", header: "Cost", cell: (n) => (n.regression ? <strong title="regression">{money(n.actualCost, currency)} ⚠</strong> : money(n.actualCost, currency)), value: (n) => n.actualCost },
      { id: "message", header: "Message", cell: (n) => n.message ?? "" },
    ],
    [statuses, currency],
  );
  if (run.isPending) return <Loading what="run" />;
  if (run.error) return <ErrorState error={run.error} retry={() => void run.refetch()} />;
  if (!run.data) return <Empty title="Run not found">It does not exist, or it is not yours to see.</Empty>;
  const r = run.data;
  const shownStatus = following && feed.runStatus ? feed.runStatus : r.status;

  const act = async (which: "cancel" | "retry") => {
    setActionError(null);
    try {
      if (which === "cancel") {
        const cancelRun = await cancel.mutateAsync(r.id);
        if (cancelRun.__typename !== "Run") setActionError("message" in cancelRun ? cancelRun.message : "refused");
      } else {
        const retryRun = await retry.mutateAsync(r.id);
        if (retryRun.__typename === "Run") navigate(`${base}/runs/${encodeURIComponent(retryRun.id)}`);
        else setActionError("message" in retryRun ? retryRun.message : "refused");
      }
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="page run-detail">
      <h1>
        Run #{r.number} <StatusBadge status={shownStatus} />
        {active && <span className={`badge ${feed.connected ? "badge-live" : "badge-wait"}`}>{feed.connected ? "live" : "connecting…"}</span>}
      </h1>
      <div className="actions">
        {active && (
          <button type="button" onClick={() => void act("cancel")}>
            Cancel run
          </button>
        )}
        {!active && (shownStatus === "FAILED" || shownStatus === "CANCELED" || shownStatus === "WARNING") && (
          <button type="button" onClick={() => void act("retry")}>
            Retry failed nodes
          </button>
        )}
        <Link to={`${base}/graph?run=${encodeURIComponent(r.id)}`}>Show on graph</Link>
        {r.plan && <Link to={`${base}/plans/${encodeURIComponent(r.plan.id)}`}>Its plan</Link>}
        {r.retryOf && <Link to={`${base}/runs/${encodeURIComponent(r.retryOf.id)}`}>Retry of…</Link>}
      </div>
      {actionError && <div className="state-error" role="alert">{actionError}</div>}
      {feed.error && <div className="state-error">Live feed interrupted: {feed.error} (reconnecting)</div>}
      <dl className="facts">
        <dt>Reason</dt>
        <dd>{r.reason ?? "—"}</dd>
        {r.job && (
          <>
            <dt>Job</dt>
            <dd>
              <Link to={`${base}/jobs/${encodeURIComponent(r.job.id)}`}>{r.job.name}</Link>
            </dd>
          </>
        )}
        <dt>Trigger / actor</dt>
        <dd>
          {RUN_TRIGGERS[r.trigger]} / <span title={r.actor}>{r.actorName}</span>
        </dd>
        <dt>Created</dt>
        <dd>{when(r.createdAt)}</dd>
        <dt>Queued / duration</dt>
        <dd>
          {duration(r.queueWaitSeconds)} / {duration(r.durationSeconds)}
        </dd>
        <dt>Cost</dt>
        <dd>
          estimated {money(r.estimatedCost, currency)} · actual {money(r.actualCost, currency)} · {r.regressions} regression(s)
        </dd>
        <dt>Commit</dt>
        <dd>{r.commitSha ? <code title={r.commitSha}>{r.commitSha.slice(0, 12)}</code> : "— (not resolved yet)"}</dd>
        <dt>Trace</dt>
        <dd>
          <code>{r.traceId}</code>
        </dd>
      </dl>
      <section>
        <h2>Progress</h2>
        {r.plan && estimates.complete && progress.total > 0 && (
          <div className="progress" aria-label="progress" data-finished={progress.finished} data-total={progress.total}>
            <progress max={progress.total} value={progress.finished} />
            <span>{progressText(active ? progress : { ...progress, etaSeconds: null }, duration)}</span>
          </div>
        )}
        <Timeline bars={bars} now={now} />
      </section>
      <section>
        <h2>Nodes and cost</h2>
        {!nodes.complete && (
          <div className="state" role="status">
            Reading nodes: {nodes.nodes.length} so far…
          </div>
        )}
        {nodes.error && <ErrorState error={nodes.error} retry={() => void nodes.refetch()} />}
        <DataTable
          label="run nodes"
          rows={nodes.nodes}
          total={r.nodeCount}
          rowKey={(n) => n.uniqueId}
          filterable
          empty="No node results yet."
          columns={nodeColumns}
        />
      </section>
      <RunDrawing ids={runIds} statuses={statuses} ready={nodes.complete} />
      <Logs runId={r.id} />
      <section>
        <h2>Artifacts</h2>
        {r.graphVersion ? (
          <DataTable
            label="run artifacts"
            rows={r.graphVersion.artifacts}
            rowKey={(a) => a.id}
            empty="This run stored no artifacts."
            columns={[
              { id: "kind", header: "Kind", cell: (a) => a.kind },
              { id: "schema", header: "Schema", cell: (a) => a.schemaVersion },
              { id: "dbt", header: "dbt", cell: (a) => a.dbtVersion ?? "—" },
              { id: "size", header: "Size", cell: (a) => bytes(a.sizeBytes), value: (a) => a.sizeBytes },
              { id: "download", header: "", cell: (a) => <a href={a.downloadPath} onClick={(e) => download(e, a.downloadPath, a.fileName)}>download</a> },
            ]}
          />
        ) : (
          <div className="state">No graph version from this run {active ? "yet" : ""}.</div>
        )}
        <RunRecord value={{ limits: r.limits, artifacts: r.artifacts, worker: r.worker, exitCode: r.exitCode }} />
      </section>
    </div>
  );
}

/** The run record in the JSON viewer, made when opened: the viewer is Monaco, seconds of script and tasks of
 * hundreds of ms to start, which a closed <details> would otherwise still pay for as the page opens. */
function RunRecord({ value }: { value: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Run record (limits, artifacts)</summary>
      {open && (
        <Suspense fallback={<Loading what="viewer" />}>
          <JsonView value={value} height={240} />
        </Suspense>
      )}
    </details>
  );
}

/** The run's nodes on the graph, coloured as they finish. Drawn below the table, once it is in view and the
 * nodes are all in: it needs the whole graph, an answer of megabytes and a long task to take in, which
 * neither the table nor someone who never scrolls to it should wait behind. */
function RunDrawing({ ids, statuses, ready }: { ids: ReadonlySet<string>; statuses: ReadonlyMap<string, string>; ready: boolean }) {
  const environment = useEnvironment();
  const section = useRef<HTMLElement>(null);
  const seen = useSeen(section);
  const { graph } = useLogicalGraph(ready && seen ? environment.data?.latestGraphVersion?.id : undefined);
  const highlighted = useMemo(() => new Set<string>(), []);
  return (
    <section ref={section}>
      <h2>On the graph</h2>
      {graph ? <SubgraphView graph={graph} ids={ids} highlighted={highlighted} status={statuses} /> : <Loading what="graph" />}
    </section>
  );
}

function Logs({ runId }: { runId: string }) {
  const [chunks, setChunks] = useState<{ seq: number; stream: string; text: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  useEffect(() => {
    setChunks([]);
    let cursor = 0;
    return subscribe(RunLogsSubscription, { runId, after: 0 }, {
      next: (data) => {
        const fresh = data.runLogs.chunks.filter((c) => c.seq > cursor);
        cursor = Math.max(cursor, data.runLogs.cursor);
        if (fresh.length) setChunks((current) => [...current, ...fresh]);
      },
      error: (e) => setError(e.message),
    });
  }, [runId]);
  const lines = useMemo(() => chunks.flatMap((c) => c.text.split("\n").filter(Boolean).map((line) => ({ stream: c.stream, line }))), [chunks]);
  const needle = search.toLowerCase();
  const shown = needle ? lines.filter((l) => l.line.toLowerCase().includes(needle)) : lines;
  return (
    <section>
      <h2>Logs</h2>
      <input type="search" aria-label="Search logs" placeholder="Search logs…" value={search} onChange={(e) => setSearch(e.target.value)} />
      {error && <div className="state-error">{error}</div>}
      <pre className="logs" aria-label="logs" data-lines={shown.length}>
        {shown.length === 0 ? (needle ? "No line matches." : "No logs yet.") : shown.slice(-3000).map((l, i) => <div key={i} className={`log-${l.stream}`}>{l.line}</div>)}
      </pre>
    </section>
  );
}
