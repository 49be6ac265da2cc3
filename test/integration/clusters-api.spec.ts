import { type Harness, startApi } from './support/harness';

let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('clusters API', () => {
  it('registers a cluster and says whether its CNI enforces NetworkPolicy', async () => {
    const calico = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'prod-eu', cni: 'calico' } });
    expect(calico.status).toBe(201);
    expect(calico.body).toMatchObject({ name: 'prod-eu', cni: 'calico', enforcesNetworkPolicy: true, counts: { namespaces: 0 } });
    const flannel = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'legacy', cni: 'flannel' } });
    expect(flannel.body.enforcesNetworkPolicy).toBe(false);
    const list = await api.call('GET', '/api/v1/clusters', { role: 'viewer' });
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['legacy', 'prod-eu']);
  });

  it('rejects a bad body with 400 naming the field and the reason', async () => {
    const res = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'Bad Name!', cni: 'ovn', extra: 1 } });
    expect(res.status).toBe(400);
    const fields = res.body.problems.map((p: { field: string }) => p.field).sort();
    expect(fields).toEqual(['body.cni', 'body.extra', 'body.name']);
    expect(res.body.problems.find((p: { field: string }) => p.field === 'body.extra').reason).toBe('is not a known field');
  });

  it('rejects malformed JSON and a malformed id', async () => {
    const json = await api.call('POST', '/api/v1/clusters', {
      role: 'operator',
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(json.body.problems[0].field).toBe('body');
    const id = await api.call('GET', '/api/v1/clusters/not-a-uuid', { role: 'viewer' });
    expect(id.status).toBe(400);
    expect(id.body.problems).toEqual([{ field: 'params.clusterId', reason: 'must be a UUID' }]);
  });

  it('answers 409 for a taken name and 404 for an unknown cluster', async () => {
    await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'dup' } });
    const again = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'dup' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('cluster.name_taken');
    const missing = await api.call('GET', '/api/v1/clusters/00000000-0000-4000-8000-000000000000', { role: 'viewer' });
    expect(missing.status).toBe(404);
  });

  it('refuses to remove a cluster while a rollout acts on it, and removes it once the rollout is over', async () => {
    const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'busy' } })).body;
    const [plan] = await api.db.query(
      `INSERT INTO plans (cluster_id, version, created_by, policies, report, summary) VALUES ($1, 1, 'psql', '[]', '{}', '{}') RETURNING id`,
      [cluster.id],
    );
    const [rollout] = await api.db.query(
      `INSERT INTO rollouts (id, cluster_id, plan_id, status, state, version, created_by)
       VALUES (gen_random_uuid(), $1, $2, 'running', '{}', 1, 'psql') RETURNING id`,
      [cluster.id, plan.id],
    );
    const refused = await api.call('DELETE', `/api/v1/clusters/${cluster.id}`, { role: 'admin' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'cluster.rollout_active', message: expect.stringContaining(rollout.id) });
    expect((await api.call('GET', `/api/v1/clusters/${cluster.id}`, { role: 'viewer' })).status).toBe(200);

    await api.db.query(`UPDATE rollouts SET status = 'completed' WHERE id = $1`, [rollout.id]);
    expect((await api.call('DELETE', `/api/v1/clusters/${cluster.id}`, { role: 'admin' })).status).toBe(204);
    expect((await api.call('GET', `/api/v1/clusters/${cluster.id}`, { role: 'viewer' })).status).toBe(404);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await api.call('POST', '/api/v1/clusters', {
      role: 'operator',
      raw: `{"name":"${'a'.repeat(5 * 1024 * 1024)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });
});

describe('kubeconfigs', () => {
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{ name: prod, cluster: { server: "https://10.0.0.1:6443" } }]',
    'users: [{ name: bulkhead, user: { token: "sekret-token-value-1234" } }]',
    'contexts: [{ name: prod, context: { cluster: prod, user: bulkhead } }]',
    'current-context: prod',
  ].join('\n');

  it('stores a kubeconfig sealed, and never returns it', async () => {
    const res = await api.call('POST', '/api/v1/clusters', {
      role: 'admin',
      body: { name: 'real', cni: 'cilium', driver: 'kubernetes', kubeconfig },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ driver: 'kubernetes', hasCredentials: true });
    expect(JSON.stringify(res.body)).not.toContain('sekret');
    const [row] = await api.db.query('SELECT credentials FROM clusters WHERE id = $1', [res.body.id]);
    expect(Buffer.isBuffer(row.credentials)).toBe(true);
    expect(row.credentials.toString('latin1')).not.toContain('sekret');
    expect(api.runtime.secrets.open(row.credentials)).toBe(kubeconfig);
    for (const path of ['/api/v1/clusters', `/api/v1/clusters/${res.body.id}`, `/api/v1/audit?clusterId=${res.body.id}`]) {
      expect(JSON.stringify((await api.call('GET', path, { role: 'admin' })).body)).not.toContain('sekret');
    }
  });

  it('requires a kubeconfig for a kubernetes cluster and checks that it is one', async () => {
    const missing = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'k1', driver: 'kubernetes' } });
    expect(missing.body.problems).toEqual([{ field: 'body.kubeconfig', reason: 'is required for driver kubernetes' }]);
    const bogus = await api.call('POST', '/api/v1/clusters', {
      role: 'admin',
      body: { name: 'k2', driver: 'kubernetes', kubeconfig: 'users: []' },
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body.problems[0].field).toBe('body.kubeconfig');
    const simulated = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'k3', kubeconfig } });
    expect(simulated.body.problems[0]).toEqual({ field: 'body.kubeconfig', reason: 'only goes with driver kubernetes' });
  });
});

describe('access control', () => {
  it('refuses a request without a token (401) and a viewer changing things (403)', async () => {
    expect((await api.call('GET', '/api/v1/clusters', { role: null })).status).toBe(401);
    const bad = await api.call('GET', '/api/v1/clusters', { role: null, headers: { authorization: 'Bearer bh_nope' } });
    expect(bad.status).toBe(401);
    const viewer = await api.call('POST', '/api/v1/clusters', { role: 'viewer', body: { name: 'x' } });
    expect(viewer.status).toBe(403);
    expect(viewer.body.code).toBe('auth.role_required');
    expect((await api.call('DELETE', '/api/v1/clusters/00000000-0000-4000-8000-000000000000', { role: 'operator' })).status).toBe(403);
  });

  it('shows a new token once, stores only its hash, and stops accepting it when revoked', async () => {
    const created = await api.call('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'ci', role: 'viewer' } });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^bh_/);
    const stored = await api.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [created.body.id]);
    expect(stored[0].token_hash).not.toContain(token);
    const listed = await api.call('GET', '/api/v1/tokens', { role: 'admin' });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const use = () => fetch(`${api.url}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } });
    expect((await use()).status).toBe(200);
    expect((await api.call('DELETE', `/api/v1/tokens/${created.body.id}`, { role: 'admin' })).status).toBe(204);
    expect((await use()).status).toBe(401);
  });
});

describe('health, readiness, metrics and docs', () => {
  it('serves health and readiness without a token, Prometheus metrics with one', async () => {
    expect((await api.call('GET', '/healthz', { role: null })).body).toEqual({ status: 'ok' });
    const ready = await api.call('GET', '/readyz', { role: null });
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' }, stalledRollouts: [] });
    const metrics = await api.call('GET', '/metrics', { role: 'viewer' });
    expect(metrics.body).toContain('bulkhead_http_requests_total');
    expect(metrics.body).toContain('bulkhead_queue_jobs{queue="imports"');
    expect(metrics.body).toContain('bulkhead_queue_jobs{queue="rollouts"');
    expect(metrics.body).toContain('# TYPE bulkhead_rollouts gauge');
    expect(metrics.body).toContain('bulkhead_rollouts_stalled 0');
  });

  it('echoes a request id and serves the OpenAPI document', async () => {
    const res = await api.call('GET', '/api/v1/clusters', { role: 'viewer', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const doc = await api.call('GET', '/api/docs/openapi.json', { role: 'viewer' });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/clusters');
  });
});
