// Sign-in through an OIDC provider (tests/e2e/test_spa.py gives it a real issuer on loopback whose access
// tokens live DVT_TOKEN_SECONDS, a few seconds): the authorization code flow with PKCE, renewals with the
// refresh token while a run's live feed stays open (its socket starts again with each new token), sign-out at
// the provider, a renewal the provider refuses, and a forged callback. Any CSP violation fails the run.
import { launch, need, watchProblems } from "./browser.mjs";

const BASE = process.env.DVT_URL;
const ENV_PATH = `/p/${process.env.DVT_PROJECT}/e/${process.env.DVT_ENVIRONMENT}`;
const RENEWALS = 3; // the first token has ended (and the server has checked the socket) before the last

const browser = await launch();
const page = await browser.newPage();
page.setDefaultTimeout(20_000);
const problems = await watchProblems(page);

const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem("dvt.token") ?? "null"));
const isRefresh = (request) => request.url().endsWith("/protocol/openid-connect/token") && /grant_type=refresh_token/.test(request.postData() ?? "");

// Each WebSocket to /graphql: the token its connection_init carried, and whether the server acknowledged it.
const sockets = [];
page.on("websocket", (ws) => {
  const seen = { token: null, acked: false, subscribed: 0 };
  sockets.push(seen);
  ws.on("framesent", (frame) => {
    const message = JSON.parse(String(frame.payload));
    if (message.type === "connection_init") seen.token = String(message.payload?.Authorization ?? "").replace(/^Bearer /, "");
    if (message.type === "subscribe") seen.subscribed += 1;
  });
  ws.on("framereceived", (frame) => {
    if (JSON.parse(String(frame.payload)).type === "connection_ack") seen.acked = true;
  });
});

/** Wait until `check()` holds (WebSocket frames arrive outside the page's own events). */
async function eventually(check, message) {
  for (let tries = 0; !check(); tries++) {
    need(tries < 100, message);
    await page.waitForTimeout(100);
  }
}

async function signIn() {
  const toProvider = page.waitForRequest((r) => r.url().includes("/protocol/openid-connect/auth"));
  await page.getByRole("button", { name: "Sign in with your identity provider" }).click();
  return new URL((await toProvider).url());
}

try {
  const served = await page.goto(`${BASE}/`);
  const csp = served.headers()["content-security-policy"] ?? "";
  need(csp.includes(`connect-src 'self' ws://${new URL(BASE).host} ${new URL(process.env.DVT_ISSUER).origin}`), `the CSP does not allow the issuer: ${csp}`);
  await page.waitForURL(/\/login/);
  const authorize = await signIn();
  need(authorize.searchParams.get("code_challenge_method") === "S256", "no S256 challenge was sent");
  need(/^[A-Za-z0-9_-]{43}$/.test(authorize.searchParams.get("code_challenge") ?? ""), "the challenge is not a SHA-256 in base64url");
  need(/^[A-Za-z0-9_-]{32}$/.test(authorize.searchParams.get("nonce") ?? ""), `no nonce was sent: ${authorize}`);
  await page.waitForURL(new RegExp(`${ENV_PATH}$`));
  await page.getByText(process.env.DVT_DISPLAY_NAME).waitFor();
  await page.getByRole("heading", { name: "Latest runs" }).waitFor();
  const first = await stored();
  need(first?.kind === "oidc", "the session is not an OIDC one");
  console.log("ok   signed in through the provider with PKCE");

  // A run waiting for approval: its page follows its events live until it ends, which it does not do here.
  await page.goto(`${BASE}${ENV_PATH}/runs/${encodeURIComponent(process.env.DVT_RUN_ID)}`);
  await page.locator(".badge", { hasText: /^live$/ }).waitFor();
  const tokens = [first.token];
  for (let i = 0; i < RENEWALS; i++) {
    const renewed = await page.waitForResponse((r) => isRefresh(r.request()), { timeout: 30_000 });
    need(renewed.ok(), `the refresh was refused: HTTP ${renewed.status()}`);
    await page.waitForFunction((last) => JSON.parse(localStorage.getItem("dvt.token") ?? "null")?.token !== last, tokens.at(-1));
    tokens.push((await stored()).token);
  }
  need(new Set(tokens).size === tokens.length, "a renewal kept the old token");
  // The live feed went on: its socket started again with each new token, and the server took it.
  for (const token of tokens.slice(1)) {
    await eventually(() => sockets.some((s) => s.token === token && s.acked && s.subscribed > 0), "the live feed did not reconnect with a renewed token");
  }
  await page.locator(".badge", { hasText: /^live$/ }).waitFor();
  need((await page.getByRole("alert").count()) === 0, `the run page shows an error: ${await page.getByRole("alert").allTextContents()}`);
  // ...and plain requests carry the current token (the first one has ended by now).
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.locator('table[aria-label="runs"] tbody tr').first().waitFor();
  need(new URL(page.url()).pathname === `${ENV_PATH}/runs`, "signed out during the renewals");
  console.log(`ok   the session lasted ${RENEWALS} renewals with the refresh token; the live feed followed`);

  // Signing out ends the session at the provider too, which sends the browser back to the sign-in page.
  const toLogout = page.waitForRequest((r) => r.url().includes("/protocol/openid-connect/logout"));
  await page.getByRole("button", { name: "Sign out" }).click();
  const logout = new URL((await toLogout).url());
  need(logout.searchParams.get("id_token_hint"), "the logout carried no id_token_hint");
  need(logout.searchParams.get("post_logout_redirect_uri") === `${BASE}/login`, "the logout does not come back to /login");
  await page.waitForURL(/\/login/);
  await page.getByRole("button", { name: "Sign in with your identity provider" }).waitFor();
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("dvt.")));
  need(left.length === 0, `sign-out left ${left.join(", ")}`);
  console.log("ok   signed out at the provider");

  // Signed in again; the provider then refuses to renew: signed out, and told why.
  await signIn();
  await page.waitForURL(new RegExp(`${ENV_PATH}$`));
  await page.route("**/protocol/openid-connect/token", (route) =>
    route.fulfill({
      status: 400,
      headers: { "access-control-allow-origin": "*", "content-type": "application/json" },
      body: JSON.stringify({ error: "invalid_grant", error_description: "Session not active" }),
    }),
  );
  await page.waitForURL(/\/login/, { timeout: 30_000 });
  await page.getByRole("alert").filter({ hasText: "Your session ended: the identity provider did not renew it (Session not active)" }).waitFor();
  need((await stored()) === null, "a refused renewal left the session");
  console.log("ok   a refused renewal signs out with the reason");

  // A callback this tab never started (no verifier, wrong state) signs nobody in.
  const other = await browser.newPage();
  await other.goto(`${BASE}/oidc/callback?code=forged&state=forged`);
  await other.getByText("no sign-in was started from this tab").waitFor();
  need((await other.evaluate(() => localStorage.getItem("dvt.token"))) === null, "a forged callback left a session");
  console.log("ok   a forged callback is refused");

  need(problems.length === 0, `the page reported errors:\n${problems.join("\n")}`);
} finally {
  await browser.close();
}
