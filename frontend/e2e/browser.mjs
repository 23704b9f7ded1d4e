// Debian's Chromium, headless, driven by playwright-core (no browser download). The flags keep it off
// the network: this machine's closed network refuses Chromium's background connections.
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.DVT_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export function need(condition, message) {
  if (!condition) throw new Error(message);
}

/** A new browser context signed in with `token` (the SPA's stored session) that records every main-thread
 * long task in `window.__longTasks`, from the first script on: what the benchmarks judge pages by. */
export async function measuredPage(browser, token) {
  const session = JSON.stringify({ token, expiresAt: null, mustChangePassword: false });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((value) => {
    localStorage.setItem("dvt.token", value);
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, ms: entry.duration });
    }).observe({ type: "longtask", buffered: true });
  }, session);
  const page = await context.newPage();
  page.setDefaultTimeout(180_000);
  return { context, page };
}

/** Collect what a page reports going wrong: uncaught errors, console errors, and every Content-Security-Policy
 * violation (Chromium logs them as console errors; the `securitypolicyviolation` event is listened to as well,
 * so a violation fails the run whatever the console says). Returns the list it fills. */
export async function watchProblems(page, { ignore = /Failed to load resource/ } = {}) {
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (/Content.Security.Policy/i.test(text)) problems.push(`CSP: ${text}`);
    else if (message.type() === "error" && !ignore.test(text)) problems.push(`console: ${text}`);
  });
  await page.exposeFunction("__dvtCspViolation", (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__dvtCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline code"} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return problems;
}
