// Build a plan: dbt selection, excludes, a YAML selector, full refresh and vars (JSON), checked by zod.
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";

// dbt's grammar: whitespace separates a union's items, a comma joins criteria into an intersection.
const words = (text: string) => text.split(/\s+/).filter(Boolean);

export const planFormSchema = z.object({
  select: z.string(),
  exclude: z.string(),
  selector: z.string().trim(),
  // git's own rules are checked by the server; here only what can never be a ref (spaces, a leading dash).
  ref: z.string().trim().refine((text) => !/\s/.test(text) && !text.startsWith("-"), {
    message: "a branch, tag or commit sha: no spaces, not starting with -",
  }),
  fullRefresh: z.boolean(),
  vars: z.string().refine(
    (text) => {
      if (!text.trim()) return true;
      try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
      } catch {
        return false;
      }
    },
    { message: 'vars must be a JSON object, e.g. {"start_date": "2026-01-01"}' },
  ),
});

export type PlanFormValues = z.infer<typeof planFormSchema>;

export interface PlanRequestInput {
  select: string[] | null;
  exclude: string[] | null;
  selector: string | null;
  ref: string | null;
  fullRefresh: boolean;
  vars: Record<string, unknown> | null;
}

/** The form's text as the API's CreatePlanInput fields. */
export function toPlanRequest(values: PlanFormValues): PlanRequestInput {
  const select = words(values.select);
  const exclude = words(values.exclude);
  return {
    select: select.length ? select : null,
    exclude: exclude.length ? exclude : null,
    selector: values.selector || null,
    ref: values.ref.trim() || null,
    fullRefresh: values.fullRefresh,
    vars: values.vars.trim() ? (JSON.parse(values.vars) as Record<string, unknown>) : null,
  };
}

export function PlanForm({ onSubmit, disabled }: { onSubmit: (request: PlanRequestInput) => Promise<void>; disabled: boolean }) {
  const form = useForm<PlanFormValues>({
    resolver: zodResolver(planFormSchema),
    defaultValues: { select: "", exclude: "", selector: "", ref: "", fullRefresh: false, vars: "" },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form className="plan-form" onSubmit={form.handleSubmit((values) => onSubmit(toPlanRequest(values)))} noValidate>
      <label>
        Select
        <input {...form.register("select")} placeholder="e.g. state:modified+ tag:daily (empty: everything)" />
      </label>
      <label>
        Exclude
        <input {...form.register("exclude")} placeholder="e.g. tag:slow" />
      </label>
      <label>
        Selector
        <input {...form.register("selector")} placeholder="a YAML selector of the project" />
      </label>
      <label>
        Git ref
        <input {...form.register("ref")} placeholder="a branch, tag or sha to plan (empty: the current graph)" />
        {errors.ref && <span className="field-error">{errors.ref.message}</span>}
      </label>
      <label className="inline">
        <input type="checkbox" {...form.register("fullRefresh")} /> Full refresh
      </label>
      <label>
        Vars (JSON)
        <textarea {...form.register("vars")} rows={2} placeholder='{"start_date": "2026-01-01"}' />
        {errors.vars && <span className="field-error">{errors.vars.message}</span>}
      </label>
      <button type="submit" disabled={disabled || isSubmitting}>
        {isSubmitting ? "Planning…" : "Plan"}
      </button>
    </form>
  );
}
