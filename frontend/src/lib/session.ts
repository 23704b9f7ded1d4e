// Keeping the session alive: an OIDC session renews its access token before it ends (lib/renewal.ts decides
// when, lib/oidc.ts trades the refresh token); a local account's token lives its 12 hours and is not renewed.
// Every request asks `accessToken()` for the token, which waits for a renewal when the token is due.
// The OIDC client library loads only for OIDC sessions (a dynamic import of lib/oidc.ts).
import { currentSession, signOut, type Session } from "./auth";
import { SessionRenewal, type Lifetime } from "./renewal";

const RENEWAL_FAILED = "Your session ended: the identity provider did not renew it";

/** The lifetime of an OIDC session's token, if it has one. */
export function lifetimeOf(session: Session | null): Lifetime | null {
  if (session?.kind !== "oidc" || !session.expiresAt || !session.issuedAt) return null;
  return { issuedAt: Date.parse(session.issuedAt), expiresAt: Date.parse(session.expiresAt) };
}

/** Network trouble (worth another try), as against the issuer refusing the refresh token (oidc-client-ts's
 * ErrorResponse: invalid_grant and the like, the session is over). */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "ErrorTimeout" || error instanceof TypeError; // timed out, or fetch failed
}

const renewal = new SessionRenewal({
  renew: async () => (await import("./oidc")).renewOidc(),
  isTransient,
  onFailed: (error) => {
    const why = error instanceof Error && error.message ? ` (${error.message})` : "";
    signOut(`${RENEWAL_FAILED}${why}. Sign in again.`);
  },
});

let keeping = false;

function follow(): void {
  const lifetime = lifetimeOf(currentSession());
  if (lifetime) renewal.schedule(lifetime);
  else renewal.stop();
}

/** Start keeping the session (once, at start-up): renewals follow the stored session, whichever tab wrote it. */
export function keepSession(): void {
  if (keeping) return;
  keeping = true;
  follow();
  window.addEventListener("dvt:session", follow);
  window.addEventListener("storage", (event) => {
    if (event.key === null || event.key === "dvt.token") follow();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") renewal.wake();
  });
  window.addEventListener("online", () => renewal.wake());
}

/** The bearer token to send now: renewed first when it is due (or has ended while the tab slept). */
export async function accessToken(): Promise<string | null> {
  const session = currentSession();
  if (!session) return null;
  if (session.kind === "oidc") {
    const lifetime = lifetimeOf(session);
    if (lifetime) {
      if (!keeping) follow(); // a caller before keepSession() ran (tests, early prefetches)
      if (renewal.isDue()) {
        await renewal.renewNow();
        return currentSession()?.token ?? null;
      }
    }
  }
  return session.token;
}

/** Sign out: of DVT, and of the identity provider when signed in through it (this navigates there). */
export async function endSession(session: Session | null = currentSession()): Promise<void> {
  renewal.stop();
  if (!session) return;
  if (session.kind !== "oidc") {
    signOut();
    return;
  }
  try {
    await (await import("./oidc")).signOutOidc(session);
  } catch {
    signOut(); // the provider could not be reached: at least DVT forgets the session
  }
}
