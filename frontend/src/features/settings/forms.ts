// The settings forms' rules (zod), kept apart from the components so they are tested on their own.
import { z } from "zod";

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, starting with a letter or digit");

export const projectSchema = z.object({
  slug,
  repository: z.string().trim().min(1, "a git URL or a local path"),
  subdirectory: z.string().trim(),
  organization: slug,
});

export const environmentSchema = z.object({
  project: slug,
  slug,
  adapter: z.enum(["duckdb", "postgres", "snowflake"]),
  gitRef: z.string().trim().min(1, "a branch, tag or sha (HEAD for the default branch)"),
  settings: z.string().refine((text) => !text.trim() || isObject(text), "settings must be a JSON object"),
});

export const grantSchema = z.object({
  principal: z.string().trim().regex(/^(user|group|token):.+$/, "user:SUBJECT, group:NAME or token:ID"),
  role: z.enum(["viewer", "editor", "admin"]),
  scope: z.string().trim().regex(/^\/(o\/[^/]+(\/p\/[^/]+(\/e\/[^/]+)?)?)?$/, "/, /o/ORG, /o/ORG/p/PROJECT or /o/ORG/p/PROJECT/e/ENV (by ids)"),
});

export const tokenSchema = z.object({
  name: z.string().trim().min(1, "a name says what uses it").max(200),
  role: z.enum(["viewer", "editor", "admin"]),
});

const optionalNumber = z
  .string()
  .trim()
  .refine((text) => !text || (Number.isFinite(Number(text)) && Number(text) >= 0), "a number, 0 or more (empty: none)");

export const planningSchema = z.object({
  manualApproval: z.boolean(),
  approvalRole: z.enum(["editor", "admin"]),
  pricePerComputeHour: optionalNumber,
  monthlyCostBudget: optionalNumber,
  maxConcurrentRuns: z
    .string()
    .trim()
    .refine((text) => !text || (Number.isInteger(Number(text)) && Number(text) >= 1), "a whole number, 1 or more (empty: no limit)"),
});

function isObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

export const numberOrNull = (text: string): number | null => (text.trim() ? Number(text) : null);

export const secretSchema = z.object({
  name: z.string().trim().regex(/^[A-Z][A-Z0-9_]{0,62}$/, "upper snake case, e.g. WAREHOUSE_PASSWORD"),
  value: z.string().min(1, "the value is required"),
});
