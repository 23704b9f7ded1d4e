// The Graph Workspace's performance budgets, measured in headless Chromium against a real server holding
// a generated project (tests/benchmarks/spa.py starts it and reads the JSON this prints on its last line).
//   first view      navigation -> the overview drawn (performance mark "dvt:layout-shown")
//   overview layout every node expanded (all of them laid out, in the worker): the longest main-thread
//                   task while the worker lays it out, against the layout's own time (what the main
//                   thread would have been blocked for, had it laid out itself)
//   neighbourhood   click on a search result -> its neighbourhood drawn, cold and from the layout cache
//   pan/zoom        frames per second while dragging and wheel-zooming a view of about 1,000 nodes
import { launch, measuredPage, need } from "./browser.mjs";

const BASE = process.env.DVT_URL;
const GRAPH = `${BASE}/p/${process.env.DVT_PROJECT}/e/${process.env.DVT_ENVIRONMENT}/graph`;
const ROUNDS = Number(process.env.DVT_BENCH_ROUNDS ?? 3);

const browser = await launch();

const freshPage = () => measuredPage(browser, process.env.DVT_TOKEN);

async function api(query, variables = {}) {
  const response = await fetch(`${BASE}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${process.env.DVT_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  need(!body.errors, JSON.stringify(body.errors));
  return body.data;
}

/** Save the workspace's canvas through the API: an overview with these folder groups opened. */
async function saveCanvas(expanded) {
  const project = `{ environment(project: "${process.env.DVT_PROJECT}", slug: "${process.env.DVT_ENVIRONMENT}") { project { id } } }`;
  const projectId = (await api(project)).environment.project.id;
  const saved = await api("query($p: ID!) { canvasState(projectId: $p) { revision } }", { p: projectId });
  const state = { version: 1, viewport: null, positions: {}, collapsed: [], expanded, mode: "overview", groupBy: "folder", focus: null, depth: 2 };
  const input = { projectId, expectedRevision: saved.canvasState?.revision ?? 0, state };
  const result = await api("mutation($i: SaveCanvasStateInput!) { saveCanvasState(input: $i) { __typename } }", { i: input });
  need(result.saveCanvasState.__typename === "CanvasState", `canvas not saved: ${JSON.stringify(result)}`);
}

/** Frames the page drew per second while `body` ran (requestAnimationFrame callbacks). */
async function framesPerSecond(page, body) {
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => {
      window.__frames += 1;
      window.__raf = requestAnimationFrame(tick);
    };
    window.__raf = requestAnimationFrame(tick);
    window.__framesFrom = performance.now();
  });
  await body();
  return page.evaluate(() => {
    cancelAnimationFrame(window.__raf);
    return (window.__frames * 1000) / (performance.now() - window.__framesFrom);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function shownAt(page) {
  await page.waitForFunction(() => performance.getEntriesByName("dvt:layout-shown").length > 0);
  return page.evaluate(() => performance.getEntriesByName("dvt:layout-shown").at(-1).startTime);
}

async function clearMarks(page) {
  await page.evaluate(() => {
    performance.clearMarks("dvt:layout-shown");
    window.__longTasks = [];
  });
}

const result = { rounds: ROUNDS, firstView: [], overview: [], neighbourhoodCold: [], neighbourhoodCached: [], fps: [] };

for (let round = 0; round < ROUNDS; round++) {
  await saveCanvas([]); // every round opens on the collapsed overview
  const { context, page } = await freshPage();

  // First view: a new browser context, so no layout is cached.
  await page.goto(GRAPH);
  const firstView = await shownAt(page);
  result.phases = await page.evaluate(() =>
    Object.fromEntries(
      ["dvt:graph-fetched", "dvt:layout-requested", "dvt:layout-received", "dvt:layout-shown"].map((name) => [
        name.slice(4),
        Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1),
      ]),
    ),
  );
  const groups = await page.locator(".ggroup").count();
  need(groups > 1, `expected a collapsed overview, saw ${groups} groups`);
  result.firstView.push(firstView);
  result.totalNodes = Number((await page.locator(".workspace-status").textContent()).match(/of (\d+) nodes/)?.[1]);

  // Every node laid out, off the main thread: every resource type (tests too), every group opened.
  const types = page.locator("details.multi", { hasText: "Types" });
  await types.locator("summary").click();
  for (const box of await types.locator("input[type=checkbox]").all()) {
    await clearMarks(page);
    await box.check();
    await shownAt(page);
  }
  await types.locator("summary").click();
  await clearMarks(page);
  const started = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: "Expand all" }).click();
  const shown = await shownAt(page);
  const items = Number(await page.locator(".canvas").getAttribute("data-items"));
  const engine = await page.locator(".canvas").getAttribute("data-engine");
  const received = await page.evaluate(() => performance.getEntriesByName("dvt:layout-received").at(-1).startTime);
  const tasks = await page.evaluate((from) => window.__longTasks.filter((t) => t.start >= from), started);
  const during = tasks.filter((t) => t.start < received);
  const after = tasks.filter((t) => t.start >= received);
  const layoutMs = await page.evaluate(() => window.__dvtLastLayout?.ms ?? null);
  const domNodes = await page.locator(".react-flow__node").count();
  result.overview.push({
    items,
    engine,
    layoutMs,
    shownMs: shown - started,
    longestTaskMs: Math.max(0, ...during.map((t) => t.ms)),
    longTasks: during.length,
    drawTaskMs: Math.max(0, ...after.map((t) => t.ms)),
    domNodes,
  });

  // A node's neighbourhood, opened from search: cold (laid out now), then again (from the cache).
  await clearMarks(page);
  await page.getByRole("button", { name: "Collapse all" }).click();
  await shownAt(page);
  for (const [label, target] of [["neighbourhoodCold", process.env.DVT_FOCUS], ["neighbourhoodCached", process.env.DVT_FOCUS]]) {
    if (label === "neighbourhoodCached") {
      await page.getByRole("button", { name: "Overview" }).click();
      await shownAt(page);
    }
    await clearMarks(page);
    await page.getByLabel("Search nodes").fill(target.split(".").at(-1));
    const option = page.getByRole("option", { name: new RegExp(`${target.split(".").at(-1)}\\b`) }).first();
    await option.waitFor();
    const clicked = await option.evaluate((el) => {
      const at = performance.now();
      el.click();
      return at;
    });
    await page.locator(`.gnode[data-unique-id="${target}"]`).waitFor();
    const drawn = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    result[label].push(drawn - clicked);
  }

  // Pan and zoom about 1,000 nodes: their groups opened through a saved CanvasState, in a new page.
  await context.close();
  await saveCanvas(JSON.parse(process.env.DVT_FPS_GROUPS));
  const fpsRun = await freshPage();
  const fpsPage = fpsRun.page;
  await fpsPage.goto(GRAPH);
  await shownAt(fpsPage);
  await fpsPage.waitForTimeout(500);
  result.fpsItems = Number(await fpsPage.locator(".canvas").getAttribute("data-items"));
  result.fpsNodes = await fpsPage.locator(".canvas .gnode").count();
  const box = await fpsPage.locator(".react-flow__pane").boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const pan = await framesPerSecond(fpsPage, async () => {
    for (let i = 0; i < 4; i++) {
      await fpsPage.mouse.move(cx, cy);
      await fpsPage.mouse.down();
      await fpsPage.mouse.move(cx - 300, cy - 120, { steps: 30 });
      await fpsPage.mouse.move(cx, cy, { steps: 30 });
      await fpsPage.mouse.up();
    }
  });
  const zoom = await framesPerSecond(fpsPage, async () => {
    await fpsPage.mouse.move(cx, cy);
    for (let i = 0; i < 24; i++) await fpsPage.mouse.wheel(0, i % 12 < 6 ? -120 : 120);
  });
  result.fps.push({ pan, zoom });
  await fpsRun.context.close();
}

await browser.close();
result.median = {
  firstViewMs: median(result.firstView),
  overviewLongestTaskMs: median(result.overview.map((o) => o.longestTaskMs)),
  overviewLayoutMs: median(result.overview.map((o) => o.layoutMs ?? o.shownMs)),
  neighbourhoodColdMs: median(result.neighbourhoodCold),
  neighbourhoodCachedMs: median(result.neighbourhoodCached),
  panFps: median(result.fps.map((f) => f.pan)),
  zoomFps: median(result.fps.map((f) => f.zoom)),
};
console.log(JSON.stringify(result));
