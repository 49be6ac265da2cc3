import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

/** The classic billion laughs: ten levels of ten aliases each, 10^9 "lol"s from under a kilobyte. */
export const billionLaughs =
  [
    'lol0: &lol0 "lol"',
    ...Array.from({ length: 9 }, (_, i) => `lol${i + 1}: &lol${i + 1} [${Array(10).fill(`*lol${i}`).join(', ')}]`),
  ].join('\n') + '\n';

/** A wide variant: one anchor of twenty thousand entries, referenced from five thousand places. */
export const wideLaughs = `a: &a [${Array(20_000).fill('"lol"').join(', ')}]\nb: [${Array(5000).fill('*a').join(', ')}]\n`;

/** One large anchor referenced `references` times: each alias is small, what it stands for is not. */
export const largeAnchor = (anchorBytes: number, references: number) =>
  `apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    big: &big "${'x'.repeat(anchorBytes)}"\nitems:\n  - kind: Namespace\n    metadata:\n      name: bomb\n      labels: [${Array(references).fill('*big').join(', ')}]\n`;

/** Nesting a recursive walker would choke on. */
export const deepNesting = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/**
 * Runs the attack while polling GET /healthz back to back, and reports the slowest answer and how long
 * the attack took: the liveness check that every other route is still served while the API works on it.
 */
export async function whileWatchingHealthz<T>(
  url: string,
  attack: () => Promise<T>,
): Promise<{ result: T; slowestMs: number; answers: number; attackMs: number }> {
  const attackStarted = performance.now();
  let done = false;
  let slowestMs = 0;
  let answers = 0;
  const watch = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${url}/healthz`);
      await res.text();
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answers++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await attack();
    return { result, slowestMs, answers, attackMs: performance.now() - attackStarted };
  } finally {
    done = true;
    await watch;
  }
}

/**
 * A request to send from a separate Node process, so that encoding and sending a body of tens of
 * megabytes, and reading a large answer, do not run on the event loop of this test process, which is
 * also the API's. The body is written to a file first (prepare before the watch starts); send() runs
 * the client, which answers the status and `summary` (JavaScript source of a function) of the body.
 */
export async function requestFromAnotherProcess(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
  summary = '(body) => body',
) {
  const dir = await mkdtemp(join(tmpdir(), 'bulkhead-attack-'));
  const file = join(dir, 'body');
  await writeFile(file, init.body);
  const client = `
    const body = require('node:fs').readFileSync(process.argv[1]);
    fetch(process.argv[2], { method: process.argv[3], headers: JSON.parse(process.argv[4]), body })
      .then(async (res) => process.stdout.write(JSON.stringify({ status: res.status, body: (${summary})(await res.json()) })))
      .catch((error) => { process.stderr.write(String(error)); process.exit(1); });`;
  return {
    async send(): Promise<{ status: number; body: any }> {
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['-e', client, file, url, init.method, JSON.stringify(init.headers)],
          { maxBuffer: 1024 * 1024 },
        );
        return JSON.parse(stdout);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Whether /healthz was served all along: no answer waited 200 ms, or, when the machine is so busy that the
 * attack itself took long, a quarter of the attack's time. An event loop blocked by the attack holds an
 * answer for most of the attack, so this still fails then; the floor alone failed on a loaded machine
 * (222 ms while two test workers and the evaluation thread shared two cores).
 */
export function expectServedThroughout(watch: { slowestMs: number; attackMs: number }): void {
  expect(watch.slowestMs).toBeLessThan(Math.max(200, watch.attackMs / 4));
}
