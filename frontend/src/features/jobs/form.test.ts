import { describe, expect, it } from "vitest";
import { BLANK_JOB, formValuesOf, isCron, jobFormSchema, scheduleText, toCreateInput, toUpdateInput } from "./form";

const valid = { ...BLANK_JOB, name: "nightly", steps: "build -s tag:daily", cron: "30 2 * * *", timezone: "Europe/Berlin" };
const messageOf = (values: object) => {
  const parsed = jobFormSchema.safeParse(values);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("the job form", () => {
  it("accepts a scheduled job and sends its step, cron and zone", () => {
    expect(messageOf(valid)).toBeNull();
    expect(toCreateInput("env-1", valid)).toEqual({
      environmentId: "env-1",
      name: "nightly",
      steps: ["build -s tag:daily"],
      cron: "30 2 * * *",
      timezone: "Europe/Berlin",
      afterJobId: null,
      afterOutcome: null,
      timeoutSeconds: null,
      overlap: "SKIP",
      misfire: "RUN_ONCE",
    });
  });

  it("reads cron as five fields, and refuses fewer, more, or stray characters", () => {
    for (const cron of ["* * * * *", "*/15 9-17 * * MON-FRI", "0 0 1,15 * *"]) expect(isCron(cron)).toBe(true);
    for (const cron of ["* * * *", "* * * * * *", "30 2 * * $", "every day"]) {
      expect(isCron(cron)).toBe(false);
      expect(messageOf({ ...valid, cron })).toMatch(/^cron: five cron fields/);
    }
  });

  it("refuses a time zone the zone database does not have, and a zone without a schedule", () => {
    expect(messageOf({ ...valid, timezone: "Mars/Olympus_Mons" })).toMatch(/^timezone: an IANA time zone/);
    expect(messageOf({ ...valid, timezone: "Europe Berlin" })).toMatch(/^timezone: an IANA time zone/);
    expect(messageOf({ ...valid, cron: "", timezone: "Europe/Berlin" })).toBe("timezone: a time zone needs a cron schedule");
    expect(messageOf({ ...valid, timezone: "UTC" })).toBeNull();
  });

  it("wants each step line to start with a dbt command, and passes every line on for the server to judge", () => {
    expect(messageOf({ ...valid, steps: "  " })).toMatch(/^steps: a dbt command line/);
    expect(messageOf({ ...valid, steps: "rm -rf /" })).toMatch(/^steps: each line starts with a dbt command/);
    expect(messageOf({ ...valid, steps: "dbt build --select x" })).toBeNull();
    // Two steps are the server's to refuse (with its reason): the form sends both.
    expect(toCreateInput("e", { ...valid, steps: "build\n\n  test -s x  \n" }).steps).toEqual(["build", "test -s x"]);
  });

  it("names jobs as slugs and timeouts as whole seconds within the server's week", () => {
    expect(messageOf({ ...valid, name: "Nightly Job" })).toMatch(/^name:/);
    expect(messageOf({ ...valid, timeoutSeconds: "1.5" })).toMatch(/^timeoutSeconds:/);
    expect(messageOf({ ...valid, timeoutSeconds: String(7 * 24 * 3600 + 1) })).toMatch(/^timeoutSeconds:/);
    expect(toCreateInput("e", { ...valid, timeoutSeconds: "900" }).timeoutSeconds).toBe(900);
  });

  it("sends no zone without a schedule, and an outcome only with a job to follow", () => {
    const manual = toCreateInput("e", { ...valid, cron: "", timezone: "", afterOutcome: "FAILURE" });
    expect(manual).toMatchObject({ cron: null, timezone: null, afterJobId: null, afterOutcome: null });
    expect(toCreateInput("e", { ...valid, afterJobId: "job-2", afterOutcome: "FAILURE" })).toMatchObject({ afterJobId: "job-2", afterOutcome: "FAILURE" });
  });

  it("clears on save what the edit emptied, and keeps what it did not", () => {
    expect(toUpdateInput("j", { ...valid, cron: "", timezone: "" })).toMatchObject({ jobId: "j", clearSchedule: true, cron: null, timezone: null, clearAfter: true });
    expect(toUpdateInput("j", { ...valid, afterJobId: "k" })).toMatchObject({ clearSchedule: false, clearAfter: false, afterJobId: "k" });
  });

  it("shows a saved job in the form as it was defined, and its schedule in words", () => {
    const job = {
      name: "report",
      steps: [{ commandLine: "test" }],
      cron: null,
      timezone: null,
      afterJob: { id: "j1", name: "nightly" },
      afterOutcome: "ALWAYS" as const,
      overlap: "QUEUE" as const,
      misfire: "SKIP" as const,
      timeoutSeconds: 3600,
    };
    expect(formValuesOf(job)).toEqual({ name: "report", steps: "test", cron: "", timezone: "UTC", afterJobId: "j1", afterOutcome: "ALWAYS", overlap: "QUEUE", misfire: "SKIP", timeoutSeconds: "3600" });
    expect(scheduleText(job)).toBe("after nightly on always");
    expect(scheduleText({ cron: "30 2 * * *", timezone: "Europe/Berlin" })).toBe("30 2 * * * (Europe/Berlin)");
    expect(scheduleText({})).toBe("manual");
  });
});
