import { describe, expect, it } from "vitest";
import { planItemsOf } from "./api";

describe("a plan's items from its item summaries", () => {
  it("reads each item as the server summarised it", () => {
    const summaries = [
      { uniqueId: "model.shop.orders", resourceType: "model", action: "RUN", wave: 2, why: "selected by state:modified+", p50Cost: 2.5, p50Ms: 1500, confidence: "history" },
    ];
    const [item] = planItemsOf(summaries);
    expect(item?.uniqueId).toBe("model.shop.orders");
    expect(item?.wave).toBe(2);
    expect(item?.p50Cost).toBe(2.5);
    expect(item?.why).toBe("selected by state:modified+");
  });

  it("reads no items from a plan without any", () => {
    expect(planItemsOf(null)).toEqual([]);
    expect(planItemsOf({})).toEqual([]);
  });
});
