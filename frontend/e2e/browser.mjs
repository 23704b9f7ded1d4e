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
