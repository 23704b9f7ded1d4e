import { describe, expect, it } from "vitest";
import { environmentSchema, grantSchema, numberOrNull, planningSchema, projectSchema, tokenSchema } from "./forms";

const first = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message;

describe("settings forms", () => {
  it("take slugs as DVT does, and refuse others with the rule", () => {
    expect(projectSchema.safeParse({ slug: "shop-2", repository: "x", subdirectory: "", organization: "default" }).success).toBe(true);
    expect(first(projectSchema.safeParse({ slug: "Shop 2", repository: "x", subdirectory: "", organization: "default" }))).toMatch(/lowercase/);
    expect(first(projectSchema.safeParse({ slug: "shop", repository: " ", subdirectory: "", organization: "default" }))).toMatch(/git URL/);
  });

  it("take environment settings only as a JSON object", () => {
    const env = { project: "shop", slug: "dev", adapter: "duckdb", gitRef: "HEAD" };
    expect(environmentSchema.safeParse({ ...env, settings: '{"path": "x.duckdb"}' }).success).toBe(true);
    expect(environmentSchema.safeParse({ ...env, settings: "" }).success).toBe(true);
    expect(first(environmentSchema.safeParse({ ...env, settings: "[1]" }))).toMatch(/JSON object/);
    expect(environmentSchema.safeParse({ ...env, settings: "", adapter: "oracle" }).success).toBe(false);
  });

  it("take principals and scopes in DVT's grammar", () => {
    expect(grantSchema.safeParse({ principal: "group:analysts", role: "viewer", scope: "/o/default/p/shop/e/dev" }).success).toBe(true);
    expect(grantSchema.safeParse({ principal: "token:1", role: "admin", scope: "/" }).success).toBe(true);
    expect(first(grantSchema.safeParse({ principal: "analysts", role: "viewer", scope: "/" }))).toMatch(/group:NAME/);
    expect(first(grantSchema.safeParse({ principal: "user:a", role: "viewer", scope: "/p/shop" }))).toMatch(/\/o\/ORG/);
    expect(tokenSchema.safeParse({ name: "", role: "viewer" }).success).toBe(false);
  });

  it("leave numbers empty for none, refuse negatives and fractions of runs", () => {
    const base = { manualApproval: true, approvalRole: "admin", pricePerComputeHour: "", monthlyCostBudget: "", maxConcurrentRuns: "" };
    expect(planningSchema.safeParse(base).success).toBe(true);
    expect(first(planningSchema.safeParse({ ...base, monthlyCostBudget: "-3" }))).toMatch(/0 or more/);
    expect(first(planningSchema.safeParse({ ...base, maxConcurrentRuns: "1.5" }))).toMatch(/whole number/);
    expect(numberOrNull(" ")).toBeNull();
    expect(numberOrNull("2.5")).toBe(2.5);
  });
});
