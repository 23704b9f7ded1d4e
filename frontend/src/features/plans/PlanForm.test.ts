import { describe, expect, it } from "vitest";
import { planFormSchema, toPlanRequest } from "./PlanForm";

const blank = { select: "", exclude: "", selector: "", ref: "", fullRefresh: false, vars: "" };

describe("the plan form", () => {
  it("turns selection text into dbt's lists, empty into nothing; a comma is an intersection", () => {
    expect(toPlanRequest({ ...blank, select: "stg_orders+  tag:daily,fct_orders", exclude: " " })).toEqual({
      select: ["stg_orders+", "tag:daily,fct_orders"],
      exclude: null,
      selector: null,
      ref: null,
      fullRefresh: false,
      vars: null,
    });
  });

  it("plans a git ref when one is given, and refuses what cannot be one", () => {
    expect(toPlanRequest({ ...blank, ref: " feature/x " })).toMatchObject({ ref: "feature/x" });
    for (const ref of ["two words", "--upload-pack=x"]) {
      const parsed = planFormSchema.safeParse({ ...blank, ref });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/branch, tag or commit/);
    }
  });

  it("accepts vars only as a JSON object", () => {
    expect(planFormSchema.safeParse({ ...blank, vars: '{"a": 1}' }).success).toBe(true);
    for (const vars of ["[1]", "3", "{oops", "null"]) {
      const parsed = planFormSchema.safeParse({ ...blank, vars });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/JSON object/);
    }
    expect(toPlanRequest({ ...blank, vars: '{"a": 1}', fullRefresh: true })).toMatchObject({ vars: { a: 1 }, fullRefresh: true });
  });
});
