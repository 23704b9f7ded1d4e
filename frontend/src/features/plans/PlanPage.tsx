// One plan: every node's action and why, the waves, estimated cost against the budget, the approvals it
// needs and the explanation; approve or reject it (with the role for it), run it, see it on the graph.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useCurrency, useEnvironment, usePermissions, useRoute } from "../../lib/environment";
import { DataTable, type Column } from "../../components/DataTable";
import { Empty, ErrorState, Loading, StatusBadge } from "../../components/States";
import type { PlanAction } from "../../gql/graphql";
import { duration, money, when } from "../../lib/format";
import { useTriggerRun } from "../runs/api";
import { planQuery, useDecidePlan, usePlanItems, type PlanItem } from "./api";
import { stepLine } from "./steps";

const ACTIONS: readonly PlanAction[] = ["RUN", "PARTIAL", "SKIP"];

export default function PlanPage() {
  const { planId = "" } = useParams();
  const { base } = useRoute();
  const navigate = useNavigate();
  const may = usePermissions();
  const environment = useEnvironment();
  const plan = useQuery(planQuery(planId));
  const planItems = usePlanItems(planId, !!plan.data);
  const decidePlan = useDecidePlan();
  const triggerRun = useTriggerRun();
  const currency = useCurrency();
  const [note, setNote] = useState("");
  const [failure, setFailure] = useState<string | null>(null);
  const [action, setAction] = useState<PlanAction | "">("");
  const waves = useMemo(() => {
    const counts = new Map<number, number>();
    for (const item of planItems.items) if (item.action !== "SKIP") counts.set(item.wave, (counts.get(item.wave) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => a[0] - b[0]);
  }, [planItems.items]);
  // A job's plan of several steps (seed, then run...): each item says which step runs it.
  const stepped = (plan.data?.steps.length ?? 0) > 1;
  // Made once per plan and currency: new columns would make the table read every row's values again.
  const columns = useMemo<Column<PlanItem>[]>(
    () => [
      { id: "node", header: "Node", cell: (i) => <Link to={`${base}/graph?focus=${encodeURIComponent(i.uniqueId)}&plan=${encodeURIComponent(planId)}`}>{i.uniqueId}</Link>, value: (i) => i.uniqueId },
      ...(stepped ? [{ id: "step", header: "Step", cell: (i: PlanItem) => i.step + 1, value: (i: PlanItem) => i.step }] : []),
      { id: "action", header: "Action", cell: (i) => <span className={`action action-${i.action}`}>{i.action}</span>, value: (i) => i.action },
      { id: "wave", header: "Wave", cell: (i) => i.wave, value: (i) => i.wave },
      { id: "why", header: "Why", cell: (i) => i.why },
      { id: "cost", header: "Est. cost", cell: (i) => money(i.estimate.p50Cost, currency), value: (i) => i.estimate.p50Cost },
      { id: "time", header: "Est. time", cell: (i) => duration(i.estimate.p50Ms / 1000), value: (i) => i.estimate.p50Ms },
      { id: "confidence", header: "Confidence", cell: (i) => i.estimate.confidence.toLowerCase() },
    ],
    [base, planId, currency, stepped],
  );
  if (plan.isPending) return <Loading what="plan" />;
  if (plan.error) return <ErrorState error={plan.error} retry={() => void plan.refetch()} />;
  if (!plan.data) return <Empty title="Plan not found">It does not exist, or it is not yours to see.</Empty>;
  const p = plan.data;
  const budget = environment.data?.quotas.monthlyCostBudget;

  const decide = async (approve: boolean) => {
    setFailure(null);
    try {
      const input = { planId: p.id, fingerprint: p.fingerprint, reason: note || null };
      const result = await decidePlan.mutateAsync({ approve, input });
      if (result.__typename !== "Plan") setFailure("message" in result ? result.message : "refused");
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  const run = async () => {
    setFailure(null);
    try {
      const started = await triggerRun.mutateAsync({ environmentId: environment.data!.id, planId: p.id });
      if (started.__typename === "Run") navigate(`${base}/runs/${encodeURIComponent(started.id)}`);
      else setFailure("message" in started ? started.message : "the run was refused");
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  const runnable = p.status === "APPROVED" || (p.status === "DRAFT" && p.approvalsRequired.length === 0);
  const items = action ? planItems.items.filter((i) => i.action === action) : planItems.items;
  return (
    <div className="page plan">
      <h1>
        Plan <code>{p.id.slice(-12)}</code> <StatusBadge status={p.status} />
      </h1>
      <div className="actions">
        <Link to={`${base}/graph?plan=${encodeURIComponent(p.id)}`}>Show on graph</Link>
        {p.status === "DRAFT" && may.has("approve") && (
          <>
            <input aria-label="Decision note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
            <button type="button" onClick={() => void decide(true)}>
              Approve
            </button>
            <button type="button" onClick={() => void decide(false)}>
              Reject
            </button>
          </>
        )}
        {p.status === "DRAFT" && !may.has("approve") && p.approvalsRequired.length > 0 && <span>Waiting for an approver.</span>}
        {runnable && may.has("run") && (
          <button type="button" className="primary" onClick={() => void run()}>
            Run this plan
          </button>
        )}
      </div>
      {failure && <div className="state-error" role="alert">{failure}</div>}
      <dl className="facts">
        <dt>Nodes</dt>
        <dd>
          {p.totals.run} run · {p.totals.partial} partial · {p.totals.skip} skip
        </dd>
        <dt>Estimate</dt>
        <dd>
          {duration(p.totals.p50Ms / 1000)} (p90 {duration(p.totals.p90Ms / 1000)}) · cost {money(p.totals.p50Cost, currency)} (p90 {money(p.totals.p90Cost, currency)})
        </dd>
        <dt>Budget</dt>
        <dd>{budget == null ? "no budget set" : `${money(p.totals.budgetRemaining, currency)} left of ${money(budget, currency)} this month`}</dd>
        <dt>Graph</dt>
        <dd>
          version {p.headVersion?.sequence ?? "?"} against {p.baseVersion ? `version ${p.baseVersion.sequence}` : "nothing (first)"}
        </dd>
        <dt>Created</dt>
        <dd>
          {when(p.createdAt)} by {p.createdByName}; expires {when(p.expiresAt)}
          {p.commitSha && (
            <>
              {" "}· commit <code title={p.commitSha}>{p.commitSha.slice(0, 12)}</code>
            </>
          )}
        </dd>
        {p.decidedByName && (
          <>
            <dt>Decided</dt>
            <dd>
              {when(p.decidedAt)} by {p.decidedByName} {p.decisionNote && `— ${p.decisionNote}`}
            </dd>
          </>
        )}
        <dt>Fingerprint</dt>
        <dd>
          <code>{p.fingerprint.slice(0, 16)}</code>
        </dd>
      </dl>
      <section>
        <h2>Approvals required</h2>
        {p.approvalsRequired.length ? (
          <ul className="plain">
            {p.approvalsRequired.map((a) => (
              <li key={a.policy + a.reason}>
                <strong>{a.role}</strong> — {a.reason} <small>({a.policy})</small>
              </li>
            ))}
          </ul>
        ) : (
          <div>None: any editor may run it.</div>
        )}
      </section>
      <section>
        <h2>Waves</h2>
        <div className="waves">
          {waves.map(([wave, count]) => (
            <span key={wave} className="wave">
              wave {wave}: {count}
            </span>
          ))}
        </div>
      </section>
      <section>
        <h2>Explanation</h2>
        <pre className="explanation">{p.explanation}</pre>
      </section>
      {stepped && (
        <section>
          <h2>Steps</h2>
          <ol aria-label="Steps">
            {p.steps.map((step) => (
              <li key={step.index}>
                <code>{stepLine(step.command, step.request)}</code>
              </li>
            ))}
          </ol>
        </section>
      )}
      <section>
        <h2>Nodes</h2>
        {!planItems.complete && (
          <div className="state" role="status">
            Reading nodes: {planItems.items.length} of {p.itemCount}…
          </div>
        )}
        {planItems.error && <ErrorState error={planItems.error} retry={() => void planItems.refetch()} />}
        <label>
          Action{" "}
          <select aria-label="Action filter" value={action} onChange={(e) => setAction(e.target.value as PlanAction | "")}>
            <option value="">all</option>
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <DataTable
          label="plan items"
          rows={items}
          total={action ? undefined : p.itemCount}
          rowKey={(i) => i.uniqueId}
          filterable
          empty="No node in this plan."
          columns={columns}
        />
      </section>
    </div>
  );
}
