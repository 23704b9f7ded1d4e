import { describe, expect, it } from "vitest";
import { stepLine } from "./steps";

describe("a plan's steps", () => {
  it("reads as the dbt command line each step stands for", () => {
    expect(stepLine("seed", { select: [], exclude: [] })).toBe("dbt seed");
    expect(stepLine("run", { select: ["tag:daily", "stg_orders+"], exclude: ["tag:slow"], full_refresh: true })).toBe(
      "dbt run -s tag:daily stg_orders+ --exclude tag:slow --full-refresh",
    );
    expect(stepLine("build", { selector: "nightly", select: [] })).toBe("dbt build --selector nightly");
  });
});
