// `npm run bench:dashboard`: how heavy the built dashboard is and how fast the overview becomes
// usable. Prints the gzipped size of every JS asset, then five cold loads of the demo's overview
// (browser cache cleared each time), and ends with one JSON line:
//   {"bundleKbGzip": <all JS assets, gzip>, "overviewInteractiveMs": <median, navigation start to
//    the cluster card rendered and clickable>}
// Targets: under 500 KB and under 2000 ms.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, dashboardDir, dashboardUrl, launchBrowser, signIn, startStack } from './screenshots.mjs';

const RUNS = 5;

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
    const cdp = await browser.context.newCDPSession(page);
    const times = [];
    for (let run = 1; run <= RUNS; run++) {
      await cdp.send('Network.clearBrowserCache');
      await page.goto(`${site.url}/`, { waitUntil: 'commit' });
      // The overview marks `bh:overview-interactive` (ms since navigation start) once its cluster cards are rendered with their handlers.
      const handle = await page.waitForFunction(() => performance.getEntriesByName('bh:overview-interactive')[0]?.startTime, null, {
        timeout: 20000,
      });
      const ms = await handle.jsonValue();
      const card = page.getByTestId('cluster-card').first();
      const link = card.getByRole('link', { name: 'Open dependency map' });
      if (!(await card.isVisible()) || !(await link.isEnabled()))
        throw new Error('the overview marked itself interactive before its cluster card could be clicked');
      times.push(ms);
      console.log(`overview run ${run}: interactive after ${ms.toFixed(0)} ms`);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(JSON.stringify({ bundleKbGzip: Math.round(bundleKb * 10) / 10, overviewInteractiveMs: Math.round(median) }));
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
