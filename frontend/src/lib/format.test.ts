import { describe, expect, it } from "vitest";
import { money } from "./format";

describe("money", () => {
  it("writes a cost in its environment's currency", () => {
    expect(money(12.5, "EUR")).toBe(new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR" }).format(12.5));
    expect(money(12.5, "EUR")).toMatch(/€/);
    expect(money(3, "USD")).toMatch(/\$/);
  });

  it("keeps two significant digits of a sub-cent cost instead of rounding it to zero", () => {
    expect(money(0.000123, "USD")).toMatch(/0\.00012/);
  });

  it("shows the number and the code for a currency Intl does not know, and a dash for no cost", () => {
    expect(money(2, "CREDITS")).toBe("2.00 CREDITS");
    expect(money(null, "USD")).toBe("—");
  });
});
