// OIDC sign-in for a browser app: authorization code flow with PKCE (RFC 7636), no client secret.
// The verifier stays in sessionStorage until the provider redirects back to /oidc/callback.
import { storeSession, type AuthConfig, type Session } from "./auth";

const PENDING_KEY = "dvt.oidc.pending";

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider did not answer (HTTP ${response.status})`);
  return (await response.json()) as Discovery;
}

export async function beginOidc(config: AuthConfig, next: string): Promise<void> {
  if (!config.oidc_issuer || !config.oidc_client_id) throw new Error("OIDC is not configured on this server");
  const discovery = await discover(config.oidc_issuer);
  const verifier = randomVerifier();
  const state = randomVerifier();
  const redirectUri = `${location.origin}/oidc/callback`;
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, next, redirectUri, tokenEndpoint: discovery.token_endpoint, clientId: config.oidc_client_id }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.oidc_client_id,
    redirect_uri: redirectUri,
    scope: "openid profile email",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** Back from the provider: check the state, trade the code and verifier for tokens. */
export async function completeOidc(search: string): Promise<{ session: Session; next: string }> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null") as {
    verifier: string;
    state: string;
    next: string;
    redirectUri: string;
    tokenEndpoint: string;
    clientId: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (params.get("error")) throw new Error(`the identity provider refused: ${params.get("error_description") ?? params.get("error")}`);
  if (!pending) throw new Error("no sign-in was started from this tab: start again");
  if (params.get("state") !== pending.state) throw new Error("the sign-in answer does not match the request (state): start again");
  const code = params.get("code");
  if (!code) throw new Error("the identity provider sent no code");
  const response = await fetch(pending.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`the token exchange failed: ${String(body.error_description ?? body.error ?? response.status)}`);
  // DVT verifies the access token's signature, issuer and audience on every request.
  const token = String(body.access_token ?? body.id_token ?? "");
  if (!token) throw new Error("the identity provider sent no token");
  const expiresIn = Number(body.expires_in ?? 0);
  const session: Session = {
    token,
    expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
    mustChangePassword: false,
  };
  storeSession(session);
  return { session, next: pending.next };
}
