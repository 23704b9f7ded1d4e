// When and how an OIDC session renews its access token (the issuer's refresh_token grant, lib/oidc.ts):
// a minute before the token ends, or for a short-lived token when a third of its life is left; again at
// once when the page wakes up past that moment (timers sleep in background tabs and suspended laptops).
// One renewal at a time. Network trouble is tried again (2 s, 4 s, ... 30 s) while the token lives, and at
// least `TRANSIENT_TRIES` times (a laptop waking up past the token's end may not have its network yet);
// an answer refusing the refresh token ends the session (`onFailed`) at once, and so does trouble after that.

export interface Lifetime {
  issuedAt: number; // ms since the epoch
  expiresAt: number;
}

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const MAX_LEAD_MS = 60_000;
export const FIRST_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 30_000;
export const TRANSIENT_TRIES = 4;

/** The moment (ms) a token living from `issuedAt` to `expiresAt` is renewed. */
export function renewalDue({ issuedAt, expiresAt }: Lifetime): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  return expiresAt - Math.min(MAX_LEAD_MS, lifetime / 3);
}

export interface RenewalOptions {
  /** Trades the refresh token for a new access token; resolves to the new token's lifetime. */
  renew: () => Promise<Lifetime>;
  /** The session cannot be renewed: sign out, saying why. Called once; nothing is scheduled after it. */
  onFailed: (error: unknown) => void;
  /** Whether an error is worth another try (network trouble, a timeout), not a refusal. */
  isTransient: (error: unknown) => boolean;
  clock?: Clock;
}

export class SessionRenewal {
  private readonly clock: Clock;
  private timer: unknown = null;
  private lifetime: Lifetime | null = null;
  private inFlight: Promise<Lifetime> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private failures = 0; // transient failures in a row
  private stopped = false;

  constructor(private readonly options: RenewalOptions) {
    this.clock = options.clock ?? realClock;
  }

  /** Plan the renewal of a token with this lifetime (replacing any plan). */
  schedule(lifetime: Lifetime): void {
    this.stopped = false;
    this.lifetime = lifetime;
    this.retryMs = FIRST_RETRY_MS;
    this.failures = 0;
    this.arm(Math.max(0, renewalDue(lifetime) - this.clock.now()));
  }

  /** The page is visible or online again: renew now if the moment has passed while timers slept. */
  wake(): void {
    if (!this.stopped && this.lifetime && this.clock.now() >= renewalDue(this.lifetime)) void this.renewNow().catch(() => undefined);
  }

  /** Whether the current token is past its renewal moment (a request should wait for `renewNow`). */
  isDue(): boolean {
    return this.lifetime !== null && this.clock.now() >= renewalDue(this.lifetime);
  }

  /** Renew now; every caller during a renewal gets the same one. */
  renewNow(): Promise<Lifetime> {
    if (this.stopped) return Promise.reject(new Error("the session has ended"));
    this.inFlight ??= this.attempt().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    this.lifetime = null;
    this.disarm();
  }

  private async attempt(): Promise<Lifetime> {
    this.disarm();
    try {
      const renewed = await this.options.renew();
      if (!this.stopped) this.schedule(renewed);
      return renewed;
    } catch (error) {
      if (this.stopped) throw error;
      const expiresAt = this.lifetime?.expiresAt ?? 0;
      this.failures += 1;
      const lives = this.clock.now() + this.retryMs < expiresAt;
      if (this.options.isTransient(error) && (lives || this.failures < TRANSIENT_TRIES)) {
        this.arm(this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      } else {
        this.stop();
        this.options.onFailed(error);
      }
      throw error;
    }
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.renewNow().catch(() => undefined); // failures are handled in attempt()
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
