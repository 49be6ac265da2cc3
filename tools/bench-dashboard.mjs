// `npm run bench:dashboard`: how heavy the built dashboard is and how fast its main pages become
// usable on a large cluster. Prints the gzipped size of every JS asset; registers a generated cluster
// of 1,000 namespaces and 50,000 edges through the API, as the dashboard does (cluster, snapshot, flow
// import attributed by the worker), makes its plan and a draft rollout of it; then times cold loads
// (browser cache cleared each time) of the overview, and of the large cluster's map, plan, rollout and
// the audit log. A page is interactive when its main content is rendered with its data:
//   overview  the cluster cards, with their handlers (the page marks `bh:overview-interactive`)
//   map       the drawing and the first row of the edge table
//   plan      its first tab, Impact, down to its last table (the blast radius by namespace)
//   rollout   the stages with their namespaces' steps
//   audit     the first row of the log
// Each figure is the median of the runs, in ms since navigation start. Ends with one JSON line:
//   {"bundleKbGzip", "overviewInteractiveMs", "mapInteractiveMs", "planInteractiveMs",
//    "rolloutInteractiveMs", "auditInteractiveMs"}
// Targets: JS under 500 KB gzip, each page under 2000 ms. BENCH_NAMESPACES and BENCH_EDGES change the size.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { importGeneratedCluster } from './bench-map.mjs';
import { ADMIN_PASSWORD, dashboardDir, dashboardUrl, launchBrowser, root, signIn, startStack } from './screenshots.mjs';

const RUNS = 3;
const TARGET_MS = 2000;
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 1000);
const EDGES = Number(process.env.BENCH_EDGES ?? 50000);
const { teamNamespace } = createRequire(import.meta.url)(join(root, 'dist', 'test', 'bench', 'generated-cluster.js'));

async function bundleSize() {
  const assets = join(dashboardDir, 'assets');
  const files = (await readdir(assets)).filter((f) => f.endsWith('.js')).sort();
  let total = 0;
  for (const f of files) {
    const raw = await readFile(join(assets, f));
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    console.log(
      `bundle  ${f.padEnd(32)} ${(raw.length / 1024).toFixed(1).padStart(8)} KB raw ${(gz / 1024).toFixed(1).padStart(8)} KB gzip`,
    );
  }
  return total / 1024;
}

/**
 * `edges` distinct dependencies as an edge list: in each namespace web-0 -> api-0 -> db-0, and its
 * api-0 calling the api-0 of the namespaces after it (every third one, so mostly within its tier),
 * as many as it takes.
 */
function largeEdgeList(namespaces, edges) {
  const lines = [];
  const call = (from, to, port) => lines.push(JSON.stringify({ from, to, port, protocol: 'TCP' }));
  for (let i = 0; i < namespaces; i++) {
    call(`${teamNamespace(i)}/web-0`, `${teamNamespace(i)}/api-0`, 8080);
    call(`${teamNamespace(i)}/api-0`, `${teamNamespace(i)}/db-0`, 5432);
  }
  const perNamespace = Math.ceil((edges - lines.length) / namespaces);
  for (let k = 1; k <= perNamespace; k++)
    for (let i = 0; i < namespaces && lines.length < edges; i++)
      call(`${teamNamespace(i)}/api-0`, `${teamNamespace((i + 3 * k) % namespaces)}/api-0`, 8080);
  return `${lines.join('\n')}\n`;
}

/** The large cluster's plan and a draft rollout of it (kube-system, without a tier, left out), as the signed-in admin. */
function planAndDraftRollout(page, clusterId) {
  return page.evaluate(async (clusterId) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const post = async (path, body) => {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'x-csrf-token': me.csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body && JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const plan = await post(`/api/v1/clusters/${clusterId}/plans`);
    // Its id is all that is needed: the light view spares reading every step's probes.
    const rollout = await post('/api/v1/rollouts?view=digest', {
      planId: plan.id,
      exclude: [{ namespace: 'kube-system', reason: 'system namespace' }],
      start: false,
    });
    return { planId: plan.id, rolloutId: rollout.id };
  }, clusterId);
}

/**
 * Median time since navigation start until `ready(arg)`, run in the page at each frame, answers a
 * number: the time it saw the page ready.
 */
async function timePage(page, cdp, label, url, ready, arg = null) {
  const times = [];
  for (let run = 1; run <= RUNS; run++) {
    await cdp.send('Network.clearBrowserCache');
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 60000 });
    const ms = await handle.jsonValue();
    times.push(ms);
    // Where the time went: the API's answers read by then (when the last ended, how much they weighed).
    const answers = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
        .reduce((sum, entry) => ({ endMs: Math.max(sum.endMs, entry.responseEnd), kb: sum.kb + entry.decodedBodySize / 1024 }), {
          endMs: 0,
          kb: 0,
        }),
    );
    console.log(
      `${label} run ${run}: interactive after ${ms.toFixed(0)} ms (API answers: ${answers.kb.toFixed(0)} KB, the last read by ${answers.endMs.toFixed(0)} ms)`,
    );
  }
  times.sort((a, b) => a - b);
  const median = Math.round(times[Math.floor(times.length / 2)]);
  console.log(`${label}: median ${median} ms${median > TARGET_MS ? ` (over the ${TARGET_MS} ms target)` : ''}`);
  return median;
}

/** Ready once every selector matches: the time then, in ms since navigation start (false before). */
const shown = (selectors) => selectors.every((selector) => document.querySelector(selector)) && performance.now();

async function main() {
  const bundleKb = await bundleSize();
  const stack = await startStack();
  let site;
  let browser;
  try {
    site = await dashboardUrl(stack.apiUrl);
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, site.url, 'admin', ADMIN_PASSWORD);

    let started = Date.now();
    const clusterId = await importGeneratedCluster(page, {
      namespaces: NAMESPACES,
      edgeList: largeEdgeList(NAMESPACES, EDGES),
      name: `large-${NAMESPACES}`,
    });
    console.log(`large cluster: ${NAMESPACES} namespaces, ${EDGES} edges imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    const { planId, rolloutId } = await planAndDraftRollout(page, clusterId);
    console.log(`large cluster: plan and draft rollout made in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const cdp = await browser.context.newCDPSession(page);
    const overviewInteractiveMs = await timePage(page, cdp, 'overview', `${site.url}/`, () => {
      const mark = performance.getEntriesByName('bh:overview-interactive')[0];
      return mark !== undefined && mark.startTime;
    });
    const card = page.getByTestId('cluster-card').first();
    if (!(await card.isVisible()) || !(await card.getByRole('link', { name: 'Open dependency map' }).isEnabled()))
      throw new Error('the overview marked itself interactive before its cluster card could be clicked');
    const result = {
      bundleKbGzip: Math.round(bundleKb * 10) / 10,
      overviewInteractiveMs,
      mapInteractiveMs: await timePage(page, cdp, 'map', `${site.url}/clusters/${clusterId}/map`, shown, [
        '[data-testid="dependency-graph"]',
        '[data-testid="edge-table"] tbody tr',
      ]),
      planInteractiveMs: await timePage(page, cdp, 'plan', `${site.url}/plans/${planId}`, shown, ['[data-testid="blast-radius"] tbody tr']),
      rolloutInteractiveMs: await timePage(page, cdp, 'rollout', `${site.url}/rollouts/${rolloutId}`, shown, [
        '[data-testid="stage"] [data-testid="step"]',
      ]),
      auditInteractiveMs: await timePage(page, cdp, 'audit', `${site.url}/audit`, shown, ['[data-testid="audit-row"]']),
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser?.close().catch(() => undefined);
    await site?.close().catch(() => undefined);
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
