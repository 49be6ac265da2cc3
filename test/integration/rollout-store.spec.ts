import { PostgresRolloutStore } from '@bulkhead/persistence';
import { DEFAULT_APPROVAL_TIERS, type RolloutState, transition } from '@bulkhead/rollout';
import { randomUUID } from 'node:crypto';
import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * The rollout store keeps a rollout in rows (the rollout, its stages, its steps) and a per-process cache
 * of states by version. Two stores stand for two processes (API and worker, or two workers).
 */
let api: Harness;
let planId: string;
const now = new Date('2026-11-28T12:00:00Z');

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  const clusterId = await seedDemoCluster(api);
  await api.stopWorker();
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
});
afterAll(() => api.close());

/** A rollout of the demo plan, on a cluster of its own unless one is given (a cluster holds one active rollout at a time). */
async function created(cluster?: string): Promise<RolloutState> {
  const clusterId =
    cluster ??
    (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: `store-${randomUUID().slice(0, 8)}`, cni: 'calico' } }))
      .body.id;
  const namespaces = ['payments-dev', 'cart-dev', 'orders-dev', 'payments-staging'].map((name, i) => ({
    name,
    tier: i < 3 ? ('dev' as const) : ('staging' as const),
    dependents: i,
    probes: [],
  }));
  const r = transition(
    undefined,
    {
      type: 'create',
      input: {
        id: randomUUID(),
        clusterId,
        planId,
        planVersion: 1,
        createdBy: 'ops',
        creatorId: 'ops',
        approvalTiers: DEFAULT_APPROVAL_TIERS,
        namespaces,
        config: { waves: [1] },
      },
    },
    now,
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

const stepVersions = async (id: string): Promise<Record<number, string>> =>
  Object.fromEntries(
    (await api.db.query(`SELECT ordinal, xmin::text AS xmin FROM rollout_steps WHERE rollout_id = $1`, [id])).map(
      (r: { ordinal: number; xmin: string }) => [r.ordinal, r.xmin],
    ),
  );

it('reads back what another process wrote, never its own older copy', async () => {
  const [a, b] = [new PostgresRolloutStore(api.db), new PostgresRolloutStore(api.db)];
  const state = await created();
  await a.insert(state, []);
  expect(await b.get(state.id)).toEqual(state);

  await a.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
  const seen = await b.get(state.id);
  expect(seen).toMatchObject({ version: state.version + 1, status: 'running' });
  expect(seen?.steps[0]?.startedAt).toBe(now.toISOString());

  await b.update(state.id, (s) => transition(s, { type: 'snapshotTaken', stepId: s.steps[0]!.id, policies: [] }, now));
  expect((await a.get(state.id))?.steps[0]?.phase).toBe('snapshotted');
  expect(await a.get(state.id)).toEqual(await b.get(state.id));
  // a caught up by reading only what b wrote; a store that knows nothing reads it all, to the same state
  expect(await a.get(state.id)).toEqual(await new PostgresRolloutStore(api.db).get(state.id));
});

it('writes only the steps a change moved', async () => {
  const store = new PostgresRolloutStore(api.db);
  const state = await created();
  await store.insert(state, []);
  const before = await stepVersions(state.id);
  const started = await store.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
  expect(started?.ok && started.state.steps.filter((st) => st.startedAt).map((st) => st.namespace)).toEqual([state.steps[0]!.namespace]);
  const after = await stepVersions(state.id);
  const rewritten = Object.keys(before).filter((k) => before[Number(k)] !== after[Number(k)]);
  expect(rewritten).toEqual(['0']);
  const [row] = await api.db.query(`SELECT status, version, state ? 'steps' AS inline FROM rollouts WHERE id = $1`, [state.id]);
  expect(row).toEqual({ status: 'running', version: String(state.version + 1), inline: false });
});

it('answers null for a rollout that does not exist, and writes nothing for a refused event', async () => {
  const store = new PostgresRolloutStore(api.db);
  expect(await store.update(randomUUID(), (s) => transition(s, { type: 'tick' }, now))).toBeNull();
  const state = await created();
  await store.insert(state, []);
  const refused = await store.update(state.id, (s) => transition(s, { type: 'resume', by: 'ops' }, now));
  expect(refused).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  expect((await api.db.query(`SELECT version FROM rollouts WHERE id = $1`, [state.id]))[0].version).toBe(String(state.version));
});

it('decides again on the newer state when another process changed the rollout meanwhile', async () => {
  const [a, b] = [new PostgresRolloutStore(api.db), new PostgresRolloutStore(api.db)];
  const state = await created();
  await a.insert(state, []);
  expect((await b.get(state.id))!.status).toBe('draft'); // b now holds the draft
  await a.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
  // Decided on b's draft, a pause is refused; b must find out the rollout runs and decide again.
  const paused = await b.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now));
  expect(paused).toMatchObject({ ok: true, changed: true, state: { status: 'paused', version: state.version + 2 } });
  // And a change decided on an older state than the row's is not written over it: a still holds "running".
  const resumed = await a.update(state.id, (s) => transition(s, { type: 'resume', by: 'ops' }, now));
  expect(resumed).toMatchObject({ ok: true, state: { status: 'running', version: state.version + 3 } });
  const actions: string[] = (
    await api.db.query(`SELECT action FROM audit_log WHERE details->>'rolloutId' = $1 ORDER BY id`, [state.id])
  ).map((r: { action: string }) => r.action);
  expect(actions.filter((x) => x.startsWith('rollout.status.'))).toEqual([
    'rollout.status.running',
    'rollout.status.paused',
    'rollout.status.running',
  ]);
});

it('writes the changes that arrive together as one, each answered as it was decided', async () => {
  const store = new PostgresRolloutStore(api.db);
  const state = await created();
  await store.insert(state, []);
  const [started, refused, paused] = await Promise.all([
    store.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now)),
    store.update(state.id, (s) => transition(s, { type: 'resume', by: 'ops' }, now)),
    store.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now)),
  ]);
  expect(started).toMatchObject({ ok: true, changed: true, state: { status: 'running', version: state.version + 1 } });
  expect(refused).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  expect(paused).toMatchObject({ ok: true, changed: true, state: { status: 'paused', version: state.version + 2 } });
  const [row] = await api.db.query(`SELECT status, version FROM rollouts WHERE id = $1`, [state.id]);
  expect(row).toEqual({ status: 'paused', version: String(state.version + 2) });
  const audit: Array<{ action: string; txn: string }> = await api.db.query(
    `SELECT action, xmin::text AS txn FROM audit_log WHERE details->>'rolloutId' = $1 AND action LIKE 'rollout.status.%' ORDER BY id`,
    [state.id],
  );
  expect(audit.map((a) => a.action)).toEqual(['rollout.status.running', 'rollout.status.paused']);
  expect(new Set(audit.map((a) => a.txn)).size).toBe(1);
});

it('lets a change of a batch that throws, or whose write is refused, fail alone', async () => {
  const store = new PostgresRolloutStore(api.db);
  const state = await created();
  await store.insert(state, []);
  const [started, boom, paused] = await Promise.allSettled([
    store.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now)),
    store.update(state.id, () => {
      throw new Error('boom');
    }),
    store.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now)),
  ]);
  expect(started).toMatchObject({ status: 'fulfilled', value: { ok: true, state: { status: 'running' } } });
  expect(boom).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
  expect(paused).toMatchObject({ status: 'fulfilled', value: { ok: true, state: { status: 'paused', version: state.version + 2 } } });

  // A second rollout on the same cluster cannot start while the first is active; the write of its batch is
  // refused, and only the start that made it so hears about it.
  const second = await created(state.clusterId);
  await store.insert(second, []);
  const [refused, ticked] = await Promise.allSettled([
    store.update(second.id, (s) => transition(s, { type: 'start', by: 'ops' }, now)),
    store.update(second.id, (s) => transition(s, { type: 'tick' }, now)),
  ]);
  expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'rollout.cluster_busy' } });
  expect(ticked).toMatchObject({ status: 'fulfilled', value: { ok: true, changed: false, state: { status: 'draft' } } });
});

it("hands the namespace lock's holder the state as it is once the lock is held, also after waiting for it", async () => {
  const [a, b] = [new PostgresRolloutStore(api.db), new PostgresRolloutStore(api.db)];
  const state = await created();
  await a.insert(state, []);
  expect((await b.get(state.id))!.status).toBe('draft');
  await a.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
  expect(await b.withNamespaceLock(state, 'cart-dev', async (current) => current?.status)).toBe('running');

  const order: string[] = [];
  let release!: () => void;
  const holding = a.withNamespaceLock(state, 'cart-dev', async () => {
    order.push('a holds');
    await new Promise<void>((resolve) => (release = resolve));
    await a.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now));
    order.push('a paused');
  });
  while (!order.length) await new Promise((r) => setTimeout(r, 5));
  const waiting = b.withNamespaceLock(state, 'cart-dev', async (current) => {
    order.push('b holds');
    return current?.status;
  });
  await new Promise((r) => setTimeout(r, 100));
  expect(order).toEqual(['a holds']);
  release();
  await holding;
  expect(await waiting).toBe('paused');
  expect(order).toEqual(['a holds', 'a paused', 'b holds']);
  expect(await b.withNamespaceLock({ id: randomUUID(), clusterId: state.clusterId }, 'cart-dev', async (current) => current)).toBeNull();
});

it('reads a rollout once for the jobs that want it at the same time, and never goes back to an older state', async () => {
  const reads: string[] = [];
  const counted = new Proxy(api.db, {
    get(target, property) {
      if (property === 'query') return (sql: string, params?: unknown[]) => (reads.push(sql), target.query(sql, params));
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const [a, b] = [new PostgresRolloutStore(api.db), new PostgresRolloutStore(counted)];
  const state = await created();
  await a.insert(state, []);
  await b.get(state.id);
  await a.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
  reads.length = 0;
  const seen = await Promise.all([1, 2, 3, 4, 5].map(() => b.get(state.id)));
  expect(reads.filter((sql) => sql.includes('SELECT r.state'))).toHaveLength(1);
  for (const s of seen) expect(s).toBe(seen[0]);
  expect(seen[0]).toMatchObject({ status: 'running', version: state.version + 1 });
  // b's own change is kept over an older read: b answers it without reading the rollout again
  await b.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now));
  reads.length = 0;
  expect(await b.get(state.id)).toMatchObject({ status: 'paused', version: state.version + 2 });
  expect(await b.withNamespaceLock(state, 'cart-dev', async (current) => current?.version)).toBe(state.version + 2);
  expect(reads.filter((sql) => sql.includes('SELECT r.state'))).toHaveLength(0);
});
