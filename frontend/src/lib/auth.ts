// Who is signed in: the bearer token the API accepts, kept across reloads and shared by the tabs in
// localStorage. Local accounts log in at /auth/login; OIDC uses the authorization code flow with PKCE and
// renews its token with the refresh token (lib/oidc.ts, lib/session.ts).

const TOKEN_KEY = "dvt.token";
const SIGNED_OUT_KEY = "dvt.signedOut";
/** oidc-client-ts keeps its user (refresh and ID tokens) under this prefix (lib/oidc.ts). */
export const OIDC_STORE_PREFIX = "dvt.oidc.";

export interface Session {
  token: string;
  expiresAt: string | null;
  mustChangePassword: boolean;
  /** How it was signed in; absent: a local account (sessions stored before OIDC renewal existed). */
  kind?: "local" | "oidc";
  /** OIDC: when the token was received (the renewal schedule works from its lifetime). */
  issuedAt?: string;
  /** OIDC: where to renew it and sign out. */
  oidc?: { issuer: string; clientId: string };
}

export interface AuthConfig {
  mode: "local" | "oidc";
  oidc_issuer?: string | null;
  oidc_client_id?: string | null;
  oidc_audience?: string | null;
}

export function currentSession(): Session | null {
  const raw = localStorage.getItem(TOKEN_KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    // An OIDC session outlives its access token: the refresh token renews it (lib/session.ts).
    if (session.kind !== "oidc" && session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
      localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return session;
  } catch {
    localStorage.removeItem(TOKEN_KEY);
    return null;
  }
}

export function storeSession(session: Session): void {
  localStorage.setItem(TOKEN_KEY, JSON.stringify(session));
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  window.dispatchEvent(new Event("dvt:session"));
}

/** Forget the session (and the OIDC user's tokens); `reason` is shown on the sign-in page. */
export function signOut(reason?: string): void {
  localStorage.removeItem(TOKEN_KEY);
  for (const key of Object.keys(localStorage)) if (key.startsWith(OIDC_STORE_PREFIX)) localStorage.removeItem(key);
  if (reason) sessionStorage.setItem(SIGNED_OUT_KEY, reason);
  window.dispatchEvent(new Event("dvt:session"));
}

/** Why this tab was signed out, until the next sign-in. */
export function signedOutReason(): string | null {
  return sessionStorage.getItem(SIGNED_OUT_KEY);
}

export async function fetchAuthConfig(): Promise<AuthConfig> {
  const response = await fetch("/auth/config");
  if (!response.ok) throw new Error(`could not read the sign-in settings (HTTP ${response.status})`);
  return (await response.json()) as AuthConfig;
}

export async function loginLocal(tenant: string, username: string, password: string): Promise<Session> {
  const response = await fetch("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, username, password }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(String(body.error ?? `sign-in failed (HTTP ${response.status})`));
  const session: Session = {
    token: String(body.token),
    expiresAt: (body.expiresAt as string | undefined) ?? null,
    mustChangePassword: Boolean(body.mustChangePassword),
    kind: "local",
  };
  storeSession(session);
  return session;
}
