// Define or change a job: its step, its schedule (the next five fires previewed by the server as the user
// types), its chain and policies. The server's refusal (cron, zone, step, cycle) shows beside the form.
import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { AFTER_OUTCOMES, MISFIRE_POLICIES, OVERLAP_POLICIES, schedulePreviewQuery } from "./api";
import { BLANK_JOB, inZone, isCron, jobFormSchema, type JobFormValues } from "./form";

/** What the form asks the preview for: the schedule once the user has stopped typing for a moment. */
const PREVIEW_DELAY_MS = 400;

function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** The options of a select whose values are a closed set of the schema, each with its label. */
function Choices({ labels }: { labels: Readonly<Record<string, string>> }) {
  return Object.entries(labels).map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));
}

export function JobForm({
  initial = BLANK_JOB,
  jobs,
  onSubmit,
  submitLabel,
  failure,
  disabled = false,
}: {
  initial?: JobFormValues;
  /** The environment's other jobs, to run after one of them. */
  jobs: readonly { id: string; name: string }[];
  onSubmit: (values: JobFormValues) => Promise<void>;
  submitLabel: string;
  /** The server's refusal of the last save. */
  failure: string | null;
  disabled?: boolean;
}) {
  const form = useForm<JobFormValues>({ resolver: zodResolver(jobFormSchema), defaultValues: initial });
  const { errors, isSubmitting } = form.formState;
  const [cron, timezone, afterJobId] = useWatch({ control: form.control, name: ["cron", "timezone", "afterJobId"] });
  return (
    <form className="plan-form job-form" aria-label="job" onSubmit={form.handleSubmit(onSubmit)} noValidate>
      <label>
        Name
        <input {...form.register("name")} placeholder="e.g. nightly" />
        {errors.name && <span className="field-error">{errors.name.message}</span>}
      </label>
      <label className="wide">
        Steps (a dbt command line each)
        <textarea {...form.register("steps")} rows={3} placeholder={"build -s tag:daily --exclude tag:slow\nsource freshness\ndocs generate"} />
        {errors.steps && <span className="field-error">{errors.steps.message}</span>}
      </label>
      <label>
        Schedule (cron)
        <input {...form.register("cron")} placeholder="30 2 * * * (empty: no schedule)" />
        {errors.cron && <span className="field-error">{errors.cron.message}</span>}
      </label>
      <label>
        Time zone
        <input {...form.register("timezone")} placeholder="UTC, Europe/Berlin…" list="time-zones" />
        {errors.timezone && <span className="field-error">{errors.timezone.message}</span>}
      </label>
      <TimeZones />
      <label>
        Run after job
        <select {...form.register("afterJobId")}>
          <option value="">none</option>
          {jobs.map((j) => (
            <option key={j.id} value={j.id}>
              {j.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        On its outcome
        <select {...form.register("afterOutcome")} disabled={!afterJobId}>
          <Choices labels={AFTER_OUTCOMES} />
        </select>
      </label>
      <label>
        While a run is active
        <select {...form.register("overlap")}>
          <Choices labels={OVERLAP_POLICIES} />
        </select>
      </label>
      <label>
        Missed fires
        <select {...form.register("misfire")}>
          <Choices labels={MISFIRE_POLICIES} />
        </select>
      </label>
      <label>
        Timeout (seconds)
        <input {...form.register("timeoutSeconds")} inputMode="numeric" placeholder="3600" />
        {errors.timeoutSeconds && <span className="field-error">{errors.timeoutSeconds.message}</span>}
      </label>
      <button type="submit" disabled={disabled || isSubmitting}>
        {isSubmitting ? "Saving…" : submitLabel}
      </button>
      <SchedulePreview cron={cron} timezone={timezone} />
      {failure && (
        <div className="state-error wide" role="alert">
          {failure}
        </div>
      )}
    </form>
  );
}

/** The next five fires of the schedule being typed, from the server (its cron library and zone database). */
function SchedulePreview({ cron, timezone }: { cron: string; timezone: string }) {
  const settled = useDebounced({ cron: cron.trim(), timezone: timezone.trim() }, PREVIEW_DELAY_MS);
  // Half-typed expressions are not sent: "30 2 *" would only be refused.
  const ready = isCron(settled.cron);
  const preview = useQuery({ ...schedulePreviewQuery(settled.cron, settled.timezone), enabled: ready });
  if (!cron.trim()) return <div className="state wide">No schedule: the job runs when triggered or after another job.</div>;
  if (!ready) return <div className="state wide">Next fires: type five cron fields…</div>;
  if (preview.error) return <div className="state-error wide">Preview failed: {preview.error.message}</div>;
  const answer = preview.data;
  if (!answer) return <div className="state wide">Next fires: reading…</div>;
  if (answer.__typename === "ValidationError") {
    return (
      <div className="state-error wide" role="alert" aria-label="schedule preview">
        {answer.message}
      </div>
    );
  }
  return (
    <div className="wide" aria-label="schedule preview">
      Next fires{preview.isPlaceholderData ? " (updating…)" : ""}:
      <ol className="fires">
        {answer.fires.map((at) => (
          <li key={at} title={`${at} (UTC)`}>
            {inZone(at, settled.timezone || "UTC")}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Suggestions for the time zone box: the zones the browser knows. */
function TimeZones() {
  const [zones] = useState<string[]>(() => {
    const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
    return ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])];
  });
  return (
    <datalist id="time-zones">
      {zones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
