import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { currentSession, signedOutReason, storeSession, type Session } from "./auth";
import { accessToken, isTransient, lifetimeOf } from "./session";

// The issuer's side (oidc-client-ts) is lib/oidc.ts: here a renewal that stores a new token, or is refused.
const renewOidc = vi.fn();
vi.mock("./oidc", () => ({ renewOidc: () => renewOidc(), signOutOidc: vi.fn() }));

const START = Date.UTC(2026, 0, 1, 9, 0, 0);

function oidcSession(token: string, lifetimeMs: number): Session {
  return {
    token,
    expiresAt: new Date(Date.now() + lifetimeMs).toISOString(),
    issuedAt: new Date(Date.now()).toISOString(),
    mustChangePassword: false,
    kind: "oidc",
    oidc: { issuer: "https://login.example.com/realms/dvt", clientId: "dvt-spa" },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
  localStorage.clear();
  sessionStorage.clear();
  renewOidc.mockReset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("accessToken", () => {
  it("is a local account's token as it is", async () => {
    storeSession({ token: "local", expiresAt: null, mustChangePassword: false, kind: "local" });
    expect(await accessToken()).toBe("local");
    expect(renewOidc).not.toHaveBeenCalled();
  });

  it("is the OIDC token as it is while it is not due", async () => {
    storeSession(oidcSession("first", 15 * 60_000));
    expect(await accessToken()).toBe("first");
    expect(renewOidc).not.toHaveBeenCalled();
  });

  it("waits for the renewal of a token that ended while the tab slept, and gives the new one", async () => {
    storeSession(oidcSession("first", 15 * 60_000));
    vi.setSystemTime(START + 20 * 60_000);
    expect(currentSession()?.token).toBe("first"); // an OIDC session outlives its access token
    renewOidc.mockImplementation(async () => {
      const renewed = oidcSession("second", 15 * 60_000);
      storeSession(renewed);
      return lifetimeOf(renewed);
    });
    expect(await accessToken()).toBe("second");
    expect(renewOidc).toHaveBeenCalledTimes(1);
  });

  it("signs out with the reason when the provider refuses the renewal", async () => {
    storeSession(oidcSession("first", 15 * 60_000));
    vi.setSystemTime(START + 20 * 60_000);
    renewOidc.mockRejectedValue(Object.assign(new Error("Session not active"), { name: "ErrorResponse" }));
    await expect(accessToken()).rejects.toThrow("Session not active");
    expect(currentSession()).toBeNull();
    expect(signedOutReason()).toBe("Your session ended: the identity provider did not renew it (Session not active). Sign in again.");
  });
});

describe("isTransient", () => {
  it("tries again after network failures and timeouts, never after the provider's refusal", () => {
    expect(isTransient(new TypeError("Failed to fetch"))).toBe(true);
    expect(isTransient(Object.assign(new Error("timed out"), { name: "ErrorTimeout" }))).toBe(true);
    expect(isTransient(Object.assign(new Error("invalid_grant"), { name: "ErrorResponse" }))).toBe(false);
    expect(isTransient("nope")).toBe(false);
  });
});
