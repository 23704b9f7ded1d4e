// The job form's rules (zod) and its mapping to the API's inputs, kept apart from the component so they are
// tested on their own. The server checks everything again (cron grammar, zone database, steps, cycles): these
// rules catch what can never be right, so the user hears about it before a round trip.
import { z } from "zod";
import type { CreateJobInput, JobAfterOutcome, JobMisfirePolicy, JobOverlapPolicy, UpdateJobInput } from "../../gql/graphql";

/** The dbt commands a step may start with; the server says which of them a job runs in this phase. */
export const DBT_COMMANDS = ["build", "run", "test", "seed", "snapshot", "source", "docs"] as const;
const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600; // the server's limit

/** The non-empty lines of the steps box, each one step; a leading `dbt` is the user's habit, not a command. */
export function stepLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

function commandOf(line: string): string {
  const words = line.split(/\s+/);
  return (words[0] === "dbt" ? words[1] : words[0]) ?? "";
}

// A cron field: numbers, names (MON, JAN), and * ? / , - L W #. Five of them, as the server reads them.
const CRON_FIELD = /^[0-9A-Za-z*?/,\-#]+$/;

export function isCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field) => CRON_FIELD.test(field));
}

/** An IANA zone the browser knows; the server's zone database has the last word. */
export function isTimeZone(name: string): boolean {
  if (!name || /\s/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const jobFormSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "1-63 lower-case letters, digits and inner hyphens"),
    steps: z
      .string()
      .refine((text) => stepLines(text).length > 0, "a dbt command line, e.g. build -s tag:daily")
      .refine(
        (text) => stepLines(text).every((line) => (DBT_COMMANDS as readonly string[]).includes(commandOf(line))),
        `each line starts with a dbt command: ${DBT_COMMANDS.join(", ")}`,
      ),
    cron: z
      .string()
      .trim()
      .refine((text) => !text || isCron(text), "five cron fields: minute hour day-of-month month day-of-week, e.g. 30 2 * * *"),
    timezone: z
      .string()
      .trim()
      .refine((text) => !text || isTimeZone(text), "an IANA time zone, e.g. Europe/Berlin or UTC"),
    afterJobId: z.string(),
    afterOutcome: z.enum(["SUCCESS", "FAILURE", "ALWAYS"]),
    overlap: z.enum(["SKIP", "QUEUE", "CANCEL"]),
    misfire: z.enum(["RUN_ONCE", "SKIP"]),
    timeoutSeconds: z
      .string()
      .trim()
      .refine((text) => !text || (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_TIMEOUT_SECONDS), `whole seconds, 1 to ${MAX_TIMEOUT_SECONDS} (empty: one hour)`),
  })
  .refine((values) => !values.timezone || values.cron, { path: ["timezone"], message: "a time zone needs a cron schedule" });

export type JobFormValues = z.infer<typeof jobFormSchema>;

export const BLANK_JOB: JobFormValues = {
  name: "",
  steps: "",
  cron: "",
  timezone: "UTC",
  afterJobId: "",
  afterOutcome: "SUCCESS",
  overlap: "SKIP",
  misfire: "RUN_ONCE",
  timeoutSeconds: "",
};

/** The fields both createJob and updateJob take, read from the form. */
function definition(values: JobFormValues) {
  const cron = values.cron.trim();
  return {
    name: values.name.trim(),
    steps: stepLines(values.steps),
    cron: cron || null,
    timezone: cron ? values.timezone.trim() || "UTC" : null,
    afterJobId: values.afterJobId || null,
    afterOutcome: values.afterJobId ? (values.afterOutcome as JobAfterOutcome) : null,
    timeoutSeconds: values.timeoutSeconds.trim() ? Number(values.timeoutSeconds) : null,
    overlap: values.overlap as JobOverlapPolicy,
    misfire: values.misfire as JobMisfirePolicy,
  };
}

export function toCreateInput(environmentId: string, values: JobFormValues): CreateJobInput {
  return { environmentId, ...definition(values) };
}

/** An edit sends every field: an emptied schedule or chain is cleared, not left as it was. */
export function toUpdateInput(jobId: string, values: JobFormValues): UpdateJobInput {
  const fields = definition(values);
  return { jobId, ...fields, clearSchedule: !fields.cron, clearAfter: !fields.afterJobId };
}

/** A saved job as the form shows it, for editing. */
export function formValuesOf(job: {
  name: string;
  steps: readonly { commandLine: string }[];
  cron?: string | null;
  timezone?: string | null;
  afterJob?: { id: string } | null;
  afterOutcome?: JobAfterOutcome | null;
  overlap: JobOverlapPolicy;
  misfire: JobMisfirePolicy;
  timeoutSeconds: number;
}): JobFormValues {
  return {
    name: job.name,
    steps: job.steps.map((s) => s.commandLine).join("\n"),
    cron: job.cron ?? "",
    timezone: job.timezone ?? "UTC",
    afterJobId: job.afterJob?.id ?? "",
    afterOutcome: job.afterOutcome ?? "SUCCESS",
    overlap: job.overlap,
    misfire: job.misfire,
    timeoutSeconds: String(job.timeoutSeconds),
  };
}

/** How a job is started, in words: its schedule, its chain, or by hand only. */
export function scheduleText(job: { cron?: string | null; timezone?: string | null; afterJob?: { name: string } | null; afterOutcome?: JobAfterOutcome | null }): string {
  const parts: string[] = [];
  if (job.cron) parts.push(`${job.cron} (${job.timezone ?? "UTC"})`);
  if (job.afterJob) parts.push(`after ${job.afterJob.name} on ${(job.afterOutcome ?? "SUCCESS").toLowerCase()}`);
  return parts.join("; ") || "manual";
}

/** A fire time as the clock of the job's zone shows it, with the zone named (the schedule is read there). */
export function inZone(iso: string, timezone: string): string {
  const date = new Date(iso);
  try {
    return `${date.toLocaleString(undefined, { timeZone: timezone, dateStyle: "medium", timeStyle: "short" })} ${timezone}`;
  } catch {
    return date.toLocaleString();
  }
}
