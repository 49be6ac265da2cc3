// `npm run screenshots`: starts the built API (with its worker and the demo cluster) on a throwaway
// database and data folder, signs in to the dashboard in Chromium, and writes one PNG per page to
// screenshots/, numbered in the order a user meets them: overview, cluster, namespaces, map, flow
// imports, access, plan, rollout, approvals, drift, audit. Stops everything it started. Also the
// shared start-up for tools/bench-dashboard.mjs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dashboardDir = join(root, 'dist', 'apps', 'dashboard');
const apiMain = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
export const ADMIN_PASSWORD = 'screenshots-admin-password';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the built dashboard and forwards /api (and the health routes) to the API: what the API
 * itself does once it serves dist/apps/dashboard, for an API that does not (yet).
 */
export async function serveDashboardWithProxy(apiUrl) {
  const api = new URL(apiUrl);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (/^\/(api|healthz|readyz|metrics)(\/|$)/.test(path)) {
      const upstream = httpRequest(
        { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 502, code: 'proxy', message: e.message }));
      });
      req.pipe(upstream);
      return;
    }
    let file = normalize(join(dashboardDir, path));
    if (!file.startsWith(dashboardDir)) file = join(dashboardDir, 'index.html');
    let isFile = false;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) file = join(dashboardDir, 'index.html');
    const stream = createReadStream(file);
    stream.once('open', () => {
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': file.endsWith('.html') ? 'no-cache' : 'max-age=3600',
      });
      stream.pipe(res);
    });
    stream.once('error', () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('the dashboard is not built: npx vite build --config apps/dashboard/vite.config.mts');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The dashboard's address: the API's own when it serves the dashboard, else a proxy in front of it. */
export async function dashboardUrl(apiUrl) {
  const res = await fetch(`${apiUrl}/`, { headers: { accept: 'text/html' } }).catch(() => null);
  const html = res && res.ok && (res.headers.get('content-type') ?? '').includes('text/html');
  if (html) return { url: apiUrl, servedByApi: true, close: async () => undefined };
  const proxy = await serveDashboardWithProxy(apiUrl);
  return { ...proxy, servedByApi: false };
}

async function waitUntil(check, ms, what, log) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (/the worker exited/.test(error?.message ?? '')) throw error;
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${ms} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts `node dist/apps/api/src/main.js --with-worker` on a unique database and a throwaway data
 * folder, waits for the demo cluster's flows to be imported, and returns how to stop it all.
 */
export async function startStack({ log = false } = {}) {
  if (!existsSync(apiMain)) throw new Error('dist/apps/api is missing: run `npm run build` first');
  if (!existsSync(join(dashboardDir, 'index.html')))
    throw new Error('dist/apps/dashboard is missing: run `npx vite build --config apps/dashboard/vite.config.mts`');
  const port = await freePort();
  const suffix = randomBytes(4).toString('hex');
  const dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-screens-'));
  const server = process.env.SCREENSHOTS_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const database = `bulkhead_screens_${suffix}`;
  let output = '';
  const child = spawn(process.execPath, [apiMain, '--with-worker'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      BULKHEAD_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BULKHEAD_DATA_DIR: dataDir,
      DATABASE_URL: `${server}/${database}`,
      BULKHEAD_QUEUE_PREFIX: `bh-screens-${suffix}`,
      LOG_LEVEL: 'warn',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  if (log) child.stderr.pipe(process.stderr);
  const apiUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone already */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 10000);
      await exited;
      clearTimeout(timer);
    }
    await dropDatabase(server, database).catch(() => undefined);
    await dropQueues(`bh-screens-${suffix}`).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => (await fetch(`${apiUrl}/readyz`)).status === 200,
      90000,
      'the API',
      () => output,
    );
    // The demo's flows are imported by the worker: wait until the map is there.
    const signIn = await fetch(`${apiUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    const get = async (path) => (await fetch(`${apiUrl}${path}`, { headers: { cookie } })).json();
    let clusterId;
    await waitUntil(
      async () => {
        if (output.includes('"worker exited"')) throw new Error(`the worker exited\n${output}`);
        const clusters = await get('/api/v1/clusters');
        clusterId = clusters[0]?.id;
        if (!clusterId) return false;
        const { items: imports } = await get(`/api/v1/clusters/${clusterId}/flow-imports`);
        return imports.length > 0 && imports.every((i) => i.status === 'succeeded' || i.status === 'failed');
      },
      60000,
      'the demo flow import',
      () => output,
    );
    return { apiUrl, clusterId, databaseUrl: `${server}/${database}`, stop, output: () => output };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function dropDatabase(server, database) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Removes the BullMQ keys of the throwaway queue prefix (an embedded Redis went away with the API anyway). */
async function dropQueues(prefix) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function launchBrowser(viewport = { width: 1366, height: 768 }) {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'bulkhead-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function main() {
  const out = join(root, 'screenshots');
  await mkdir(out, { recursive: true });
  const stack = await startStack();
  let site;
  let browser;
  try {
    site = await dashboardUrl(stack.apiUrl);
    console.log(`dashboard at ${site.url} (${site.servedByApi ? 'served by the API' : 'static server proxying /api to the API'})`);
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    let shots = 0;
    /** Writes `<nn>-<name>.png`, of the page or of one element of it (`element`, a locator). */
    const shoot = async (name, { element, ...options } = {}) => {
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(250);
      shots += 1;
      const file = join(out, `${String(shots).padStart(2, '0')}-${name}.png`);
      await (element ?? page).screenshot({ path: file, ...options });
      console.log(`wrote ${file}`);
    };

    await page.goto(`${site.url}/`);
    await page.getByLabel('User name').waitFor();
    await shoot('sign-in');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await shoot('sign-in-wrong-password');

    await signIn(page, site.url, 'admin', ADMIN_PASSWORD);
    // A second cluster whose CNI enforces nothing, and a viewer, through the API as the signed-in admin.
    await page.evaluate(async () => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const post = (path, body) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify(body),
        });
      await post('/api/v1/clusters', { name: 'edge-lab', cni: 'flannel', description: 'Lab cluster on Flannel, not imported yet.' });
      await post('/api/v1/users', { username: 'vera', password: 'viewer password 123', role: 'viewer' });
      await post('/api/v1/users', { username: 'aria', password: 'approver password 123', role: 'approver' });
    });
    await page.reload();
    await page.getByTestId('cluster-card').first().waitFor();
    await page.locator('.tiers').first().waitFor();
    await shoot('overview', { fullPage: true });

    await page.goto(`${site.url}/clusters/${stack.clusterId}`);
    await page.getByTestId('namespace-table').waitFor();
    await shoot('cluster');
    await shoot('namespaces', { element: page.getByTestId('namespace-table') });

    const map = `${site.url}/clusters/${stack.clusterId}/map`;
    await page.goto(map);
    await page.getByTestId('dependency-graph').waitFor();
    await shoot('dependency-map');
    await page.goto(`${map}?namespace=orders-dev`);
    await page.getByTestId('dependency-graph').waitFor();
    await shoot('dependency-map-namespace', { fullPage: true });
    await page.goto(`${map}?crossTier=1`);
    await page.getByTestId('edge-table').waitFor();
    await page.locator('.edge-row.cross-tier').first().getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel(/Why should this dependency not be allowed/).fill('debug pod left over from the incident');
    await shoot('dependency-map-reject', { fullPage: true });
    await page.goto(map);
    await page.getByRole('button', { name: 'Declare dependency' }).click();
    await page.locator('#edge-from').fill('nowhere/nothing');
    await page.locator('#edge-to').fill('payments-prod/payments-api');
    await page.locator('#edge-port').fill('8080');
    await page.getByRole('button', { name: 'Add dependency' }).click();
    await page.locator('.field-problem').first().waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('declare-dependency-problems');

    await page.goto(`${site.url}/clusters/${stack.clusterId}/flow-imports`);
    await page.getByTestId('flow-import').first().waitFor();
    const edgeList = [
      { from: 'orders-prod/orders-api', to: 'payments-prod/payments-api', port: 8080, protocol: 'TCP' },
      { from: 'orders-prod/orders-api', to: 'kafka-prod/kafka', port: 9092, protocol: 'TCP' },
      { from: 'orders-prod/orders-api', to: 'nope', port: 80 },
      { from: 'orders-prod/orders-api', to: 'payments-prod/payments-api' },
    ];
    await page.getByLabel('Flow file to upload').setInputFiles({
      name: 'orders-edges.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(edgeList.map((e) => JSON.stringify(e)).join('\n')),
    });
    await page
      .locator('[data-testid="flow-import"][data-status="succeeded"]', { hasText: 'orders-edges.jsonl' })
      .waitFor({ timeout: 30000 });
    await shoot('flow-imports');

    await page.goto(`${site.url}/access`);
    await page.getByRole('table', { name: 'API tokens' }).getByRole('row').nth(1).waitFor();
    await shoot('access');

    await shootRollouts(page, site.url, stack, shoot);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, site.url, 'vera', 'viewer password 123');
    await page.goto(`${map}?namespace=payments-prod`);
    await page.getByTestId('edge-table').waitFor();
    await shoot('dependency-map-as-viewer');
  } finally {
    await browser?.close().catch(() => undefined);
    await site?.close().catch(() => undefined);
    await stack.stop();
  }
}

/**
 * Plans, rollouts, approvals and the audit log: the admin makes a plan and rolls it out with fast
 * settings (the demo's dev tier verifies in seconds), sees the approval as their own, then the
 * approver `aria` approves staging, where the demo's hidden dependency halts the rollout.
 */
async function shootRollouts(page, baseUrl, stack, shoot) {
  const { clusterId } = stack;
  await page.goto(`${baseUrl}/clusters/${clusterId}/plans`);
  await page.getByText('No plan yet').waitFor();
  await shoot('plans-empty');
  await page.getByRole('button', { name: 'Make a plan' }).click();
  await page.getByTestId('newly-blocked').waitFor({ timeout: 30000 });
  const planUrl = page.url();
  await shoot('plan-impact', { fullPage: true });
  await page.getByRole('tab', { name: /Lint findings/ }).click();
  await page.getByTestId('plan-findings').or(page.getByText('Lint finds nothing')).first().waitFor();
  await shoot('plan-findings');
  await page.goto(`${planUrl}?tab=policies&namespace=payments-prod`);
  await page.getByTestId('plan-yaml').waitFor();
  await shoot('plan-policies');
  await page.goto(`${planUrl}?tab=diff&against=live`);
  await page.locator('.diff').first().waitFor({ timeout: 30000 });
  await shoot('plan-diff-live');
  await page.goto(`${baseUrl}/clusters/${clusterId}/plans`);
  await page.getByTestId('plan-table').waitFor();
  await shoot('plans');

  await page.goto(planUrl);
  await page.getByRole('link', { name: 'Roll out this plan' }).click();
  await page.getByLabel('Waves').fill('1, 8');
  await page.getByLabel('Settle time (s)').fill('0');
  await page.getByLabel('Probe retries').fill('1');
  await page.getByLabel('Probe timeout (ms)').fill('1000');
  await page.getByLabel('Retry delay (ms)').fill('10');
  // The demo's namespaces without a tier (ingress, monitoring, ...) stay out of this rollout, each with its reason.
  for (const stage of await page.getByLabel(/^Stage of /).all()) {
    const namespace = (await stage.getAttribute('aria-label')).replace(/^Stage of /, '');
    await stage.selectOption('exclude');
    const reason = page.getByLabel(`Why ${namespace} is excluded`);
    if (!(await reason.inputValue())) await reason.fill('no tier yet: left out of the first rollout');
  }
  await shoot('rollout-new');
  await page.getByRole('button', { name: 'Create and start' }).click();
  await page.getByTestId('rollout').waitFor();
  const rolloutUrl = page.url();
  await page.locator('[data-testid="stage"][data-tier="staging"][data-status="waiting_approval"]').waitFor({ timeout: 90000 });
  await page.locator('[data-testid="stage"][data-tier="dev"] [data-testid="step"]').first().getByRole('button', { name: 'Probes' }).click();
  await shoot('rollout-waiting-approval', { fullPage: true });
  await page.goto(`${baseUrl}/approvals`);
  await page.getByTestId('own-rollout').waitFor();
  await shoot('approvals-own-rollout');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, baseUrl, 'aria', 'approver password 123');
  await page.getByTestId('approvals-count').waitFor();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Approvals/ })
    .click();
  await page.getByTestId('approval').first().waitFor();
  await page.getByLabel('Comment (kept in the audit log)').fill('dev probes all green, change window agreed');
  await shoot('approvals');
  await page.getByRole('button', { name: 'Approve staging' }).click();
  await page.getByText('Nothing waits for an approval').waitFor();
  await page.goto(rolloutUrl);
  // The demo's hidden dependency (notifications-staging → payments-staging) breaks a probe: the namespace is put back and the rollout halts.
  await page.locator('[data-testid="rollout"][data-status="halted"]').waitFor({ timeout: 90000 });
  await page.locator('.step-failing').first().waitFor();
  await shoot('rollout-halted', { fullPage: true });
  await page.goto(`${baseUrl}/rollouts`);
  await page.getByTestId('rollout-table').waitFor();
  await shoot('rollouts');
  await shootDrift(page, baseUrl, stack, rolloutUrl, shoot);

  await page.goto(`${baseUrl}/audit`);
  await page.getByTestId('audit-table').waitFor();
  await shoot('audit');
  await page.goto(`${baseUrl}/audit?cluster=${clusterId}&action=rollout.step.policies_applied`);
  await page.getByTestId('audit-row').first().waitFor();
  await page.getByTestId('audit-row').first().getByRole('button', { name: 'Policies' }).click();
  await shoot('audit-policies');
}

/**
 * Drift: a policy the rollout verified in dev is deleted by hand, as `kubectl delete networkpolicy`
 * would; the simulated driver's own delete is that hand (the API has no route that deletes a live
 * policy outside a rollout). The drift page, checked now, shows the finding with its YAML difference.
 * Ends signed in as the admin.
 */
async function shootDrift(page, baseUrl, stack, rolloutUrl, shoot) {
  // Checking for drift is an operator's to ask; the approver hands back to the admin.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, baseUrl, 'admin', ADMIN_PASSWORD);
  await page.goto(rolloutUrl);
  const namespace = await page
    .locator('[data-testid="stage"][data-tier="dev"] [data-testid="step"][data-phase="verified"]')
    .first()
    .getAttribute('data-namespace');
  const { default: pg } = await import('pg');
  const { SimulatedDriver } = createRequire(import.meta.url)(
    join(root, 'dist', 'libs', 'cluster', 'src', 'simulated', 'simulated-driver.js'),
  );
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 1 });
  try {
    const driver = new SimulatedDriver({ query: async (sql, params) => (await pool.query(sql, params)).rows }, stack.clusterId);
    const [policy] = await driver.readPolicies(namespace);
    await driver.deletePolicies(namespace, [policy.metadata.name]);
  } finally {
    await pool.end();
  }
  await page.goto(`${baseUrl}/clusters/${stack.clusterId}/drift`);
  await page.getByRole('button', { name: 'Check now' }).click();
  await page
    .getByRole('region', { name: `Drift in ${namespace}` })
    .locator('[data-kind="policy_removed"]')
    .waitFor({ timeout: 30000 });
  await shoot('drift', { fullPage: true });
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
