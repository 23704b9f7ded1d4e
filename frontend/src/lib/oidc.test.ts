import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { challengeOf, randomVerifier } from "./oidc";

describe("PKCE", () => {
  it("derives the S256 challenge: base64url(sha256(verifier)), unpadded", async () => {
    const verifier = randomVerifier();
    const expected = createHash("sha256").update(verifier).digest("base64url");
    expect(await challengeOf(verifier)).toBe(expected);
    expect(expected).not.toContain("=");
  });

  it("makes unguessable verifiers of the allowed alphabet and length", () => {
    const a = randomVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomVerifier()).not.toBe(a);
  });
});
