import { spawnSync } from 'node:child_process';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Harness, seedDemoCluster, startApi, USER_PASSWORD } from '../../integration/support/harness';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium, started the way this machine allows (no sandbox as root, no background traffic). */
export const CHROMIUM = '/usr/bin/chromium';
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
export const VIEWPORT = { width: 1366, height: 768 };

const root = join(__dirname, '..', '..', '..');
const dashboardDir = join(root, 'dist', 'apps', 'dashboard');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the dashboard when dist/ lacks it or is older than its sources (npm test builds it first). */
export function ensureDashboardBuilt(): void {
  const index = join(dashboardDir, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(root, 'apps', 'dashboard', 'src'))) return;
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/dashboard/vite.config.mts', '--logLevel', 'error'],
    { cwd: root, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`the dashboard does not build:\n${build.stderr}${build.stdout}`);
}

/** The API serves the built dashboard at `/`; fail clearly when it does not. */
export async function dashboardUrl(apiUrl: string): Promise<string> {
  const home = await fetch(`${apiUrl}/`, { headers: { accept: 'text/html' } });
  if (!home.ok || !(home.headers.get('content-type') ?? '').includes('text/html'))
    throw new Error(`the API at ${apiUrl} does not serve the dashboard (GET / answered ${home.status})`);
  return apiUrl;
}

/** A Chromium on a throwaway profile, for a spec that keeps one browser context across its tests; close() removes the profile. */
export async function browserWithProfile(prefix: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
  });
  context.setDefaultTimeout(10000);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The API with a worker and the demo cluster, serving its dashboard, and a Chromium to look at it. */
export interface DemoDashboard {
  api: Harness;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** How the demo is seeded: `liveSources` adds its simulated flow source `live`, which the worker then collects. */
export interface DemoOptions {
  liveSources?: boolean;
}

async function startDemoDashboard(env: Record<string, string> = {}, options: DemoOptions = {}): Promise<DemoDashboard> {
  ensureDashboardBuilt();
  const api = await startApi(env, { worker: true });
  await seedDemoCluster(api, new Date(), options);
  const baseUrl = await dashboardUrl(api.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    api,
    baseUrl,
    browser,
    async close() {
      await browser.close();
      await api.close();
    },
  };
}

/** A page in a fresh browser context (UTC), signed in to the dashboard as one of the harness's users. */
/** Signs in through the dashboard's form at `baseUrl` and waits for the main navigation. */
export async function signIn(page: Page, baseUrl: string, username: string, password = USER_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signedInPage(dashboard: DemoDashboard, username: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await dashboard.browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC' });
  const page = await context.newPage();
  await signIn(page, dashboard.baseUrl, username);
  return { page, context };
}

/** The demo dashboard for a whole spec file: started before its tests, closed after them. Call at the top of the file. */
export function demoDashboardPerFile(
  env: Record<string, string> = {},
  options: DemoOptions = {},
): { readonly dashboard: DemoDashboard; readonly api: Harness } {
  let started: DemoDashboard | undefined;
  beforeAll(async () => {
    started = await startDemoDashboard(env, options);
  }, 120000);
  afterAll(() => started?.close(), 30000);
  const current = (): DemoDashboard => {
    if (!started) throw new Error('the demo dashboard is not started yet');
    return started;
  };
  return {
    get dashboard() {
      return current();
    },
    get api() {
      return current().api;
    },
  };
}
