// Runs of the environment: a table with filters by status, trigger and actor; newest first.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useCurrency, useEnvironment, useRoute } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading, StatusBadge } from "../../components/States";
import { duration, money, when } from "../../lib/format";
import type { RunStatus, RunTrigger } from "../../gql/graphql";
import { RUN_STATUSES, RUN_TRIGGERS, runListQuery } from "./api";

export function RunsPage() {
  const { base } = useRoute();
  const navigate = useNavigate();
  const environment = useEnvironment();
  const [status, setStatus] = useState<RunStatus | "">("");
  const [trigger, setTrigger] = useState<RunTrigger | "">("");
  const [actor, setActor] = useState("");
  const environmentId = environment.data?.id;
  const runs = useQuery(runListQuery(environmentId, { status, trigger, actor }));
  const currency = useCurrency();
  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error) return <ErrorState error={environment.error} />;
  return (
    <div className="page">
      <h1>Runs</h1>
      <div className="filters">
        <label>
          Status
          <select aria-label="Status filter" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | "")}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase().replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select aria-label="Trigger filter" value={trigger} onChange={(e) => setTrigger(e.target.value as RunTrigger | "")}>
            <option value="">any</option>
            {(Object.entries(RUN_TRIGGERS) as [RunTrigger, string][]).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor
          <input aria-label="Actor filter" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="subject" />
        </label>
        <Link to={`${base}/plans`} className="button">
          New run…
        </Link>
      </div>
      {runs.isPending && <Loading what="runs" />}
      {runs.error && <ErrorState error={runs.error} retry={() => void runs.refetch()} />}
      {runs.data && runs.data.runs.nodes.length === 0 && !status && !trigger && !actor ? (
        <Empty title="No runs yet">Build a plan and run it from the Plans view.</Empty>
      ) : (
        runs.data && (
          <DataTable
            label="runs"
            rows={runs.data.runs.nodes}
            rowKey={(r) => r.id}
            empty="No run matches these filters."
            onRowClick={(r) => navigate(`${base}/runs/${encodeURIComponent(r.id)}`)}
            columns={[
              { id: "number", header: "Run", cell: (r) => `#${r.number}`, value: (r) => r.number },
              { id: "status", header: "Status", cell: (r) => <StatusBadge status={r.status} />, value: (r) => r.status },
              { id: "created", header: "Created", cell: (r) => when(r.createdAt), value: (r) => r.createdAt },
              { id: "duration", header: "Duration", cell: (r) => duration(r.durationSeconds), value: (r) => r.durationSeconds },
              { id: "wait", header: "Queued", cell: (r) => duration(r.queueWaitSeconds), value: (r) => r.queueWaitSeconds },
              { id: "estimated", header: "Est. cost", cell: (r) => money(r.estimatedCost, currency), value: (r) => r.estimatedCost },
              { id: "actual", header: "Cost", cell: (r) => money(r.actualCost, currency), value: (r) => r.actualCost },
              { id: "regressions", header: "Regressions", cell: (r) => r.regressions, value: (r) => r.regressions },
              { id: "trigger", header: "Trigger", cell: (r) => RUN_TRIGGERS[r.trigger] },
              {
                id: "job",
                header: "Job",
                cell: (r) =>
                  r.job ? (
                    <Link to={`${base}/jobs/${encodeURIComponent(r.job.id)}`} onClick={(e) => e.stopPropagation()}>
                      {r.job.name}
                    </Link>
                  ) : (
                    ""
                  ),
                value: (r) => r.job?.name,
              },
              { id: "actor", header: "Actor", cell: (r) => <span title={r.actor}>{r.actorName}</span>, value: (r) => r.actorName },
              { id: "reason", header: "Reason", cell: (r) => r.reason ?? "" },
            ]}
          />
        )
      )}
    </div>
  );
}
