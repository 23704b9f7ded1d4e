import { describe, expect, it } from "vitest";
import { progressOf, progressText } from "./progress";

const planned = new Map([
  ["model.a", 10_000],
  ["model.b", 4_000],
  ["model.c", 6_000],
  ["model.eph", 1_000],
]);
const NOW = 1_000_000;

describe("a run's progress", () => {
  it("counts the plan's nodes, none finished, and adds up every estimate before anything starts", () => {
    expect(progressOf(planned, new Map([["model.eph", "ephemeral"]]), new Map(), NOW)).toEqual({ finished: 0, total: 3, etaSeconds: 20 });
  });

  it("counts any ended status as finished (failures and skips too) and leaves their estimates out", () => {
    const statuses = new Map([
      ["model.a", "success"],
      ["model.b", "error"],
      ["model.eph", "ephemeral"],
    ]);
    expect(progressOf(planned, statuses, new Map(), NOW)).toEqual({ finished: 2, total: 3, etaSeconds: 6 });
  });

  it("takes a running node's elapsed time off its estimate, never below nothing", () => {
    const statuses = new Map([
      ["model.a", "running"],
      ["model.b", "running"],
    ]);
    const started = new Map([
      ["model.a", NOW - 3_000],
      ["model.b", NOW - 9_000], // past its 4 s estimate
    ]);
    // a: 7 s left, b: 0, c: 6 s, eph (status unknown so far): 1 s.
    expect(progressOf(planned, statuses, started, NOW)).toEqual({ finished: 0, total: 4, etaSeconds: 14 });
  });

  it("ignores nodes outside the plan's running set (dbt's extra rows, skipped items)", () => {
    const statuses = new Map([
      ["exposure.x", "skipped"],
      ["model.a", "success"],
    ]);
    expect(progressOf(new Map([["model.a", 10]]), statuses, new Map(), NOW)).toEqual({ finished: 1, total: 1, etaSeconds: 0 });
  });

  it("once the run's nodes are known, waits only for the planned ones it was given", () => {
    const dispatched = new Set(["model.a", "model.c", "exposure.x"]);
    const statuses = new Map([["model.a", "success"]]);
    expect(progressOf(planned, statuses, new Map(), NOW, dispatched)).toEqual({ finished: 1, total: 2, etaSeconds: 6 });
  });

  it("has no ETA without estimates, and says it in words", () => {
    expect(progressOf(new Map(), new Map(), new Map(), NOW)).toEqual({ finished: 0, total: 0, etaSeconds: null });
    const seconds = (s: number) => `${s} s`;
    expect(progressText({ finished: 1, total: 3, etaSeconds: 12 }, seconds)).toBe("1 of 3 nodes · about 12 s left by the plan's p50 estimates");
    expect(progressText({ finished: 3, total: 3, etaSeconds: 0 }, seconds)).toBe("3 of 3 nodes");
    expect(progressText({ finished: 0, total: 1, etaSeconds: null }, seconds)).toBe("0 of 1 node");
  });
});
