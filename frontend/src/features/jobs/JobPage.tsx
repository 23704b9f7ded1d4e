// One job: its definition (editable), the next fires, what became of each fire, and its runs; trigger now,
// pause/resume, delete. Buttons the caller's role does not allow are not offered.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading, StatusBadge } from "../../components/States";
import { useEnvironment, usePermissions, useRoute } from "../../lib/environment";
import { duration, when } from "../../lib/format";
import { RUN_TRIGGERS } from "../runs/api";
import { AFTER_OUTCOMES, FIRE_OUTCOMES, jobListQuery, jobQuery, MISFIRE_POLICIES, OVERLAP_POLICIES, useDeleteJob, usePauseJob, useTriggerJob, useUpdateJob } from "./api";
import { formValuesOf, inZone, scheduleText, toUpdateInput, type JobFormValues } from "./form";
import { JobForm } from "./JobForm";

/** What the last action did: a run to follow, a note, or the refusal. */
type Outcome = { ok: true; text: string; runId?: string } | { ok: false; text: string } | null;

const refusal = (answer: { __typename?: string; message?: string }) => ("message" in answer && answer.message ? answer.message : "refused");

export default function JobPage() {
  const { jobId = "" } = useParams();
  const { base } = useRoute();
  const navigate = useNavigate();
  const environment = useEnvironment();
  const may = usePermissions();
  const job = useQuery(jobQuery(jobId));
  const jobs = useQuery(jobListQuery(environment.data?.id));
  const trigger = useTriggerJob();
  const pause = usePauseJob();
  const remove = useDeleteJob();
  const update = useUpdateJob();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (job.isPending) return <Loading what="job" />;
  if (job.error) return <ErrorState error={job.error} retry={() => void job.refetch()} />;
  if (!job.data) return <Empty title="Job not found">It does not exist, or it is not yours to see.</Empty>;
  const j = job.data;
  const zone = j.timezone ?? "UTC";

  const act = async (action: () => Promise<Outcome>) => {
    setOutcome(null);
    try {
      setOutcome(await action());
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };
  const runNow = () =>
    act(async () => {
      const run = await trigger.mutateAsync(j.id);
      return run.__typename === "Run" ? { ok: true, text: "Triggered:", runId: run.id } : { ok: false, text: refusal(run) };
    });
  const togglePause = () =>
    act(async () => {
      const answer = await pause.mutateAsync({ jobId: j.id, paused: !j.paused });
      return answer.__typename === "Job" ? { ok: true, text: j.paused ? "Resumed." : "Paused." } : { ok: false, text: refusal(answer) };
    });
  const deleteJob = () =>
    act(async () => {
      const answer = await remove.mutateAsync(j.id);
      if (answer.__typename === "Job") {
        navigate(`${base}/jobs`);
        return null;
      }
      return { ok: false, text: refusal(answer) };
    });
  const save = async (values: JobFormValues) => {
    setFailure(null);
    try {
      const answer = await update.mutateAsync(toUpdateInput(j.id, values));
      if (answer.__typename === "Job") setEditing(false);
      else setFailure(refusal(answer));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="page job-detail">
      <h1>
        Job {j.name} {j.paused && <span className="badge badge-muted">paused</span>}
      </h1>
      <div className="actions">
        {may.has("run") && (
          <button type="button" onClick={() => void runNow()} disabled={trigger.isPending}>
            Trigger now
          </button>
        )}
        {may.has("edit") && (
          <>
            <button type="button" onClick={() => void togglePause()} disabled={pause.isPending}>
              {j.paused ? "Resume" : "Pause"}
            </button>
            <button type="button" onClick={() => setEditing((e) => !e)}>
              {editing ? "Stop editing" : "Edit"}
            </button>
            {confirming ? (
              <span className="confirm">
                Delete {j.name}? Its runs stay.{" "}
                <button type="button" className="danger" onClick={() => void deleteJob()} disabled={remove.isPending}>
                  Delete for good
                </button>{" "}
                <button type="button" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setConfirming(true)}>
                Delete…
              </button>
            )}
          </>
        )}
        <Link to={`${base}/jobs`}>All jobs</Link>
      </div>
      {outcome && (
        <div className={outcome.ok ? "state-ok" : "state-error"} role={outcome.ok ? "status" : "alert"}>
          {outcome.text}{" "}
          {outcome.ok && outcome.runId && <Link to={`${base}/runs/${encodeURIComponent(outcome.runId)}`}>open its run</Link>}
        </div>
      )}
      {editing && (
        <section>
          <h2>Edit</h2>
          <JobForm
            initial={formValuesOf(j)}
            jobs={(jobs.data ?? []).filter((other) => other.id !== j.id)}
            onSubmit={save}
            submitLabel="Save job"
            failure={failure}
          />
        </section>
      )}
      <dl className="facts">
        <dt>Steps</dt>
        <dd>
          {j.steps.map((s) => (
            <code key={s.commandLine}>dbt {s.commandLine}</code>
          ))}
        </dd>
        <dt>Schedule</dt>
        <dd>{scheduleText(j)}</dd>
        <dt>After its chain</dt>
        <dd>{j.afterJob ? <Link to={`${base}/jobs/${encodeURIComponent(j.afterJob.id)}`}>{j.afterJob.name}</Link> : "—"}{j.afterJob && j.afterOutcome ? `, ${AFTER_OUTCOMES[j.afterOutcome]}` : ""}</dd>
        <dt>While a run is active</dt>
        <dd>{OVERLAP_POLICIES[j.overlap]}</dd>
        <dt>Missed fires</dt>
        <dd>{MISFIRE_POLICIES[j.misfire]}</dd>
        <dt>Timeout</dt>
        <dd>{duration(j.timeoutSeconds)}</dd>
        <dt>Defined</dt>
        <dd title={`by ${j.createdBy}`}>
          {when(j.createdAt)}; changed {when(j.updatedAt)}
        </dd>
      </dl>
      <section>
        <h2>Next fires</h2>
        {j.paused ? (
          <div className="state">Paused: no fire until resumed.</div>
        ) : j.nextFires.length === 0 ? (
          <div className="state">No schedule: it runs when triggered{j.afterJob ? ` or after ${j.afterJob.name}` : ""}.</div>
        ) : (
          <ol className="fires" aria-label="next fires">
            {j.nextFires.map((at) => (
              <li key={at} title={`${at} (UTC)`}>
                {inZone(at, zone)}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section>
        <h2>Fires</h2>
        <DataTable
          label="fires"
          rows={j.fires}
          rowKey={(f) => `${f.fireAt}:${f.trigger}:${f.createdAt ?? ""}`}
          empty="No fire yet."
          columns={[
            { id: "at", header: "Fire at", cell: (f) => when(f.fireAt), value: (f) => f.fireAt },
            { id: "trigger", header: "Trigger", cell: (f) => RUN_TRIGGERS[f.trigger] },
            { id: "outcome", header: "Outcome", cell: (f) => FIRE_OUTCOMES[f.outcome], value: (f) => f.outcome },
            { id: "reason", header: "Reason", cell: (f) => f.reason ?? "" },
            {
              id: "run",
              header: "Run",
              cell: (f) =>
                f.run ? (
                  <Link to={`${base}/runs/${encodeURIComponent(f.run.id)}`}>
                    #{f.run.number} <StatusBadge status={f.run.status} />
                  </Link>
                ) : (
                  "—"
                ),
              value: (f) => f.run?.number,
            },
          ]}
        />
      </section>
      <section>
        <h2>Runs</h2>
        <DataTable
          label="job runs"
          rows={j.runs.nodes}
          rowKey={(r) => r.id}
          empty="It has not run yet."
          onRowClick={(r) => navigate(`${base}/runs/${encodeURIComponent(r.id)}`)}
          columns={[
            { id: "number", header: "Run", cell: (r) => `#${r.number}`, value: (r) => r.number },
            { id: "status", header: "Status", cell: (r) => <StatusBadge status={r.status} />, value: (r) => r.status },
            { id: "trigger", header: "Trigger", cell: (r) => RUN_TRIGGERS[r.trigger] },
            { id: "commit", header: "Commit", cell: (r) => (r.commitSha ? <code title={r.commitSha}>{r.commitSha.slice(0, 12)}</code> : "—"), value: (r) => r.commitSha },
            { id: "created", header: "Created", cell: (r) => when(r.createdAt), value: (r) => r.createdAt },
            { id: "duration", header: "Duration", cell: (r) => duration(r.durationSeconds), value: (r) => r.durationSeconds },
          ]}
        />
      </section>
    </div>
  );
}
