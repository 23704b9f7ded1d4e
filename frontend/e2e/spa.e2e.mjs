// Every view of the SPA, end to end, against a real server (tests/e2e/test_spa.py starts it and
// gives this script an account): sign in, graph, canvas save/reload/conflict, plan, approve, run live,
// logs, artifacts, diff, docs, command palette. Screenshots of each view go to docs/screenshots/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, need, watchProblems } from "./browser.mjs";

const BASE = process.env.DVT_URL;
const SHOTS = process.env.DVT_SCREENSHOTS;
const FAILURES = process.env.DVT_FAILURES ?? "/tmp/dvt-e2e-failures";
const ENV_PATH = `/p/${process.env.DVT_PROJECT}/e/${process.env.DVT_ENVIRONMENT}`;
const NEW_PASSWORD = "a-much-longer-password-for-e2e";
const RUN_SECONDS = 240;

mkdirSync(SHOTS, { recursive: true });
mkdirSync(FAILURES, { recursive: true });

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
// Errors, and any Content-Security-Policy violation: the SPA must run under the policy `dvt serve` sends.
const problems = await watchProblems(page);
page.setDefaultTimeout(20_000);
// WebSocket trouble is otherwise silent (graphql-ws retries): keep a trace to print on failure.
const wsTrace = [];
page.on("websocket", (ws) => {
  wsTrace.push(`open ${ws.url()}`);
  ws.on("framereceived", (f) => wsTrace.push(`recv ${String(f.payload).slice(0, 160)}`));
  ws.on("framesent", (f) => wsTrace.push(`sent ${String(f.payload).slice(0, 160)}`));
  ws.on("close", () => wsTrace.push("closed"));
  ws.on("socketerror", (e) => wsTrace.push(`error ${e}`));
});

const steps = [];
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    steps.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    await page.screenshot({ path: join(FAILURES, `${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    console.log(`FAIL ${name}: ${error.message}`);
    console.log(`problems:\n${problems.join("\n")}\nwebsocket trace (last 30):\n${wsTrace.slice(-30).join("\n")}`);
    throw error;
  }
}
const shot = async (name) => {
  // Each view from its top, as a user opening it sees it.
  await page.evaluate(() => document.querySelector(".content")?.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

try {
  await step("sign in with the one-time password, then choose a password", async () => {
    const served = await page.goto(`${BASE}/`);
    // Everything below runs under the server's Content-Security-Policy (any violation fails the run).
    need(/script-src 'self';/.test(served.headers()["content-security-policy"] ?? ""), "the SPA was served without its CSP");
    await page.waitForURL(/\/login/);
    await page.getByLabel("Tenant").fill(process.env.DVT_TENANT);
    await page.getByLabel("Username").fill(process.env.DVT_USERNAME);
    await page.getByLabel("Password").fill("wrong-password-here");
    await shot("login");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Password").fill(process.env.DVT_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Choose your password" }).waitFor();
    await page.getByLabel("One-time password").fill(process.env.DVT_PASSWORD);
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByLabel("Repeat it").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save password" }).click();
    await page.waitForURL(new RegExp(`${ENV_PATH}$`));
  });

  await step("dashboard", async () => {
    await page.getByRole("heading", { name: "Latest runs" }).waitFor();
    await page.getByText("Cost this month").waitFor();
    await page.getByText(/graph version 2/).waitFor();
    await shot("dashboard");
  });

  await step("graph: overview of groups, open one, search and focus a node", async () => {
    await page.getByRole("link", { name: "Graph", exact: true }).click();
    await page.locator(".ggroup").first().waitFor();
    const groups = await page.locator(".ggroup").count();
    need(groups >= 2, `expected folder groups in the overview, saw ${groups}`);
    await page.locator(".ggroup", { hasText: "models/staging" }).click();
    await page.locator('.gnode[data-unique-id="model.demo_shop.stg_orders"]').waitFor();
    await page.getByLabel("Search nodes").fill("dim_customers");
    await page.getByRole("option", { name: /dim_customers/ }).first().click();
    await page.getByText("Focused on model.demo_shop.dim_customers").waitFor();
    await page.locator('.gnode[data-unique-id="model.demo_shop.dim_customers"]').waitFor();
    await page.locator('.gnode[data-unique-id="model.demo_shop.stg_customers"]').waitFor();
    await page.locator(".panel").getByText("model.demo_shop.dim_customers").waitFor();
    await page.locator(".panel .monaco-editor").waitFor({ timeout: 30_000 });
    await shot("graph");
  });

  let moved;
  await step("canvas: a dragged node is saved with a revision and restored on reload", async () => {
    const node = page.locator('.react-flow__node[data-id="model.demo_shop.stg_customers"]');
    const before = await savedRevision(page);
    const box = await node.boundingBox();
    need(box, "stg_customers is not drawn");
    await page.mouse.move(box.x + 40, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 140, box.y + 180, { steps: 8 });
    await page.mouse.up();
    moved = await node.getAttribute("style");
    await page.waitForFunction((rev) => Number(document.querySelector(".sync-saved")?.getAttribute("data-revision")) > rev, before);
    await page.reload();
    await page.getByText("Focused on model.demo_shop.dim_customers").waitFor();
    const restored = page.locator('.react-flow__node[data-id="model.demo_shop.stg_customers"]');
    await restored.waitFor();
    const style = await restored.getAttribute("style");
    const [x0, y0] = translation(moved);
    const [x1, y1] = translation(style);
    // Saved positions are rounded to a tenth of a pixel.
    need(Math.abs(x0 - x1) < 0.5 && Math.abs(y0 - y1) < 0.5, `the pinned position was not restored: ${style} vs ${moved}`);
  });

  await step("canvas: a save from a stale tab is reported as a conflict, not lost", async () => {
    const other = await context.newPage();
    await other.goto(`${BASE}${ENV_PATH}/graph`);
    await other.locator('.react-flow__node[data-id="model.demo_shop.stg_customers"]').waitFor();
    // This tab saves first...
    const before = await savedRevision(page);
    await page.getByLabel("Depth").fill("3");
    await page.waitForFunction((rev) => Number(document.querySelector(".sync-saved")?.getAttribute("data-revision")) > rev, before);
    // ...so the other tab's save names a revision that is no longer the stored one.
    await other.getByLabel("Depth").fill("1");
    await other.getByRole("alert").filter({ hasText: "saved elsewhere" }).waitFor();
    await other.getByRole("button", { name: "Load theirs" }).click();
    need((await other.getByLabel("Depth").inputValue()) === "3", "loading theirs did not bring back depth 3");
    await other.close();
  });

  let planUrl;
  await step("plan: build one with the form, read its reasons, approve it", async () => {
    await page.getByRole("link", { name: "Plans", exact: true }).click();
    // Everything: the run builds the seeds its models read.
    await page.getByPlaceholder(/state:modified/).fill("");
    await page.getByLabel("Vars (JSON)").fill("[1,2]");
    await page.getByRole("button", { name: "Plan" }).click();
    await page.getByText("vars must be a JSON object").waitFor();
    await page.getByLabel("Vars (JSON)").fill('{"e2e": true}');
    await page.getByRole("button", { name: "Plan" }).click();
    await page.waitForURL(/\/plans\/.+/);
    planUrl = page.url();
    await page.getByRole("heading", { name: "Explanation" }).waitFor();
    // Its items are read a page at a time, after the plan itself.
    await page.locator('table[aria-label="plan items"] tbody tr').first().waitFor();
    const rows = await page.locator('table[aria-label="plan items"] tbody tr').count();
    need(rows >= 3, `expected the plan's nodes, saw ${rows} rows`);
    await page.getByRole("cell", { name: "model.demo_shop.dim_customers", exact: true }).waitFor();
    await shot("plan");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.locator(".badge", { hasText: "approved" }).first().waitFor();
  });

  await step("plan: its nodes highlighted on the graph", async () => {
    await page.getByRole("link", { name: "Show on graph" }).click();
    await page.getByText(/plan nodes highlighted: \d+/).waitFor();
    await page.locator(".gnode.hl, .ggroup.hl").first().waitFor();
    await page.goto(planUrl);
  });

  await step("run: trigger it and watch it finish live", async () => {
    await page.getByRole("button", { name: "Run this plan" }).click();
    await page.waitForURL(/\/runs\/.+/);
    await page.locator(".badge", { hasText: /^live$/ }).waitFor({ timeout: 60_000 });
    await page.locator(".timeline-row").first().waitFor({ timeout: 120_000 });
    await page.locator("h1 .badge", { hasText: /^(success|warning|failed)$/ }).waitFor({ timeout: RUN_SECONDS * 1000 });
    const status = await page.locator("h1 .badge").first().textContent();
    need(status === "success", `the run ended ${status}`);
    // Progress: every node the plan runs has finished ("N of N nodes").
    await page.waitForFunction(() => {
      const shown = document.querySelector('[aria-label="progress"]');
      return shown && Number(shown.getAttribute("data-total")) >= 3 && shown.getAttribute("data-finished") === shown.getAttribute("data-total");
    });
    need(/^\d+ of \d+ nodes$/.test((await page.locator('[aria-label="progress"] span').textContent()) ?? ""), "progress is not in words");
    // Named as people name it: its number in the environment, and who started it by name, not by id.
    await page.locator("h1", { hasText: /^Run #\d+/ }).waitFor();
    const facts = await page.locator("dl.facts").textContent();
    need(!/user:|token:/.test(facts ?? ""), `the actor is shown as a principal: ${facts}`);
    // The final record is read once the feed completes: duration and actual cost appear.
    await page.locator(".badge", { hasText: /^live$/ }).waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Retry failed nodes" }).waitFor({ state: "detached" });
    // ...and on the graph (drawn once its section is in view): its nodes, coloured by how they ended.
    await page.getByRole("heading", { name: "On the graph" }).scrollIntoViewIfNeeded();
    await page.locator('.subgraph .gnode.st-ok[data-unique-id="model.demo_shop.dim_customers"]').waitFor();
    const bars = await page.locator(".timeline-row").count();
    need(bars >= 3, `expected timeline bars for the run's nodes, saw ${bars}`);
  });

  await step("run: logs streamed and searchable, artifacts and cost", async () => {
    await page.locator('pre[aria-label="logs"] div').first().waitFor();
    const lines = Number(await page.locator('pre[aria-label="logs"]').getAttribute("data-lines"));
    need(lines > 3, `expected dbt's log lines, saw ${lines}`);
    await page.getByLabel("Search logs").fill("dim_customers");
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll('pre[aria-label="logs"] div')];
      return shown.length > 0 && shown.every((d) => d.textContent.toLowerCase().includes("dim_customers"));
    });
    await page.locator('table[aria-label="run artifacts"]').getByRole("cell", { name: "manifest", exact: true }).waitFor();
    await page.locator('table[aria-label="run nodes"]').getByRole("cell", { name: "model.demo_shop.dim_customers", exact: true }).waitFor();
    await page.getByLabel("Search logs").fill("");
    await shot("run");
  });

  await step("runs: the table lists it with its status", async () => {
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    await page.locator('table[aria-label="runs"] tbody tr').first().waitFor();
    await page.locator('table[aria-label="runs"] .badge', { hasText: "success" }).first().waitFor();
    await page.getByLabel("Status filter").selectOption("failed");
    await page.getByText("No run matches these filters.").waitFor();
    await page.getByLabel("Status filter").selectOption("");
    await page.locator('table[aria-label="runs"] tbody tr').first().waitFor();
    await shot("runs");
  });

  await step("artifacts: versions, files, JSON viewer", async () => {
    await page.getByRole("link", { name: "Artifacts", exact: true }).click();
    await page.locator('table[aria-label="artifacts"] tbody tr').first().waitFor();
    await page.locator('table[aria-label="artifacts"] tr', { hasText: "manifest" }).getByRole("button", { name: "view" }).click();
    await page.locator(".artifact-viewer .monaco-editor").waitFor({ timeout: 30_000 });
    await page.locator(".artifact-viewer").getByText('"metadata"').first().waitFor();
    await shot("artifacts");
  });

  await step("diff: two versions, the modified model, its code diff", async () => {
    await page.getByRole("link", { name: "Diff", exact: true }).click();
    await page.locator('table[aria-label="changes"] tbody tr').first().waitFor();
    const versions = await page.getByLabel("Base version").locator("option").count();
    need(versions >= 3, `expected three graph versions (two ingested, one from the run), saw ${versions}`);
    // The first ingested version against today's: stg_orders changed.
    await page.getByLabel("Base version").selectOption({ index: versions - 1 });
    await page.locator('table[aria-label="changes"] tr', { hasText: "model.demo_shop.stg_orders" }).first().click();
    await page.locator(".monaco-diff-editor").waitFor({ timeout: 30_000 });
    await page.locator(".subgraph .gnode.hl").first().waitFor();
    await shot("diff");
    await page.getByRole("button", { name: "open in the workspace" }).click();
    await page.getByText(/diff: \d+ highlighted/).waitFor();
    await page.locator(".gnode.hl, .ggroup.hl").first().waitFor();
    await page.getByRole("button", { name: "clear highlight" }).click();
  });

  await step("docs: search and read a model's documentation", async () => {
    await page.getByRole("link", { name: "Docs", exact: true }).click();
    await page.getByLabel("Search docs").fill("customers");
    await page.locator('ul[aria-label="documented nodes"] button', { hasText: "dim_customers" }).click();
    await page.locator('article[aria-label="documentation"]').getByRole("heading", { name: /dim_customers/ }).waitFor();
    await page.locator('table[aria-label="columns"] tbody tr').first().waitFor();
    await shot("docs");
  });

  await step("settings: ingest artifacts, planning and budget, grants and tokens", async () => {
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByLabel("Artifact files").setInputFiles(process.env.DVT_MANIFEST);
    await page.getByRole("button", { name: "Ingest" }).click();
    await page.getByRole("status").filter({ hasText: /graph version \d+/ }).waitFor();
    await page.getByLabel("Secret name").fill("WAREHOUSE_PASSWORD");
    await page.getByLabel("Value").fill("e2e-secret-value-42");
    await page.getByRole("button", { name: "Store secret" }).click();
    await page.locator('table[aria-label="secrets"]').getByRole("cell", { name: "DBT_ENV_SECRET_WAREHOUSE_PASSWORD" }).waitFor();
    need(!(await page.content()).includes("e2e-secret-value-42"), "the secret's value is still on the page");
    await page.getByLabel("Monthly cost budget").fill("-3");
    await page.getByRole("button", { name: "Save planning settings" }).click();
    await page.getByText("a number, 0 or more").waitFor();
    await page.getByLabel("Monthly cost budget").fill("250");
    await page.getByRole("button", { name: "Save planning settings" }).click();
    await page.getByRole("status").filter({ hasText: "saved" }).waitFor();
    await page.getByLabel("Principal").fill("analysts");
    await page.getByRole("button", { name: "Grant" }).click();
    await page.getByText("user:SUBJECT, group:NAME or token:ID").last().waitFor();
    await page.getByLabel("Principal").fill("group:analysts");
    await page.getByRole("button", { name: "Grant" }).click();
    await page.locator('table[aria-label="grants"]').getByRole("cell", { name: "group:analysts", exact: true }).waitFor();
    await page.getByLabel("Token name").fill("ci-e2e");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.locator("[data-token]").textContent();
    need(token?.startsWith("dvt_"), `expected a DVT token, got ${token}`);
    await page.locator('table[aria-label="api tokens"]').getByRole("cell", { name: "ci-e2e", exact: true }).waitFor();
    await shot("settings");
    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    await page.getByText("of $250.00 budget").waitFor(); // in the rate card's currency (USD by default)
    // The latest finished run's nodes: the slowest listed, none failing.
    await page.locator('table[aria-label="slowest nodes"] tbody tr').first().waitFor();
    await page.getByText("No failing node.").waitFor();
  });

  await step("setup: a new project and environment from the browser", async () => {
    await page.goto(`${BASE}/setup`);
    await page.getByLabel("Project slug").fill("shop-two");
    await page.getByLabel("Repository").fill("https://git.example.com/shop-two.git");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForFunction(() => document.querySelector('input[name="project"]')?.value === "shop-two");
    await page.getByLabel("Environment slug").fill("prod");
    await page.getByRole("button", { name: "Create environment" }).click();
    await page.waitForURL(/\/p\/shop-two\/e\/prod\/settings$/);
    await page.getByRole("heading", { name: "Settings of shop-two / prod" }).waitFor();
    await page.goto(`${BASE}${ENV_PATH}/graph`);
    await page.locator(".react-flow__node").first().waitFor();
  });

  await step("command palette: Ctrl+K jumps to a node", async () => {
    await page.keyboard.press("Control+k");
    await page.getByPlaceholder(/Jump to a node/).fill("fct_orders");
    // kbar filters a moment after typing: wait until the match is the active (first) result.
    await page.locator(".kbar-item.active", { hasText: "fct_orders" }).waitFor();
    await page.keyboard.press("Enter");
    await page.getByText("Focused on model.demo_shop.fct_orders").waitFor();
  });

  await step("jobs: define a scheduled job (five fires previewed), trigger it, its run shows job and trigger", async () => {
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    await page.getByText("No jobs yet: define one below.").waitFor();
    const form = page.getByRole("form", { name: "job" });
    await form.getByLabel("Name").fill("nightly");
    await form.getByLabel("Steps (a dbt command line each)").fill("source freshness\ndocs generate");
    // The server's cron library refuses what the form's shape check lets through, before saving.
    await form.getByLabel("Schedule (cron)").fill("61 2 * * *");
    await form.getByRole("alert").filter({ hasText: /61/ }).waitFor();
    await form.getByLabel("Schedule (cron)").fill("30 2 * * *");
    await form.getByLabel("Time zone").fill("Europe/Berlin");
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="schedule preview"] li').length === 5);
    need((await form.locator('[aria-label="schedule preview"] li').first().textContent())?.includes("Europe/Berlin"), "the fires are not shown in the job's zone");
    // No planned step: the server's refusal shows next to the form, nothing is saved.
    await form.getByRole("button", { name: "Create job" }).click();
    await form.getByRole("alert").filter({ hasText: "a job needs a planned step" }).waitFor();
    need((await page.locator('table[aria-label="jobs"] tbody tr', { hasText: "nightly" }).count()) === 0, "a refused job was saved");
    // Two planned steps: one plan of two steps.
    await form.getByLabel("Steps (a dbt command line each)").fill("seed\nbuild -s stg_orders+");
    await form.getByRole("button", { name: "Create job" }).click();
    await page.waitForURL(/\/jobs\/.+/);
    await page.getByRole("heading", { name: /^Job nightly/ }).waitFor();
    need((await page.locator('ol[aria-label="next fires"] li').count()) === 5, "the job page does not list five next fires");
    await page.getByText("30 2 * * * (Europe/Berlin)").first().waitFor();
    await shot("jobs");
    await page.getByRole("button", { name: "Trigger now" }).click();
    await page.getByRole("link", { name: "open its run" }).click();
    await page.waitForURL(/\/runs\/.+/);
    await page.locator("dl.facts").getByRole("link", { name: "nightly", exact: true }).waitFor();
    // Triggered by a person in the browser: a manual run.
    await page.locator("dl.facts dd", { hasText: /^manual \// }).waitFor();
    // A worker plans it from the branch: its plan lists both steps, and its nodes say which step runs them.
    await page.getByRole("link", { name: "Its plan" }).click({ timeout: 60000 });
    await page.locator('ol[aria-label="Steps"] li').nth(1).waitFor();
    need((await page.locator('ol[aria-label="Steps"] li').allTextContents()).join(" | ") === "dbt seed | dbt build -s stg_orders+", "the plan does not list the job's two steps");
    await page.getByRole("columnheader", { name: "Step" }).waitFor();
    await page.goBack();
    // The list shows it with its schedule and its run.
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    const row = page.locator('table[aria-label="jobs"] tbody tr', { hasText: "nightly" });
    await row.getByText("30 2 * * * (Europe/Berlin)").waitFor();
    await row.getByRole("link", { name: /^#\d+/ }).waitFor();
  });

  need(problems.length === 0, `the page reported errors:\n${problems.join("\n")}`);
  console.log(JSON.stringify({ ok: true, steps }));
} finally {
  await browser.close();
}

function translation(style) {
  const found = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(style ?? "");
  need(found, `no position in ${style}`);
  return [Number(found[1]), Number(found[2])];
}

/** The revision the workspace last saved or loaded, once no save is waiting (saves are debounced). */
async function savedRevision(page) {
  await page.waitForTimeout(1200);
  await page.waitForFunction(() => !document.querySelector(".sync-saving"));
  return page.evaluate(() => Number(document.querySelector(".sync")?.getAttribute("data-revision") ?? 0));
}
