// Plans of the environment, and the form that builds a new one.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useCurrency, useEnvironment, usePermissions, useRoute } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { ErrorState, Loading, StatusBadge } from "../../components/States";
import { money, when } from "../../lib/format";
import { planListQuery, useCreatePlan } from "./api";
import { PlanForm, type PlanRequestInput } from "./PlanForm";

export default function PlansPage() {
  const { base } = useRoute();
  const navigate = useNavigate();
  const environment = useEnvironment();
  const may = usePermissions();
  const [failure, setFailure] = useState<string | null>(null);
  const environmentId = environment.data?.id;
  const plans = useQuery(planListQuery(environmentId));
  const createPlan = useCreatePlan();
  const currency = useCurrency();
  const create = async (input: PlanRequestInput) => {
    setFailure(null);
    try {
      const created = await createPlan.mutateAsync({ environmentId: environmentId!, ...input });
      if (created.__typename === "Plan") navigate(`${base}/plans/${encodeURIComponent(created.id)}`);
      else setFailure("message" in created ? created.message : "the plan was refused");
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error) return <ErrorState error={environment.error} />;
  return (
    <div className="page">
      <h1>Plans</h1>
      <section>
        <h2>New plan</h2>
        {may.has("plan") ? (
          <PlanForm onSubmit={create} disabled={!environmentId} />
        ) : (
          <div className="state">Your role here does not allow planning.</div>
        )}
        {failure && <div className="state-error" role="alert">{failure}</div>}
      </section>
      <section>
        <h2>Recent plans</h2>
        {plans.isPending && <Loading what="plans" />}
        {plans.error && <ErrorState error={plans.error} />}
        {plans.data && (
          <DataTable
            label="plans"
            rows={plans.data}
            rowKey={(p) => p.id}
            empty="No plans yet: build one above."
            onRowClick={(p) => navigate(`${base}/plans/${encodeURIComponent(p.id)}`)}
            columns={[
              { id: "status", header: "Status", cell: (p) => <StatusBadge status={p.status} />, value: (p) => p.status },
              { id: "created", header: "Created", cell: (p) => when(p.createdAt), value: (p) => p.createdAt },
              { id: "by", header: "By", cell: (p) => p.createdByName },
              { id: "run", header: "Run", cell: (p) => p.totals.run, value: (p) => p.totals.run },
              { id: "partial", header: "Partial", cell: (p) => p.totals.partial, value: (p) => p.totals.partial },
              { id: "skip", header: "Skip", cell: (p) => p.totals.skip, value: (p) => p.totals.skip },
              { id: "cost", header: "Est. cost (p50)", cell: (p) => money(p.totals.p50Cost, currency), value: (p) => p.totals.p50Cost },
              { id: "approvals", header: "Approvals", cell: (p) => p.approvalsRequired.map((a) => a.role).join(", ") || "none" },
            ]}
          />
        )}
      </section>
    </div>
  );
}
