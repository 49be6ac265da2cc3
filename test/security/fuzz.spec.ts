import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi, untieredExclusions } from '../integration/support/harness';
import {
  anyJson,
  asWire,
  hostileString,
  type JsonSchema,
  queryString,
  shapedBy,
  snapshotDocument,
  type WireBody,
} from './support/fuzz-arbitraries';

/**
 * Every write route of the OpenAPI document, driven with generated bodies, query strings, path
 * parameters and snapshot documents, as an admin (who reaches the most code). Every answer must be a
 * 2xx, or a 4xx that says what is wrong: a 400 names the field, any other 4xx carries a code. No 500,
 * no request that hangs, and the service still answers at the end.
 */
const CASES = Number(process.env.BULKHEAD_FUZZ_CASES ?? 10_000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 20_000;
// A fixed seed by default, so that CI runs the same cases every time; set another to explore further.
const SEED = Number(process.env.BULKHEAD_FUZZ_SEED ?? 20261207);

/** A URL cannot carry an unpaired surrogate at all: the client side replaces it, as a browser would. */
const wellFormed = (text: string) => text.replace(/\p{Cs}/gu, '\uFFFD');

interface Route {
  method: string;
  path: string;
  params: string[];
  schema?: JsonSchema;
}

interface Case {
  route: Route;
  path: string;
  body?: WireBody;
}

interface Outcome {
  route: string;
  status: number;
  problem?: string;
  sent?: string;
}

let api: Harness;
const ids: Record<string, string[]> = {};
/** The server's error log, so that a failure shows the stack behind its error id. */
const serverErrors: string[] = [];

/** Real ids to put in path parameters and bodies, so that generated requests get past "not found". */
async function fixtures(): Promise<void> {
  const cluster = (await api.call('POST', '/api/v1/clusters', { body: { name: 'fuzz', cni: 'calico' } })).body;
  await api.call('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, {
    raw: readFileSync(join(__dirname, '../fixtures/small-snapshot.yaml')),
    headers: { 'content-type': 'application/yaml' },
  });
  const edge = (
    await api.call('POST', `/api/v1/clusters/${cluster.id}/edges`, {
      body: { from: 'web/frontend', to: 'api/orders-api', port: 8080, protocol: 'TCP' },
    })
  ).body;
  const plan = (await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`)).body;
  const rollout = (
    await api.call('POST', '/api/v1/rollouts', { body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id) } })
  ).body;
  const token = (await api.call('POST', '/api/v1/tokens', { body: { name: 'fuzz-victim', role: 'viewer' } })).body;
  const flows = await api.call('POST', `/api/v1/clusters/${cluster.id}/flow-imports?fileName=f.jsonl`, {
    raw: readFileSync(join(__dirname, '../fixtures/small-flows.hubble.jsonl')),
  });
  Object.assign(ids, {
    clusterId: [cluster.id],
    edgeId: [edge.id],
    planId: [plan.id],
    rolloutId: [rollout.id],
    tokenId: [token.id],
    importId: [flows.body.id],
    namespace: ['web', 'api', 'db'],
  });
  for (const [name, values] of Object.entries(ids)) {
    for (const value of values)
      if (typeof value !== 'string') throw new Error(`fixture ${name} was not created: ${JSON.stringify(values)}`);
  }
}

function writeRoutes(document: {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema?: JsonSchema }> } }>
  >;
}): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      routes.push({
        method: method.toUpperCase(),
        path,
        params: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        schema: operation.requestBody?.content['application/json']?.schema,
      });
    }
  }
  // Deletions last, so that they do not take the fixtures away from the other routes early.
  return routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

const knownIds = () => fc.constantFrom(...Object.values(ids).flat());

function caseFor(route: Route): fc.Arbitrary<Case> {
  const param = (name: string) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...(ids[name] ?? [''])) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: hostileString },
    );
  const path = fc
    .tuple(fc.tuple(...route.params.map(param)), queryString)
    .map(
      ([values, query]) =>
        route.params.reduce((p, name, i) => p.replace(`{${name}}`, encodeURIComponent(wellFormed(values[i] || 'x'))), route.path) + query,
    );
  const body: fc.Arbitrary<WireBody | undefined> = route.path.endsWith('/snapshot')
    ? asWire(fc.oneof({ weight: 4, arbitrary: snapshotDocument }, { weight: 1, arbitrary: anyJson }))
    : route.path === '/api/v1/simulate'
      ? asWire(
          fc.record({
            snapshot: snapshotDocument,
            probes: fc.array(shapedBy(route.schema?.properties?.probes?.items, knownIds()), { maxLength: 4 }),
          }),
        )
      : route.schema
        ? asWire(shapedBy(route.schema, knownIds()))
        : fc.option(asWire(anyJson), { freq: 3 }).map((b) => b ?? undefined);
  return fc.record({ route: fc.constant(route), path, body });
}

async function send(c: Case): Promise<Outcome> {
  const route = `${c.route.method} ${c.route.path}`;
  const sent = `${c.route.method} ${c.path} ${c.body ? c.body.text.slice(0, 300) : ''}`;
  let res: Response;
  try {
    res = await fetch(`${api.url}${c.path}`, {
      method: c.route.method,
      headers: { authorization: `Bearer ${api.tokens.admin}`, ...(c.body ? { 'content-type': c.body.contentType } : {}) },
      body: c.body?.text,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return { route, status: 0, problem: `no answer: ${(error as Error).message}`, sent };
  }
  const text = await res.text();
  let answer: { code?: unknown; problems?: Array<{ field?: unknown }> } = {};
  try {
    answer = JSON.parse(text);
  } catch {
    /* a non-JSON answer is judged by its status alone */
  }
  if (res.status >= 500) {
    const errorId = (answer as { errorId?: string }).errorId;
    const logged = serverErrors.find((line) => errorId && line.includes(errorId));
    return { route, status: res.status, problem: `server error: ${(logged ?? text).slice(0, 1500)}`, sent };
  }
  if (
    res.status === 400 &&
    !(
      Array.isArray(answer.problems) &&
      answer.problems.length > 0 &&
      answer.problems.every((p) => typeof p.field === 'string' && p.field.length > 0)
    )
  ) {
    return { route, status: 400, problem: `a 400 that names no field: ${text.slice(0, 300)}`, sent };
  }
  if (res.status >= 400 && typeof answer.code !== 'string')
    return { route, status: res.status, problem: `a ${res.status} without a code: ${text.slice(0, 300)}`, sent };
  return { route, status: res.status };
}

beforeAll(async () => {
  api = await startApi({ LOG_LEVEL: 'error' }, { log: (line) => serverErrors.push(line) });
  await fixtures();
}, 60000);
afterAll(() => api?.close());

it(`answers ${CASES} generated requests to every write route with a 2xx or a 4xx that says why`, async () => {
  const document = (await api.call('GET', '/api/docs/openapi.json')).body;
  const routes = writeRoutes(document);
  expect(routes.length).toBeGreaterThan(20);
  const perRoute = Math.ceil(CASES / routes.length);
  const outcomes: Outcome[] = [];
  for (const route of routes) {
    const cases = fc.sample(caseFor(route), { numRuns: perRoute, seed: SEED });
    for (let i = 0; i < cases.length; i += CONCURRENCY) outcomes.push(...(await Promise.all(cases.slice(i, i + CONCURRENCY).map(send))));
  }

  const table = new Map<string, Map<number, number>>();
  for (const o of outcomes) {
    const row = table.get(o.route) ?? table.set(o.route, new Map()).get(o.route)!;
    row.set(o.status, (row.get(o.status) ?? 0) + 1);
  }
  const lines = [...table].map(
    ([route, counts]) =>
      `${route.padEnd(62)} ${[...counts]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}:${n}`)
        .join(' ')}`,
  );
  console.log(`fuzz: ${outcomes.length} requests to ${routes.length} write routes (seed ${SEED})\n${lines.join('\n')}`);

  const failures = outcomes.filter((o) => o.problem);
  expect(failures.slice(0, 10)).toEqual([]);
  expect(outcomes.length).toBeGreaterThanOrEqual(CASES);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
}, 600000);
