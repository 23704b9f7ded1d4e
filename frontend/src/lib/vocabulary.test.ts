import { describe, expect, it } from "vitest";
import { resourceTypeWord, statusWord } from "./vocabulary";

describe("statusWord", () => {
  it("reads an enum member and dbt's word alike", () => {
    expect(statusWord("RUNTIME_ERROR")).toBe("runtime error");
    expect(statusWord("runtime error")).toBe("runtime error");
    expect(statusWord("NO_OP")).toBe("no-op");
    expect(statusWord("NOT_RUN")).toBe("not_run");
    expect(statusWord("SUCCESS")).toBe(statusWord("success"));
    expect(statusWord("AWAITING_APPROVAL")).toBe("awaiting_approval");
  });

  it("shows the stored text of a status the server does not know", () => {
    expect(statusWord("UNKNOWN", "sparkled")).toBe("sparkled");
    expect(statusWord("UNKNOWN")).toBe("unknown");
    expect(statusWord(null)).toBe("");
  });
});

describe("resource types", () => {
  it("reads a member and a word alike, and keeps an unknown type's text", () => {
    expect(resourceTypeWord("SEMANTIC_MODEL")).toBe("semantic_model");
    expect(resourceTypeWord("semantic_model")).toBe("semantic_model");
    expect(resourceTypeWord("UNKNOWN", "future_kind")).toBe("future_kind");
  });
});
