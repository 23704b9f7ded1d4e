// Jobs of the environment: what each runs, when it fires next, how its last run ended; and the form that
// defines a new one.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { DataTable } from "../../components/DataTable";
import { ErrorState, Loading, StatusBadge } from "../../components/States";
import { useEnvironment, usePermissions, useRoute } from "../../lib/environment";
import { when } from "../../lib/format";
import { jobListQuery, useCreateJob } from "./api";
import { toCreateInput, scheduleText, type JobFormValues } from "./form";
import { JobForm } from "./JobForm";

export default function JobsPage() {
  const { base } = useRoute();
  const navigate = useNavigate();
  const environment = useEnvironment();
  const may = usePermissions();
  const environmentId = environment.data?.id;
  const jobs = useQuery(jobListQuery(environmentId));
  const createJob = useCreateJob();
  const [failure, setFailure] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  const create = async (values: JobFormValues) => {
    setFailure(null);
    try {
      const created = await createJob.mutateAsync(toCreateInput(environmentId!, values));
      if (created.__typename === "Job") {
        setFormKey((k) => k + 1); // a fresh, empty form for the next one
        navigate(`${base}/jobs/${encodeURIComponent(created.id)}`);
      } else setFailure("message" in created ? created.message : "the job was refused");
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };

  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error) return <ErrorState error={environment.error} />;
  return (
    <div className="page">
      <h1>Jobs</h1>
      <section>
        <h2>Jobs of this environment</h2>
        {jobs.isPending && <Loading what="jobs" />}
        {jobs.error && <ErrorState error={jobs.error} retry={() => void jobs.refetch()} />}
        {jobs.data && (
          <DataTable
            label="jobs"
            rows={jobs.data}
            rowKey={(j) => j.id}
            empty="No jobs yet: define one below."
            onRowClick={(j) => navigate(`${base}/jobs/${encodeURIComponent(j.id)}`)}
            columns={[
              { id: "name", header: "Name", cell: (j) => <Link to={`${base}/jobs/${encodeURIComponent(j.id)}`} onClick={(e) => e.stopPropagation()}>{j.name}</Link>, value: (j) => j.name },
              { id: "steps", header: "Steps", cell: (j) => <code>{j.steps.map((s) => `dbt ${s.commandLine}`).join("; ")}</code>, value: (j) => j.steps.map((s) => s.commandLine).join("; ") },
              { id: "schedule", header: "Schedule", cell: (j) => scheduleText(j) },
              { id: "next", header: "Next fire", cell: (j) => (j.paused ? "— (paused)" : when(j.nextFireAt)), value: (j) => j.nextFireAt ?? "" },
              { id: "paused", header: "Paused", cell: (j) => (j.paused ? "paused" : "no") },
              {
                id: "last",
                header: "Last run",
                cell: (j) => {
                  const last = j.runs.nodes[0];
                  return last ? (
                    <Link to={`${base}/runs/${encodeURIComponent(last.id)}`} onClick={(e) => e.stopPropagation()}>
                      #{last.number} <StatusBadge status={last.status} />
                    </Link>
                  ) : (
                    "never run"
                  );
                },
                value: (j) => j.runs.nodes[0]?.status ?? "",
              },
            ]}
          />
        )}
      </section>
      <section>
        <h2>New job</h2>
        {may.has("edit") ? (
          <JobForm key={formKey} jobs={jobs.data ?? []} onSubmit={create} submitLabel="Create job" failure={failure} disabled={!environmentId} />
        ) : (
          <div className="state">Your role here does not allow defining jobs.</div>
        )}
      </section>
    </div>
  );
}
