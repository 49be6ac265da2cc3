import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';

/**
 * The attack: NUL (PostgreSQL refuses it in text and jsonb) and other control characters in every
 * string of every write route's body, in every query value and every path parameter. Every answer
 * is a 400 whose problems name the field, and nothing is written.
 */
const NUL = 'a\u0000b';
const snapshot = YAML.parse(readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8'));

let api: Harness;
const ids: Record<string, string> = {};

type Path = Array<string | number>;
type Sample = { role?: 'operator' | 'admin' | 'approver' | null; body: unknown };
/** An address literal (TEST-NET-3), so that no name needs resolving. */
const FLOW_SOURCE = { name: 'relay', kind: 'hubble-relay', address: '203.0.113.8:4245' };
/** A git delivery with every string it may hold (an address literal again). */
const DELIVERY = {
  kind: 'git',
  repoUrl: 'https://203.0.113.9/team/policies.git',
  branch: 'main',
  path: 'clusters/small',
  credentials: { username: 'bot', token: 'a-delivery-token' },
};
const WEBHOOK = { url: 'https://203.0.113.7/hooks', events: ['rollout.halted'], format: 'json', secret: 'a webhook secret of some length' };

/** A valid body for every write route of the OpenAPI document; null for routes that read no body. */
const samples: Record<string, () => Sample | null> = {
  'POST /api/v1/auth/login': () => ({ role: null, body: { username: 'operator-user', password: USER_PASSWORD } }),
  'POST /api/v1/auth/logout': () => null,
  'POST /api/v1/users': () => ({ body: { username: 'newcomer', password: 'a long enough password', role: 'viewer' } }),
  'POST /api/v1/users/{userId}/disable': () => null,
  'PATCH /api/v1/users/{userId}': () => ({ body: { role: 'operator' } }),
  'DELETE /api/v1/users/{userId}': () => null,
  'POST /api/v1/users/{userId}/reset-password': () => null,
  'POST /api/v1/auth/password': () => ({ body: { current: USER_PASSWORD, next: 'another long enough password' } }),
  'POST /api/v1/rollouts/preview-windows': () => ({
    body: { config: { windows: { prod: [{ kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 180, timeZone: 'UTC' }] } } },
  }),
  'POST /api/v1/tokens': () => ({ body: { name: 'pipeline', role: 'viewer' } }),
  'DELETE /api/v1/tokens/{tokenId}': () => null,
  'POST /api/v1/clusters': () => ({
    body: {
      name: 'other',
      cni: 'calico',
      description: 'a second cluster',
      driver: 'kubernetes',
      kubeconfig: 'apiVersion: v1',
      delivery: DELIVERY,
    },
  }),
  'PATCH /api/v1/clusters/{clusterId}': () => ({ body: { cni: 'cilium', description: 'the small one', delivery: DELIVERY } }),
  'DELETE /api/v1/clusters/{clusterId}': () => null,
  'PUT /api/v1/clusters/{clusterId}/snapshot': () => ({ role: 'operator', body: snapshot }),
  'POST /api/v1/clusters/{clusterId}/sync': () => null,
  'PATCH /api/v1/clusters/{clusterId}/namespaces/{namespace}': () => ({ body: { tier: 'prod' } }),
  'POST /api/v1/clusters/{clusterId}/flow-imports': () => null, // a file, not JSON: see gzip-imports and the flow file test below
  'POST /api/v1/clusters/{clusterId}/edges': () => ({
    body: { from: 'web/frontend', to: 'api/orders-api', port: 8080, protocol: 'TCP', comment: 'checkout' },
  }),
  'POST /api/v1/clusters/{clusterId}/edges/{edgeId}/confirm': () => ({ body: { comment: 'seen in the logs' } }),
  'POST /api/v1/clusters/{clusterId}/edges/{edgeId}/reject': () => ({ body: { comment: 'a load test' } }),
  'POST /api/v1/simulate': () => ({
    body: { snapshot, probes: [{ from: 'web/frontend', to: 'api/orders-api', port: 8080, protocol: 'TCP' }] },
  }),
  'POST /api/v1/clusters/{clusterId}/simulate': () => ({
    body: { probes: [{ from: 'web/frontend', to: 'api/orders-api', port: 8080, protocol: 'TCP' }], planId: ids.planId },
  }),
  'POST /api/v1/clusters/{clusterId}/plans': () => ({
    body: { clusterLayer: { tierIsolation: true, baselineDefaultDeny: true }, guardrailStage: 'afterProd' },
  }),
  'POST /api/v1/rollouts': () => ({
    role: 'operator',
    body: {
      planId: ids.planId,
      namespaces: ['web', 'api'],
      config: {
        windows: { prod: [{ kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 60, timeZone: 'UTC', name: 'nightly' }] },
        freezes: [
          { kind: 'once', start: '2026-12-24T00:00:00Z', durationMinutes: 60, timeZone: 'UTC', reason: 'holidays', tiers: ['prod'] },
        ],
        minObservedDays: { prod: 7 },
      },
    },
  }),
  'POST /api/v1/rollouts/{rolloutId}/start': () => null,
  'POST /api/v1/rollouts/{rolloutId}/pause': () => ({ body: { reason: 'lunch' } }),
  'POST /api/v1/rollouts/{rolloutId}/resume': () => null,
  'POST /api/v1/rollouts/{rolloutId}/abort': () => ({ body: { reason: 'wrong plan' } }),
  'POST /api/v1/rollouts/{rolloutId}/rollback': () => ({ body: { scope: { kind: 'namespace', namespace: 'web' }, reason: 'broke it' } }),
  'POST /api/v1/rollouts/{rolloutId}/approve': () => ({ role: 'approver', body: { tier: 'prod', comment: 'ok' } }),
  'POST /api/v1/rollouts/{rolloutId}/reject': () => ({ role: 'approver', body: { tier: 'prod', comment: 'no' } }),
  'POST /api/v1/rollouts/{rolloutId}/declare-dependency': () => ({
    body: { namespace: 'web', probeId: 'connect-web', comment: 'found by the halt' },
  }),
  'POST /api/v1/rollouts/{rolloutId}/continue': () => ({ body: { planVersion: 2 } }),
  'POST /api/v1/rollouts/{rolloutId}/retry': () => ({ body: { namespace: 'web' } }),
  'POST /api/v1/rollouts/{rolloutId}/skip': () => ({ body: { namespace: 'web', reason: 'owned by another team' } }),
  'POST /api/v1/rollouts/{rolloutId}/approve-skip': () => ({ role: 'approver', body: { namespace: 'web', comment: 'agreed' } }),
  'POST /api/v1/rollouts/{rolloutId}/reject-skip': () => ({ role: 'approver', body: { namespace: 'web', comment: 'keep it protected' } }),
  'POST /api/v1/clusters/{clusterId}/drift-checks': () => null,
  'POST /api/v1/clusters/{clusterId}/drift-actions': () => ({ role: 'operator', body: { kind: 'reapply', namespaces: ['web'] } }),
  'POST /api/v1/clusters/{clusterId}/webhooks': () => ({ body: WEBHOOK }),
  'PATCH /api/v1/clusters/{clusterId}/webhooks/{webhookId}': () => ({ body: { url: WEBHOOK.url, secret: WEBHOOK.secret } }),
  'DELETE /api/v1/clusters/{clusterId}/webhooks/{webhookId}': () => null,
  'POST /api/v1/clusters/{clusterId}/flow-sources': () => ({ body: FLOW_SOURCE }),
  'PATCH /api/v1/clusters/{clusterId}/flow-sources/{sourceId}': () => ({ body: { name: 'relay-2', address: FLOW_SOURCE.address } }),
  'DELETE /api/v1/clusters/{clusterId}/flow-sources/{sourceId}': () => null,
};

/** Query values of read routes, beyond the ones the OpenAPI document declares. */
const extraQueries: Record<string, string[]> = {
  '/api/v1/clusters/{clusterId}/workloads': ['namespace'],
  '/api/v1/clusters/{clusterId}/policies': ['namespace'],
  '/api/v1/clusters/{clusterId}/edges': ['namespace', 'review', 'origin'],
  '/api/v1/rollouts': ['clusterId', 'status'],
};

/** Every string in a value with its path, map keys included. */
function strings(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

function replaced(value: unknown, path: Path, by: string): unknown {
  const leaf = path[path.length - 1];
  if (leaf === undefined) return by;
  const copy = structuredClone(value) as any;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[leaf] = by;
  return copy;
}

const fieldOf = (path: Path) => 'body' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
const fill = (route: string, params: Record<string, string> = {}) =>
  route.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name] ?? ids[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${route}`);
    return value;
  });

let routes: Array<{ method: string; path: string; queries: string[] }>;
let before: Record<string, unknown>;

const state = async () => ({
  clusters: (await api.call('GET', '/api/v1/clusters')).body,
  tokens: (await api.call('GET', '/api/v1/tokens')).body.map(({ lastUsedAt: _used, ...token }: { lastUsedAt: string | null }) => token),
  users: (await api.call('GET', '/api/v1/users')).body,
  edges: (await api.call('GET', `/api/v1/clusters/${ids.clusterId}/edges?limit=1000`)).body,
  namespaces: (await api.call('GET', `/api/v1/clusters/${ids.clusterId}/namespaces`)).body,
  rollouts: (await api.call('GET', '/api/v1/rollouts')).body,
});

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  ids.clusterId = (await api.call('POST', '/api/v1/clusters', { body: { name: 'small', cni: 'cilium' } })).body.id;
  await api.call('PUT', `/api/v1/clusters/${ids.clusterId}/snapshot`, { body: snapshot });
  ids.namespace = 'web';
  ids.edgeId = (
    await api.call('POST', `/api/v1/clusters/${ids.clusterId}/edges`, { body: { from: 'web/frontend', to: 'api/orders-api', port: 8080 } })
  ).body.id;
  ids.planId = (await api.call('POST', `/api/v1/clusters/${ids.clusterId}/plans`)).body.id;
  const rollout = await api.call('POST', '/api/v1/rollouts', { body: { planId: ids.planId, namespaces: ['web', 'api'] } });
  expect(rollout.status).toBe(201);
  ids.rolloutId = rollout.body.id;
  ids.tokenId = (await api.call('GET', '/api/v1/tokens')).body[0].id;
  ids.userId = (await api.call('GET', '/api/v1/users')).body.find((u: { username: string }) => u.username === 'viewer-user').id;
  ids.importId = '00000000-0000-4000-8000-000000000000';
  ids.webhookId = (await api.call('POST', `/api/v1/clusters/${ids.clusterId}/webhooks`, { body: WEBHOOK })).body.id;
  ids.sourceId = (await api.call('POST', `/api/v1/clusters/${ids.clusterId}/flow-sources`, { body: FLOW_SOURCE })).body.id;
  const doc = (await api.call('GET', '/api/docs/openapi.json', { role: 'viewer' })).body;
  routes = Object.entries<Record<string, { parameters?: Array<{ in: string; name: string }> }>>(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      queries: [
        ...(op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        ...(method === 'get' ? (extraQueries[path] ?? []) : []),
      ],
    })),
  );
  before = await state();
}, 60_000);
afterAll(() => api.close());

describe('NUL and control characters are a 400 naming the field, everywhere', () => {
  it('knows a valid body for every write route, so that a new route cannot escape this test', () => {
    const writes = routes.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(writes.filter((route) => !(route in samples))).toEqual([]);
  });

  it('refuses NUL in every string of every write route body', async () => {
    const answers: string[] = [];
    let cases = 0;
    for (const [route, sample] of Object.entries(samples)) {
      const valid = sample();
      if (!valid) continue;
      const [method, path] = route.split(' ');
      if (!method || !path) throw new Error(`a sample is keyed "<method> <path>", got ${route}`);
      for (const leaf of strings(valid.body)) {
        cases++;
        const res = await api.call(method, fill(path), {
          role: valid.role === undefined ? 'admin' : valid.role,
          body: replaced(valid.body, leaf, NUL),
        });
        const fields = (res.body?.problems ?? []).map((p: { field: string }) => p.field);
        if (res.status !== 400 || !fields.includes(fieldOf(leaf)))
          answers.push(`${route} ${fieldOf(leaf)}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(answers).toEqual([]);
    expect(cases).toBeGreaterThan(100);
  });

  it('refuses NUL in every query value, and NUL and text-direction overrides in every path parameter', async () => {
    const answers: string[] = [];
    for (const { method, path, queries } of routes) {
      if (path === '/api/v1/rollouts/{rolloutId}/events') continue; // a stream: its parameter is checked before it opens, below
      for (const name of queries) {
        const res = await api.call(method, `${fill(path)}?${name}=${encodeURIComponent(NUL)}`);
        if (res.status !== 400 || !res.body.problems.some((p: { field: string }) => p.field === `query.${name}`))
          answers.push(`${method} ${path} ?${name}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      // A path parameter is a name or an id: a text-direction override is refused there too.
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        for (const hidden of [NUL, '\u202e']) {
          const res = await api.call(
            method,
            fill(path, { [name!]: encodeURIComponent(`web${hidden}`) }),
            method === 'GET' ? {} : { body: {} },
          );
          if (res.status !== 400 || !res.body.problems.some((p: { field: string }) => p.field === `params.${name}`))
            answers.push(`${method} ${path} {${name}}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(answers).toEqual([]);
    const stream = await api.call('GET', `/api/v1/rollouts/${encodeURIComponent(NUL)}/events`);
    expect(stream.status).toBe(400);
  });

  it('answers the sign-in attack without a token with a 400 naming body.username', async () => {
    const res = await api.call('POST', '/api/v1/auth/login', { role: null, body: { username: NUL, password: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ field: 'body.username', reason: expect.stringContaining('U+0000') }]);
  });

  it('refuses every control character in identifiers, and the C0 and C1 controls in free text', async () => {
    for (const char of ['\t', '\n', '\u001b', '\u007f', '\u0085']) {
      const res = await api.call('POST', '/api/v1/tokens', { body: { name: `ci${char}bot`, role: 'viewer' } });
      expect([res.status, res.body.problems[0].field]).toEqual([400, 'body.name']);
    }
    for (const char of ['\u0001', '\u001b', '\u007f', '\u0085', '\u009b']) {
      const res = await api.call('PATCH', `/api/v1/clusters/${ids.clusterId}`, { body: { description: `x${char}y` } });
      expect([res.status, res.body.problems[0].field]).toEqual([400, 'body.description']);
    }
  });

  it('refuses a control character in a key, naming the object that holds it', async () => {
    const res = await api.call('POST', `/api/v1/clusters/${ids.clusterId}/edges`, {
      body: { from: 'web/frontend', to: 'api/orders-api', port: 8080, [NUL]: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems[0]).toMatchObject({ field: 'body', reason: expect.stringContaining('key') });
  });

  it('refuses NUL in a YAML snapshot, and in a document among several', async () => {
    const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  annotations:\n    note: "a\\0b"\n';
    const one = await api.call('PUT', `/api/v1/clusters/${ids.clusterId}/snapshot`, {
      raw: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect([one.status, one.body.problems[0].field]).toEqual([400, 'body.metadata.annotations.note']);
    const two = await api.call('PUT', `/api/v1/clusters/${ids.clusterId}/snapshot`, {
      raw: `apiVersion: v1\nkind: Namespace\nmetadata: { name: api }\n---\n${yaml}`,
      headers: { 'content-type': 'application/yaml' },
    });
    expect([two.status, two.body.problems[0].field]).toEqual([400, 'body.documents[1].metadata.annotations.note']);
  });

  it('wrote nothing while refusing all of this', async () => {
    expect(await state()).toEqual(before);
  });

  it('keeps tab and line breaks in free text', async () => {
    const text = await api.call('PATCH', `/api/v1/clusters/${ids.clusterId}`, {
      body: { description: 'line one\r\n\tline two\nline three' },
    });
    expect(text.status).toBe(200);
    expect(text.body.description).toBe('line one\r\n\tline two\nline three');
  });

  it('imports a flow file with NUL and control characters in names, skipping those records with a reason', async () => {
    const [first] = readFileSync(join(__dirname, '..', 'fixtures', 'small-flows.hubble.jsonl'), 'utf8').split('\n');
    const flow = (change: (flow: any) => void) => {
      const line = JSON.parse(first!);
      change(line.flow);
      return JSON.stringify(line);
    };
    const lines = [
      flow(() => undefined),
      flow((f) => (f.source.pod_name = `frontend-${NUL}`)),
      flow((f) => (f.destination.namespace = 'api\u001b[31m')),
      flow((f) => {
        f.IP.destination = '203.0.113.7';
        delete f.destination.pod_name;
        f.destination.namespace = '';
        f.destination_names = [`evil${NUL}.example.com`];
      }),
    ];
    const upload = await api.call('POST', `/api/v1/clusters/${ids.clusterId}/flow-imports?fileName=flows.jsonl`, {
      role: 'operator',
      raw: lines.join('\n'),
    });
    expect(upload.status).toBe(202);
    const done = await api.waitFor(
      () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`),
      (r) => ['succeeded', 'failed'].includes(r.body.status),
    );
    expect(done.body).toMatchObject({ status: 'succeeded', progress: { flowsParsed: 1, skippedByReason: { 'control-character': 3 } } });
  });

  it('imports an edge list with NUL and control characters in names, skipping those edges with a reason', async () => {
    const edges = [
      { from: 'web/frontend', to: 'api/orders-api', port: 8080 },
      { from: `web/${NUL}`, to: 'api/orders-api', port: 8080 },
      { from: 'web/frontend', to: 'api/orders\u001b[31m', port: 8080 },
      { from: 'web/frontend', to: `evil${NUL}.example.com`, port: 443 },
    ];
    const upload = await api.call('POST', `/api/v1/clusters/${ids.clusterId}/flow-imports?fileName=edges.json`, {
      role: 'operator',
      raw: JSON.stringify(edges),
    });
    expect(upload.status).toBe(202);
    const done = await api.waitFor(
      () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`),
      (r) => ['succeeded', 'failed'].includes(r.body.status),
    );
    expect(done.body).toMatchObject({ status: 'succeeded', format: 'edge-list', progress: { flowsParsed: 1, flowsSkipped: 3 } });
  });
});
