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
