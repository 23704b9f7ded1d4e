// OIDC sign-in for a browser app through oidc-client-ts (docs/decisions/0013-spa-oidc-client.md): the
// authorization code flow with PKCE (RFC 7636, a public client: no secret), renewal with the issuer's refresh
// token, and RP-initiated logout at the issuer's end_session_endpoint. When to renew is DVT's own schedule
// (lib/renewal.ts, driven by lib/session.ts); the library's automatic renewal and session monitor are off.
//
// Where things are kept: the pending sign-in (state, PKCE verifier, nonce) in sessionStorage, so a callback
// is only good in the tab that started it; the signed-in user (access, refresh and ID tokens) in localStorage
// beside DVT's session (lib/auth.ts), so a reload or another tab stays signed in, as with local accounts.
//
// Loaded only when OIDC is used (import("./oidc")): a server with local accounts never downloads the library.
import { ErrorResponse, UserManager, WebStorageStateStore, type User } from "oidc-client-ts";
import { OIDC_STORE_PREFIX, currentSession, signOut, storeSession, type AuthConfig, type Session } from "./auth";
import type { Lifetime } from "./renewal";
import { lifetimeOf } from "./session";

const managers = new Map<string, UserManager>();

export function managerFor(issuer: string, clientId: string): UserManager {
  const key = `${issuer} ${clientId}`;
  let manager = managers.get(key);
  if (!manager) {
    manager = new UserManager({
      authority: issuer,
      client_id: clientId,
      redirect_uri: `${location.origin}/oidc/callback`,
      post_logout_redirect_uri: `${location.origin}/login`,
      response_type: "code",
      scope: "openid profile email",
      automaticSilentRenew: false, // lib/session.ts renews on DVT's schedule, one tab at a time
      monitorSession: false, // it would frame the issuer's check-session page: the CSP allows no frames
      loadUserInfo: false, // DVT reads who the user is from the access token
      userStore: new WebStorageStateStore({ store: localStorage, prefix: OIDC_STORE_PREFIX }),
      stateStore: new WebStorageStateStore({ store: sessionStorage, prefix: `${OIDC_STORE_PREFIX}pending.` }),
    });
    managers.set(key, manager);
  }
  return manager;
}

function sessionOf(user: User, issuer: string, clientId: string): Session {
  const issuedAt = Date.now();
  const seconds = user.expires_in ?? 0;
  return {
    token: user.access_token,
    expiresAt: seconds > 0 ? new Date(issuedAt + seconds * 1000).toISOString() : null,
    mustChangePassword: false,
    kind: "oidc",
    issuedAt: new Date(issuedAt).toISOString(),
    oidc: { issuer, clientId },
  };
}

export async function beginOidc(config: AuthConfig, next: string): Promise<void> {
  if (!config.oidc_issuer || !config.oidc_client_id) throw new Error("OIDC is not configured on this server");
  // oidc-client-ts sends a nonce only when given one; the ID token must then carry it back.
  const bytes = String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24)));
  const nonce = btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_"); // 32 characters of base64url
  await managerFor(config.oidc_issuer, config.oidc_client_id).signinRedirect({ state: { next }, nonce });
}

/** Back from the provider: check the state, trade the code and verifier for tokens, keep the session. */
export async function completeOidc(config: AuthConfig): Promise<{ session: Session; next: string }> {
  if (!config.oidc_issuer || !config.oidc_client_id) throw new Error("OIDC is not configured on this server");
  const manager = managerFor(config.oidc_issuer, config.oidc_client_id);
  let user: User;
  try {
    user = await manager.signinRedirectCallback();
  } catch (error) {
    throw new Error(explainCallback(error));
  }
  // DVT verifies the access token's signature, issuer and audience on every request.
  if (!user.access_token) throw new Error("the identity provider sent no token");
  const session = sessionOf(user, config.oidc_issuer, config.oidc_client_id);
  storeSession(session);
  const next = (user.state as { next?: string } | undefined)?.next;
  return { session, next: next?.startsWith("/") && !next.startsWith("//") ? next : "/" };
}

function explainCallback(error: unknown): string {
  if (error instanceof ErrorResponse) return `the identity provider refused: ${error.error_description ?? error.error}`;
  const message = error instanceof Error ? error.message : String(error);
  if (/no matching state|no state in response/i.test(message)) return "no sign-in was started from this tab: start again";
  return `the sign-in could not be completed (${message}): start again`;
}

/** Trade the refresh token for a new access token, unless another tab did while this one waited. */
export async function renewOidc(): Promise<Lifetime> {
  return withLock("dvt.oidc.renewal", async () => {
    const session = currentSession();
    if (session?.kind !== "oidc" || !session.oidc) throw new Error("no OIDC session to renew");
    const lifetime = lifetimeOf(session);
    if (lifetime && Date.now() < renewalThreshold(lifetime)) return lifetime; // renewed by another tab
    const { issuer, clientId } = session.oidc;
    const manager = managerFor(issuer, clientId);
    const user = await manager.signinSilent();
    if (currentSession() === null) {
      await manager.removeUser(); // signed out (here or in another tab) while the renewal was on its way
      throw new Error("signed out during the renewal");
    }
    if (!user?.access_token) throw new Error("the identity provider sent no token");
    const renewed = sessionOf(user, issuer, clientId);
    storeSession(renewed);
    return lifetimeOf(renewed)!;
  });
}

// Within the lock a token younger than half its life was just renewed by another tab.
function renewalThreshold({ issuedAt, expiresAt }: Lifetime): number {
  return issuedAt + (expiresAt - issuedAt) / 2;
}

async function withLock<T>(name: string, run: () => Promise<T>): Promise<T> {
  // Web Locks are shared by the tabs of an origin; a browser without them renews per tab.
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(name, run);
  return run();
}

/** Sign out of DVT and, for an OIDC session, of the provider too (its end_session_endpoint). */
export async function signOutOidc(session: Session): Promise<void> {
  if (session.kind !== "oidc" || !session.oidc) {
    signOut();
    return;
  }
  const manager = managerFor(session.oidc.issuer, session.oidc.clientId);
  const idToken = (await manager.getUser())?.id_token;
  signOut();
  // Navigates away to the provider, which sends the browser back to /login.
  await manager.signoutRedirect({ id_token_hint: idToken });
}
