// Sign-in through an OIDC provider (tests/e2e/test_spa.py gives it a real issuer on loopback): the
// authorization code flow with PKCE from the login page to the dashboard, and a forged callback refused.
import { launch, need } from "./browser.mjs";

const BASE = process.env.DVT_URL;
const browser = await launch();
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${BASE}/`);
  await page.waitForURL(/\/login/);
  const toProvider = page.waitForRequest((r) => r.url().includes("/protocol/openid-connect/auth"));
  await page.getByRole("button", { name: "Sign in with your identity provider" }).click();
  const authorize = new URL((await toProvider).url());
  need(authorize.searchParams.get("code_challenge_method") === "S256", "no S256 challenge was sent");
  need(/^[A-Za-z0-9_-]{43}$/.test(authorize.searchParams.get("code_challenge") ?? ""), "the challenge is not a SHA-256 in base64url");
  await page.waitForURL(new RegExp(`/p/${process.env.DVT_PROJECT}/e/${process.env.DVT_ENVIRONMENT}$`));
  await page.getByText(process.env.DVT_DISPLAY_NAME).waitFor();
  await page.getByRole("heading", { name: "Latest runs" }).waitFor();
  console.log("ok   signed in through the provider with PKCE");

  // A callback this tab never started (no verifier, wrong state) signs nobody in.
  const other = await browser.newPage();
  await other.goto(`${BASE}/oidc/callback?code=forged&state=forged`);
  await other.getByText("no sign-in was started from this tab").waitFor();
  need((await other.evaluate(() => localStorage.getItem("dvt.token"))) === null, "a forged callback left a session");
  console.log("ok   a forged callback is refused");
} finally {
  await browser.close();
}
