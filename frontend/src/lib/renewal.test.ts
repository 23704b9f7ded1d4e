import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FIRST_RETRY_MS, MAX_LEAD_MS, SessionRenewal, TRANSIENT_TRIES, renewalDue, type Lifetime } from "./renewal";

const START = Date.UTC(2026, 0, 1, 9, 0, 0);
const MINUTE = 60_000;

class Refused extends Error {}
class Offline extends Error {}

/** A token issued now living `ms`. */
function token(ms: number): Lifetime {
  return { issuedAt: Date.now(), expiresAt: Date.now() + ms };
}

function renewalWith(renew: () => Promise<Lifetime>) {
  const onFailed = vi.fn();
  const renewal = new SessionRenewal({ renew, onFailed, isTransient: (e) => e instanceof Offline });
  return { renewal, onFailed };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("renewalDue", () => {
  it("is a minute before the end of a 15-minute token (Keycloak's default here)", () => {
    expect(renewalDue({ issuedAt: START, expiresAt: START + 15 * MINUTE })).toBe(START + 14 * MINUTE);
  });

  it("leaves a third of a short token's life, never a whole minute", () => {
    expect(renewalDue({ issuedAt: START, expiresAt: START + 9_000 })).toBe(START + 6_000);
    expect(MAX_LEAD_MS).toBe(MINUTE);
  });

  it("is the end itself for a token with no life left", () => {
    expect(renewalDue({ issuedAt: START, expiresAt: START })).toBe(START);
  });
});

describe("SessionRenewal", () => {
  it("renews a minute before the token ends, not sooner", async () => {
    const renew = vi.fn(async () => token(15 * MINUTE));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(14 * MINUTE - 1);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it("plans the next renewal from the renewed token's lifetime", async () => {
    const renew = vi.fn(async () => token(10 * MINUTE));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(14 * MINUTE); // the first renewal: the new token lives 10 minutes
    await vi.advanceTimersByTimeAsync(9 * MINUTE - 1);
    expect(renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it("replaces the plan when the session changes (another tab renewed)", async () => {
    const renew = vi.fn(async () => token(15 * MINUTE));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    renewal.schedule(token(15 * MINUTE)); // a fresh token from elsewhere
    await vi.advanceTimersByTimeAsync(13 * MINUTE);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it("gives every caller during a renewal the same one", async () => {
    let finish: (lifetime: Lifetime) => void = () => undefined;
    const renew = vi.fn(() => new Promise<Lifetime>((resolve) => (finish = resolve)));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    const first = renewal.renewNow();
    const second = renewal.renewNow();
    const renewed = token(15 * MINUTE);
    finish(renewed);
    expect(await first).toBe(renewed);
    expect(await second).toBe(renewed);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it("says a token is due once its moment has come, so requests wait for the renewal", async () => {
    const { renewal } = renewalWith(async () => token(15 * MINUTE));
    renewal.schedule(token(3 * MINUTE));
    expect(renewal.isDue()).toBe(false);
    vi.setSystemTime(START + 2 * MINUTE); // the clock moved but no timer ran: a sleeping tab
    expect(renewal.isDue()).toBe(true);
  });

  it("renews at once when the page wakes up past the moment its timer slept through", async () => {
    const renew = vi.fn(async () => token(15 * MINUTE));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    renewal.wake();
    expect(renew).not.toHaveBeenCalled(); // not due yet: nothing happens
    vi.setSystemTime(START + 14 * MINUTE + 30_000);
    renewal.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it("ends the session at once when the issuer refuses the refresh token", async () => {
    const refused = new Refused("invalid_grant");
    const renew = vi.fn(async (): Promise<Lifetime> => {
      throw refused;
    });
    const { renewal, onFailed } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(14 * MINUTE);
    expect(onFailed).toHaveBeenCalledExactlyOnceWith(refused);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(renew).toHaveBeenCalledTimes(1); // nothing more was tried
    await expect(renewal.renewNow()).rejects.toThrow("the session has ended");
  });

  it("tries again after network trouble, waiting longer each time, while the token lives", async () => {
    const renew = vi
      .fn<() => Promise<Lifetime>>()
      .mockRejectedValueOnce(new Offline("fetch failed"))
      .mockRejectedValueOnce(new Offline("fetch failed"))
      .mockImplementation(async () => token(15 * MINUTE));
    const { renewal, onFailed } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(14 * MINUTE);
    expect(renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(FIRST_RETRY_MS);
    expect(renew).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2 * FIRST_RETRY_MS - 1);
    expect(renew).toHaveBeenCalledTimes(2); // the second wait is twice the first
    await vi.advanceTimersByTimeAsync(1);
    expect(renew).toHaveBeenCalledTimes(3);
    expect(onFailed).not.toHaveBeenCalled();
  });

  it("ends the session when the network stays away past the token's end", async () => {
    const renew = vi.fn(async (): Promise<Lifetime> => {
      throw new Offline("fetch failed");
    });
    const { renewal, onFailed } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    await vi.advanceTimersByTimeAsync(16 * MINUTE);
    expect(onFailed).toHaveBeenCalledTimes(1);
    const tries = renew.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(renew.mock.calls.length).toBe(tries);
  });

  it("still tries a few times when it wakes up after the token ended (the network may come back)", async () => {
    const renew = vi
      .fn<() => Promise<Lifetime>>()
      .mockRejectedValueOnce(new Offline("fetch failed"))
      .mockImplementation(async () => token(15 * MINUTE));
    const { renewal, onFailed } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    vi.setSystemTime(START + 60 * MINUTE); // a laptop lid closed for an hour
    renewal.wake();
    await vi.advanceTimersByTimeAsync(FIRST_RETRY_MS);
    expect(renew).toHaveBeenCalledTimes(2);
    expect(onFailed).not.toHaveBeenCalled();
  });

  it("gives up after that many tries past the token's end", async () => {
    const renew = vi.fn(async (): Promise<Lifetime> => {
      throw new Offline("fetch failed");
    });
    const { renewal, onFailed } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    vi.setSystemTime(START + 60 * MINUTE);
    renewal.wake();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(renew).toHaveBeenCalledTimes(TRANSIENT_TRIES);
    expect(onFailed).toHaveBeenCalledTimes(1);
  });

  it("plans nothing more once stopped (signed out)", async () => {
    const renew = vi.fn(async () => token(15 * MINUTE));
    const { renewal } = renewalWith(renew);
    renewal.schedule(token(15 * MINUTE));
    renewal.stop();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(renew).not.toHaveBeenCalled();
    expect(renewal.isDue()).toBe(false);
  });
});
