// `npm run bench:map`: how fast and how legibly the dependency map draws,
// for the demo cluster and for a generated cluster of 1,000 namespaces (three single-pod workloads each,
// web-0 -> api-0 -> db-0, each api-0 calling another team's api of its tier, some cross-tier calls and
// external clients). For each cluster: five loads of the map page, timed from the map's data
// answered (the body of the last of its API answers read) to the drawing painted; then, on the drawing shown,
// the number of boxes that overlap, of lines that cross, and of lines that run through a box they
// do not end at. Writes screenshots/map-<cluster>.png (the first screen of the map) and ends with
// one JSON line. Set MAP_BENCH_NAMESPACES to change the generated cluster's size.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD, dashboardUrl, launchBrowser, root, signIn, startStack } from './screenshots.mjs';

const RUNS = 5;
const NAMESPACES = Number(process.env.MAP_BENCH_NAMESPACES ?? 1000);
const APPS = ['web', 'api', 'db'];
const { generatedSnapshot, teamNamespace } = createRequire(import.meta.url)(join(root, 'dist', 'test', 'bench', 'generated-cluster.js'));

/** The generated cluster's traffic as an edge list (one JSON object a line), the format the flow import detects. */
function generatedEdgeList(namespaces) {
  const lines = [];
  const call = (from, to, port) => lines.push(JSON.stringify({ from, to, port, protocol: 'TCP' }));
  for (let i = 0; i < namespaces; i++) {
    const ns = teamNamespace(i);
    call(`${ns}/web-0`, `${ns}/api-0`, 8080);
    call(`${ns}/api-0`, `${ns}/db-0`, 5432);
    // Another team of the same tier (namespaces cycle dev, staging, prod).
    call(`${ns}/api-0`, `${teamNamespace((i + 3) % namespaces)}/api-0`, 8080);
    if (i % 50 === 0 && i + 2 < namespaces) call(`${ns}/api-0`, `${teamNamespace(i + 2)}/db-0`, 5432);
    if (i % 10 === 0) call(`203.0.113.${i % 250}/32`, `${ns}/web-0`, 443);
  }
  return `${lines.join('\n')}\n`;
}

/** Records, in the page, when the map's API answers were read and when the drawing was first painted. */
export function instrument() {
  const api = /\/api\/v1\/clusters\/[^/]+(\/(namespaces|workloads|edges|flow-imports))?(\?|$)/;
  const read = Response.prototype.text;
  window.__mapTimes = { data: 0, drawn: 0 };
  // The dashboard's client reads every answer as text, then parses it.
  Response.prototype.text = async function text() {
    const body = await read.call(this);
    if (api.test(new URL(this.url).pathname)) window.__mapTimes.data = performance.now();
    return body;
  };
  new MutationObserver((_, observer) => {
    if (!document.querySelector('[data-testid="dependency-graph"]')) return;
    observer.disconnect();
    // The frame after the one that holds the drawing: it has been laid out and painted.
    requestAnimationFrame(() => setTimeout(() => (window.__mapTimes.drawn = performance.now()), 0));
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Reads the drawing back from the SVG, in its own units: node boxes from their transforms, and
 * each line sampled into a polyline along its curve. Runs in the page.
 */
export function readDrawing() {
  const svg = document.querySelector('[data-testid="dependency-graph"]');
  // A line names its ends as the map writes them: `namespace/workload`, or the label of anything else.
  const nameOf = (g) =>
    g.dataset.node.startsWith('workload:')
      ? g.dataset.node.slice('workload:'.length)
      : g.getAttribute('aria-label').replace(/^(reserved identity|external addresses, same peers|external)\//, '');
  const boxes = [...svg.querySelectorAll('g.node')].map((g) => {
    const [x, y] = g
      .getAttribute('transform')
      .match(/-?[\d.]+/g)
      .map(Number);
    const rect = g.querySelector('rect');
    return { name: nameOf(g), x, y, w: Number(rect.getAttribute('width')), h: Number(rect.getAttribute('height')) };
  });
  const lines = [...svg.querySelectorAll('path.link')].map((path) => {
    const length = path.getTotalLength();
    const steps = Math.max(2, Math.min(24, Math.ceil(length / 40)));
    const points = Array.from({ length: steps + 1 }, (_, i) => path.getPointAtLength((length * i) / steps)).map(({ x, y }) => ({ x, y }));
    return { from: path.dataset.from, to: path.dataset.to, points };
  });
  return { boxes, lines, width: svg.viewBox.baseVal.width, height: svg.viewBox.baseVal.height };
}

/**
 * What makes a drawing hard to read, counted: boxes that overlap, pairs of lines that cross (lines
 * that share an end do not count), and lines that run through a box that is not one of their ends.
 */
export function countFaults({ boxes, lines }) {
  const bounded = lines.map((l) => {
    const xs = l.points.map((p) => p.x);
    const ys = l.points.map((p) => p.y);
    return { ...l, minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  });
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  let boxOverlaps = 0;
  const sortedBoxes = [...boxes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sortedBoxes.length; i++)
    for (let j = i + 1; j < sortedBoxes.length && sortedBoxes[j].x < sortedBoxes[i].x + sortedBoxes[i].w; j++)
      if (overlap(sortedBoxes[i], sortedBoxes[j])) boxOverlaps++;
  const side = (p, q, r) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  const segmentsCross = (a, b, c, d) => side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
  const linesCross = (l, m) => {
    for (let i = 1; i < l.points.length; i++)
      for (let j = 1; j < m.points.length; j++) if (segmentsCross(l.points[i - 1], l.points[i], m.points[j - 1], m.points[j])) return true;
    return false;
  };
  let crossings = 0;
  const sortedLines = [...bounded].sort((a, b) => a.minX - b.minX);
  for (let i = 0; i < sortedLines.length; i++) {
    const l = sortedLines[i];
    for (let j = i + 1; j < sortedLines.length && sortedLines[j].minX <= l.maxX; j++) {
      const m = sortedLines[j];
      if (m.minY > l.maxY || l.minY > m.maxY) continue;
      if (l.from === m.from || l.from === m.to || l.to === m.from || l.to === m.to) continue;
      if (linesCross(l, m)) crossings++;
    }
  }
  const inside = (p, b) => p.x > b.x + 1 && p.x < b.x + b.w - 1 && p.y > b.y + 1 && p.y < b.y + b.h - 1;
  let linesThroughBoxes = 0;
  for (const l of bounded) {
    const ends = new Set([l.from, l.to]);
    if (
      sortedBoxes.some(
        (b) =>
          !ends.has(b.name) &&
          b.x < l.maxX &&
          b.x + b.w > l.minX &&
          b.y < l.maxY &&
          b.y + b.h > l.minY &&
          l.points.some((p) => inside(p, b)),
      )
    )
      linesThroughBoxes++;
  }
  return { boxes: boxes.length, lines: lines.length, boxOverlaps, crossings, linesThroughBoxes };
}

/**
 * Registers a generated cluster through the API as the signed-in user, as the dashboard would: the
 * cluster, its snapshot (`generatedSnapshot(namespaces, apps)`) and `edgeList` as a flow import, which
 * the worker attributes. Answers the cluster's id once the import succeeded.
 */
export async function importGeneratedCluster(page, { namespaces, apps = APPS, edgeList, name = `generated-${namespaces}` }) {
  const snapshot = generatedSnapshot(namespaces, apps);
  return page.evaluate(
    async ({ snapshot, edgeList, name }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const send = async (method, path, body, type = 'application/json') => {
        const res = await fetch(path, { method, headers: { 'content-type': type, 'x-csrf-token': me.csrfToken }, body });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const cluster = await send('POST', '/api/v1/clusters', JSON.stringify({ name, cni: 'cilium' }));
      await send('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, JSON.stringify(snapshot));
      const flows = await send(
        'POST',
        `/api/v1/clusters/${cluster.id}/flow-imports?fileName=generated.jsonl`,
        edgeList,
        'application/x-ndjson',
      );
      for (let waited = 0; waited < 180000; waited += 500) {
        const state = await (await fetch(`/api/v1/flow-imports/${flows.id}`)).json();
        if (state.status === 'succeeded') return cluster.id;
        if (state.status === 'failed') throw new Error(`the generated flows failed to import: ${JSON.stringify(state)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('the generated flows were not imported within 3 minutes');
    },
    { snapshot, edgeList, name },
  );
}

async function timeMap(page, url, label) {
  const times = [];
  for (let run = 1; run <= RUNS; run++) {
    await page.goto(url);
    await page.getByTestId('dependency-graph').waitFor({ timeout: 120000 });
    const handle = await page.waitForFunction(() => window.__mapTimes.drawn > 0 && window.__mapTimes, null, { timeout: 120000 });
    const { data, drawn } = await handle.jsonValue();
    times.push(drawn - data);
    console.log(`${label} run ${run}: data read at ${data.toFixed(0)} ms, drawn ${(drawn - data).toFixed(0)} ms later`);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

async function main() {
  const stack = await startStack();
  let site;
  let browser;
  try {
    site = await dashboardUrl(stack.apiUrl);
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, site.url, 'admin', ADMIN_PASSWORD);
    const started = Date.now();
    const generatedId = await importGeneratedCluster(page, { namespaces: NAMESPACES, edgeList: generatedEdgeList(NAMESPACES) });
    console.log(`generated cluster: ${NAMESPACES} namespaces imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await page.addInitScript(instrument);
    await mkdir(join(root, 'screenshots'), { recursive: true });
    const result = {};
    for (const [label, id] of [
      ['demo', stack.clusterId],
      [`generated-${NAMESPACES}`, generatedId],
    ]) {
      const drawnMs = await timeMap(page, `${site.url}/clusters/${id}/map`, label);
      await page.getByTestId('dependency-graph').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(root, 'screenshots', `map-${label}.png`) });
      const drawing = await page.evaluate(readDrawing);
      const faults = countFaults(drawing);
      console.log(`${label}: ${JSON.stringify(faults)}, ${Math.round(drawing.width)} x ${Math.round(drawing.height)}`);
      result[label] = { drawnMs, ...faults, width: Math.round(drawing.width), height: Math.round(drawing.height) };
    }
    console.log(JSON.stringify(result));
  } finally {
    await browser?.close().catch(() => undefined);
    await site?.close().catch(() => undefined);
    await stack.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
