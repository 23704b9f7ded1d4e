// Who is signed in: the bearer token the API accepts, kept across reloads in localStorage.
// Local accounts log in at /auth/login; OIDC uses the authorization code flow with PKCE (lib/oidc.ts).

const TOKEN_KEY = "dvt.token";

export interface Session {
  token: string;
  expiresAt: string | null;
  mustChangePassword: boolean;
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
    if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
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
  window.dispatchEvent(new Event("dvt:session"));
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new Event("dvt:session"));
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
  };
  storeSession(session);
  return session;
}
