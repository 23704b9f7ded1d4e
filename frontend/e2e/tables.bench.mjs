// The big tables' budgets, measured in headless Chromium against a real server holding a generated
// project (tests/benchmarks/spa.py starts it and reads the JSON this prints on its last line). For the
// plan's nodes, the run's nodes and the docs list, each round in a new browser context:
//   shown        navigation -> the table's first row in the page (ms from navigation start)
//   longest task the longest main-thread task (PerformanceObserver long tasks) until then, and in the
//                2 s after (what the page still does once the rows are there)
//   rows in DOM  rows drawn, against the rows the table holds
import { launch, measuredPage, need } from "./browser.mjs";

const BASE = process.env.DVT_URL;
const ENV = `${BASE}/p/${process.env.DVT_PROJECT}/e/${process.env.DVT_ENVIRONMENT}`;
const ROUNDS = Number(process.env.DVT_BENCH_ROUNDS ?? 3);
const SETTLE_MS = 2000;

const TABLES = [
  { name: "plan", url: `${ENV}/plans/${encodeURIComponent(process.env.DVT_PLAN)}`, rows: 'table[aria-label="plan items"] tbody tr:not(.table-spacer)', total: 'table[aria-label="plan items"]@aria-rowcount' },
  { name: "run", url: `${ENV}/runs/${encodeURIComponent(process.env.DVT_RUN)}`, rows: 'table[aria-label="run nodes"] tbody tr:not(.table-spacer)', total: 'table[aria-label="run nodes"]@aria-rowcount' },
  { name: "docs", url: `${ENV}/docs`, rows: 'ul[aria-label="documented nodes"] li button', total: ".docs-list .count" },
];

const browser = await launch();

const freshPage = () => measuredPage(browser, process.env.DVT_TOKEN);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = { rounds: ROUNDS, tables: {} };

for (const table of TABLES) {
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { context, page } = await freshPage();
    await page.goto(table.url, { waitUntil: "commit" });
    // Polled each frame: the first frame with a row in it is when the table shows.
    const shown = await page.waitForFunction((selector) => (document.querySelector(selector) ? performance.now() : null), table.rows, { polling: "raf" });
    const shownMs = await shown.jsonValue();
    await page.waitForTimeout(SETTLE_MS);
    const tasks = await page.evaluate(() => window.__longTasks);
    // The server's share: the longest GraphQL request answered before the table showed.
    const graphqlMs = await page.evaluate(
      (until) => Math.max(0, ...performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/graphql") && e.responseEnd <= until).map((e) => e.responseEnd - e.startTime)),
      shownMs,
    );
    const domRows = await page.locator(table.rows).count();
    // A table's aria-rowcount counts its header row; the docs list says "N found".
    const [selector, attribute] = table.total.split("@");
    const totalRows = attribute
      ? Number(await page.locator(selector).first().getAttribute(attribute)) - 1
      : Number((await page.locator(selector).first().textContent()).match(/\d+/)?.[0]);
    const before = tasks.filter((t) => t.start < shownMs);
    const after = tasks.filter((t) => t.start >= shownMs);
    rounds.push({
      shownMs,
      longestTaskMs: Math.max(0, ...before.map((t) => t.ms)),
      longTasks: before.length,
      longestTaskAfterMs: Math.max(0, ...after.map((t) => t.ms)),
      domRows,
      totalRows,
      graphqlMs,
    });
    need(domRows > 0, `${table.name}: no row drawn`);
    await context.close();
  }
  result.tables[table.name] = {
    rounds,
    median: {
      shownMs: median(rounds.map((r) => r.shownMs)),
      longestTaskMs: median(rounds.map((r) => r.longestTaskMs)),
      longestTaskAfterMs: median(rounds.map((r) => r.longestTaskAfterMs)),
      domRows: median(rounds.map((r) => r.domRows)),
      totalRows: median(rounds.map((r) => r.totalRows)),
      graphqlMs: median(rounds.map((r) => r.graphqlMs)),
    },
  };
}

await browser.close();
console.log(JSON.stringify(result));
