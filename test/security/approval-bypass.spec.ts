import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, seedDemoCluster, startApi, USER_PASSWORD } from '../integration/support/harness';

/**
 * The attack: an operator ships policies to prod with no approver. Before, only stages after the first
 * waited for approval, so a rollout of prod namespaces alone never asked, and an operator could also
 * re-tier a namespace to dev (by hand, or by a snapshot whose labels say dev) and roll it out as dev.
 */
let api: Harness;
let clusterId: string;
const FAST = { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };
const snapshot = readFileSync(join(__dirname, '../fixtures/small-snapshot.yaml'), 'utf8');

const namespaces = async (cluster: string) =>
  (await api.call('GET', `/api/v1/clusters/${cluster}/namespaces`, { role: 'viewer' })).body as Array<{
    name: string;
    tier: string | null;
  }>;
const tierOf = async (cluster: string, name: string) => (await namespaces(cluster)).find((ns) => ns.name === name)?.tier;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

describe('a rollout of prod namespaces only', () => {
  it('waits for an approver before its first step, and applies nothing until then', async () => {
    const prod = (await namespaces(clusterId)).filter((ns) => ns.tier === 'prod').map((ns) => ns.name);
    expect(prod.length).toBeGreaterThan(1);
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    const live = () =>
      api.db.query(
        `SELECT namespace, name, manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = ANY($2) ORDER BY namespace, name`,
        [clusterId, prod],
      );
    const before = await live();

    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, namespaces: prod, start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('waiting_approval');
    expect(created.body.stages).toEqual([expect.objectContaining({ tier: 'prod', status: 'waiting_approval', approvalRequired: true })]);
    expect(created.body.steps.every((s: { startedAt?: string }) => !s.startedAt)).toBe(true);

    // The worker has had every chance to move it: still nothing applied.
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body;
    expect(later.status).toBe('waiting_approval');
    expect(await live()).toEqual(before);

    const inbox = (await api.call('GET', '/api/v1/approvals', { role: 'approver' })).body;
    expect(inbox).toEqual([
      expect.objectContaining({ rolloutId: created.body.id, tier: 'prod', mine: false, evidence: expect.objectContaining({ steps: [] }) }),
    ]);
    expect(inbox[0].evidence.previousTier).toBeUndefined();

    expect(
      (await api.call('POST', `/api/v1/rollouts/${created.body.id}/abort`, { role: 'operator', body: { reason: 'test done' } })).status,
    ).toBe(200);
  }, 60000);
});

describe('a draft made while a namespace was dev, started once it is prod', () => {
  it('applies nothing to it and halts saying why: approval went by the tier the rollout was made with', async () => {
    const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'raised', cni: 'calico' } })).body.id;
    expect(
      (
        await api.call('PUT', `/api/v1/clusters/${cluster}/snapshot`, {
          role: 'operator',
          raw: snapshot,
          headers: { 'content-type': 'application/yaml' },
        })
      ).status,
    ).toBe(200);
    expect((await api.call('PATCH', `/api/v1/clusters/${cluster}/namespaces/db`, { role: 'operator', body: { tier: 'dev' } })).status).toBe(
      200,
    );
    const plan = (await api.call('POST', `/api/v1/clusters/${cluster}/plans`, { role: 'operator' })).body;
    const draft = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, namespaces: ['db'], config: FAST },
    });
    expect(draft.body.stages).toEqual([expect.objectContaining({ tier: 'dev', approvalRequired: false })]);
    const live = () =>
      api.db.query(`SELECT name, manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = 'db' ORDER BY name`, [cluster]);
    const before = await live();

    expect(
      (await api.call('PATCH', `/api/v1/clusters/${cluster}/namespaces/db`, { role: 'operator', body: { tier: 'prod' } })).status,
    ).toBe(200);
    expect((await api.call('POST', `/api/v1/rollouts/${draft.body.id}/start`, { role: 'operator' })).status).toBe(200);
    const ended = await api.waitFor(
      async () => (await api.call('GET', `/api/v1/rollouts/${draft.body.id}`, { role: 'viewer' })).body,
      (r) => r.status === 'halted' && !r.steps.some((st: { phase: string }) => st.phase === 'restoring'),
      30000,
    );
    expect(ended.halt).toMatchObject({ code: 'apply_failed', namespace: 'db' });
    expect(ended.halt.message).toContain('db is prod now, not dev as when this rollout was made');
    expect(ended.steps[0].phase).not.toBe('verified');
    expect(await live()).toEqual(before);
  }, 60000);
});

describe('taking a namespace below a tier under approval', () => {
  it('is refused to an operator, by hand, from prod and from staging', async () => {
    const all = await namespaces(clusterId);
    for (const [tier, to] of [
      ['prod', 'dev'],
      ['prod', 'staging'],
      ['staging', 'dev'],
    ] as const) {
      const name = all.find((ns) => ns.tier === tier)!.name;
      const refused = await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/${name}`, { role: 'operator', body: { tier: to } });
      expect([tier, to, refused.status, refused.body.code]).toEqual([tier, to, 403, 'inventory.tier_below_floor']);
      expect(await tierOf(clusterId, name)).toBe(tier);
    }
  });

  it('is allowed to an approver, and audited; an operator may raise the tier again, not lower it back', async () => {
    const [name] = (await namespaces(clusterId)).filter((ns) => ns.tier === 'prod').map((ns) => ns.name);
    const moved = await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/${name}`, {
      role: 'approver',
      body: { tier: 'staging' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.tier).toBe('staging');
    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=namespace.set_tier`, { role: 'viewer' })).body.items;
    expect(JSON.stringify(audit)).toContain(name);
    expect(
      (await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/${name}`, { role: 'operator', body: { tier: 'prod' } })).status,
    ).toBe(200);
    expect(
      (await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/${name}`, { role: 'operator', body: { tier: 'staging' } })).status,
    ).toBe(403);
  });

  describe('through snapshots', () => {
    let cluster: string;
    const put = (text: string) =>
      api.call('PUT', `/api/v1/clusters/${cluster}/snapshot`, {
        role: 'operator',
        raw: text,
        headers: { 'content-type': 'application/yaml' },
      });
    const onlyNamespaces = (labels: Record<string, Record<string, string>>) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: Object.entries(labels).map(([name, l]) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: l } })),
      });

    beforeEach(async () => {
      cluster = (
        await api.call('POST', '/api/v1/clusters', {
          role: 'operator',
          body: { name: `relabel-${Math.random().toString(36).slice(2, 8)}`, cni: 'calico' },
        })
      ).body.id;
      expect((await put(snapshot)).status).toBe(200);
      expect([await tierOf(cluster, 'web'), await tierOf(cluster, 'api')]).toEqual(['prod', 'staging']);
    });

    it('keeps a namespace whose labels now say lower at its tier, and the answer says so', async () => {
      const relabelled = await put(
        snapshot
          .replace('labels: { environment: production, team: web }', 'labels: { environment: development, team: web }')
          .replace('labels: { env: stage }', 'labels: { env: dev }'),
      );
      expect(relabelled.status).toBe(200);
      expect(relabelled.body.keptAtFloor).toEqual([
        { namespace: 'api', tier: 'staging' },
        { namespace: 'web', tier: 'prod' },
      ]);
      expect([await tierOf(cluster, 'web'), await tierOf(cluster, 'api')]).toEqual(['prod', 'staging']);
    });

    it('keeps it there when one snapshot leaves it out and the next brings it back labelled dev', async () => {
      expect((await put(onlyNamespaces({ db: {} }))).status).toBe(200);
      expect(await tierOf(cluster, 'web')).toBeUndefined();
      const back = await put(onlyNamespaces({ db: {}, web: { environment: 'development' } }));
      expect(back.body.keptAtFloor).toEqual([{ namespace: 'web', tier: 'prod' }]);
      expect(await tierOf(cluster, 'web')).toBe('prod');
    });

    it('does not count a namespace kept at its floor as one without a tier', async () => {
      expect((await put(onlyNamespaces({ db: {} }))).status).toBe(200);
      const back = await put(onlyNamespaces({ db: {}, web: {} }));
      expect(back.body.keptAtFloor).toEqual([{ namespace: 'web', tier: 'prod' }]);
      expect(back.body.namespacesWithoutTier).toEqual(['db']);
    });

    it('lets labels raise a tier as before', async () => {
      const raised = await put(snapshot.replace('labels: { env: stage }', 'labels: { env: production }'));
      expect(raised.body.keptAtFloor).toEqual([]);
      expect(await tierOf(cluster, 'api')).toBe('prod');
    });
  });
});

describe('the creator approving under another credential', () => {
  it('is refused whichever of their tokens or their session they use; another person may approve', async () => {
    // admin-user may both create and approve: its token test-admin creates the rollout.
    const prod = (await namespaces(clusterId)).filter((ns) => ns.tier === 'prod').map((ns) => ns.name);
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'admin' })).body;
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'admin',
      body: { planId: plan.id, namespaces: prod, start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    const approve = `/api/v1/rollouts/${created.body.id}/approve`;

    // A second token of the same person, made by that token.
    const minted = await api.call('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'admin-second', role: 'admin' } });
    expect(minted.status).toBe(201);
    const bySecondToken = await api.call('POST', approve, {
      role: null,
      headers: { authorization: `Bearer ${minted.body.token}` },
      body: { tier: 'prod' },
    });
    expect(bySecondToken.status).toBe(403);
    expect(bySecondToken.body.message).toContain('created this rollout');

    // The same person signed in to the dashboard.
    const login = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin-user', password: USER_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const bySession = await api.call('POST', approve, {
      role: null,
      headers: { cookie, 'x-csrf-token': csrfToken },
      body: { tier: 'prod' },
    });
    expect(bySession.status).toBe(403);
    const inbox = await api.call('GET', '/api/v1/approvals', { role: null, headers: { cookie } });
    expect(inbox.body).toEqual([expect.objectContaining({ rolloutId: created.body.id, mine: true })]);

    // Another person approves.
    const byApprover = await api.call('POST', approve, { role: 'approver', body: { tier: 'prod' } });
    expect(byApprover.status).toBe(200);
    expect(byApprover.body.stages[0].status).toBe('running');
    await api.call('POST', `/api/v1/rollouts/${created.body.id}/abort`, { role: 'admin', body: { restore: 'everything' } });
  }, 60000);
});
