// The environment at a glance: latest runs, failing and slowest nodes, cost this month against the
// budget, freshness of sources, and plans waiting for approval.
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { useCurrency, useEnvironment, useRoute } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading, StatusBadge } from "../../components/States";
import { duration, money, when } from "../../lib/format";
import { statusWord } from "../../lib/vocabulary";
import { ACTIVE } from "../runs/api";
import { dashboardQuery, runNodesQuery } from "./api";

const FAILED = new Set(["error", "fail", "runtime error"]);

export function DashboardPage() {
  const { base } = useRoute();
  const navigate = useNavigate();
  const environment = useEnvironment();
  const env = environment.data;
  const data = useQuery(dashboardQuery(env?.id));
  const latestFinishedId = data.data?.runs.nodes.find((r) => !ACTIVE.has(r.status))?.id;
  const latestNodes = useQuery(runNodesQuery(latestFinishedId));
  const currency = useCurrency();
  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error) return <ErrorState error={environment.error} retry={() => void environment.refetch()} />;
  if (!env) return <Empty title="No such environment">Pick another one above.</Empty>;
  if (data.isPending) return <Loading what="dashboard" />;
  if (data.error) return <ErrorState error={data.error} retry={() => void data.refetch()} />;

  const runs = data.data.runs.nodes;
  const envNode = data.data.node && "plans" in data.data.node ? data.data.node : null;
  const latestFinished = runs.find((r) => !ACTIVE.has(r.status));
  const nodes = latestNodes.data ?? [];
  const failing = nodes.filter((n) => FAILED.has(statusWord(n.status)));
  const slowest = [...nodes].filter((n) => n.executionTime != null).sort((a, b) => b.executionTime! - a.executionTime!).slice(0, 5);
  const monthStart = new Date();
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  const spent = runs.filter((r) => r.createdAt && Date.parse(r.createdAt) >= monthStart.getTime()).reduce((sum, r) => sum + (r.actualCost ?? 0), 0);
  const budget = env.quotas.monthlyCostBudget;
  const awaiting = (envNode?.plans.nodes ?? []).filter((p) => p.status === "DRAFT" && p.approvalsRequired.length > 0);
  const freshness = envNode?.invocations.nodes.find((i) => i.sourceFreshness.length > 0);

  return (
    <div className="page dashboard">
      <h1>
        {env.project?.name ?? env.project?.slug} / {env.name}
      </h1>
      <p className="summary">
        {env.adapter} · ref {env.gitRef} ·{" "}
        {env.latestGraphVersion
          ? `graph version ${env.latestGraphVersion.sequence} (${env.latestGraphVersion.nodeCount} nodes, dbt ${env.latestGraphVersion.dbtVersion ?? "?"})`
          : "no graph yet"}
      </p>
      <div className="cards">
        <section className="card">
          <h2>Latest runs</h2>
          {runs.length ? (
            <ul className="plain">
              {runs.slice(0, 6).map((r) => (
                <li key={r.id}>
                  <Link to={`${base}/runs/${encodeURIComponent(r.id)}`}>
                    <StatusBadge status={r.status} /> {when(r.createdAt)} · {duration(r.durationSeconds)} · <span title={r.actor}>{r.actorName}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <Empty title="No runs yet">
              <Link to={`${base}/plans`}>Plan and run</Link>
            </Empty>
          )}
        </section>
        <section className="card">
          <h2>Cost this month</h2>
          <div className="big">{money(spent, currency)}</div>
          {budget != null ? (
            <>
              <meter min={0} max={budget} value={Math.min(spent, budget)} aria-label="budget used" />
              <div>
                of {money(budget, currency)} budget ({((spent / budget) * 100).toFixed(0)}%)
              </div>
            </>
          ) : (
            <div>No monthly budget set.</div>
          )}
        </section>
        <section className="card">
          <h2>Plans awaiting approval</h2>
          {awaiting.length ? (
            <ul className="plain">
              {awaiting.map((p) => (
                <li key={p.id}>
                  <Link to={`${base}/plans/${encodeURIComponent(p.id)}`}>
                    {when(p.createdAt)} by {p.createdByName} — needs {p.approvalsRequired.map((a) => a.role).join(", ")}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <div>Nothing waits for a decision.</div>
          )}
        </section>
      </div>
      <div className="cards">
        <section className="card wide">
          <h2>Failing nodes {latestFinished && <small>(latest finished run)</small>}</h2>
          <DataTable
            label="failing nodes"
            rows={failing}
            rowKey={(n) => n.uniqueId}
            empty="No failing node."
            onRowClick={(n) => navigate(`${base}/graph?focus=${encodeURIComponent(n.uniqueId)}`)}
            columns={[
              { id: "node", header: "Node", cell: (n) => n.uniqueId },
              { id: "status", header: "Status", cell: (n) => <StatusBadge status={n.status} text={n.statusText} /> },
              { id: "message", header: "Message", cell: (n) => n.message ?? "" },
            ]}
          />
        </section>
        <section className="card wide">
          <h2>Slowest nodes</h2>
          <DataTable
            label="slowest nodes"
            rows={slowest}
            rowKey={(n) => n.uniqueId}
            empty="No timings yet."
            columns={[
              { id: "node", header: "Node", cell: (n) => n.uniqueId },
              { id: "time", header: "Time", cell: (n) => duration(n.executionTime), value: (n) => n.executionTime },
            ]}
          />
        </section>
        <section className="card wide">
          <h2>Source freshness {freshness && <small>({when(freshness.createdAt)})</small>}</h2>
          <DataTable
            label="source freshness"
            rows={freshness?.sourceFreshness ?? []}
            rowKey={(s) => s.uniqueId}
            empty="No freshness checked yet (dbt source freshness)."
            columns={[
              { id: "source", header: "Source", cell: (s) => s.uniqueId },
              { id: "status", header: "Status", cell: (s) => <StatusBadge status={s.status} text={s.statusText} />, value: (s) => statusWord(s.status, s.statusText) },
              { id: "age", header: "Age", cell: (s) => duration(s.ageSeconds), value: (s) => s.ageSeconds },
              { id: "loaded", header: "Last loaded", cell: (s) => s.maxLoadedAt ?? "—" },
            ]}
          />
        </section>
      </div>
    </div>
  );
}
