import { DEFAULT_APPROVAL_TIERS, type RolloutState, type RolloutStore, transition } from '@bulkhead/rollout';
import { RolloutStateCache } from './rollout-state-cache';

const now = new Date('2026-12-01T12:00:00Z');

/** The database, as far as these tests need one: the current state of each rollout. */
class RowsStore implements RolloutStore {
  readonly rows = new Map<string, RolloutState>();
  async insert(state: RolloutState) {
    this.rows.set(state.id, state);
  }
  async update(id: string, change: Parameters<RolloutStore['update']>[1]) {
    const current = this.rows.get(id);
    if (!current) return null;
    const result = change(current);
    if (result.ok && result.changed) this.rows.set(id, result.state);
    return result;
  }
  withNamespaceLock<T>(rollout: Pick<RolloutState, 'id'>, _namespace: string, fn: (current: RolloutState | null) => Promise<T>) {
    return fn(this.rows.get(rollout.id) ?? null);
  }
  async get(id: string) {
    return this.rows.get(id) ?? null;
  }
  async list() {
    return [...this.rows.values()];
  }
  async recordStall() {
    return true;
  }
}

function draft(id: string): RolloutState {
  const namespaces = [{ name: 'cart-dev', tier: 'dev' as const, dependents: 0, probes: [] }];
  const input = {
    id,
    clusterId: 'c1',
    planId: 'p1',
    planVersion: 1,
    createdBy: 'ops',
    creatorId: 'ops',
    approvalTiers: DEFAULT_APPROVAL_TIERS,
    namespaces,
    config: { waves: [1] },
  };
  const created = transition(undefined, { type: 'create', input }, now);
  if (!created.ok) throw new Error(created.error.message);
  return created.state;
}

describe('RolloutStateCache', () => {
  it('knows a rollout once a state of it has passed through, in either direction', async () => {
    const rows = new RowsStore();
    const [written, read] = [draft('r-written'), draft('r-read')];
    await rows.insert(read);
    const cache = new RolloutStateCache(rows);
    expect(cache.lastSeen(written.id)).toBeUndefined();
    expect(cache.lastSeen(read.id)).toBeUndefined(); // in the database, but not seen by this process yet
    await cache.insert(written, []);
    expect(cache.lastSeen(written.id)).toBe(written);
    await cache.get(read.id);
    expect(cache.lastSeen(read.id)).toBe(read);
  });

  it('remembers the state a change left, and the states read under a namespace lock or listed', async () => {
    const rows = new RowsStore();
    const cache = new RolloutStateCache(rows);
    const state = draft('r1');
    await cache.insert(state, []);
    await cache.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
    expect(cache.lastSeen(state.id)).toMatchObject({ status: 'running', version: state.version + 1 });

    await rows.update(state.id, (s) => transition(s, { type: 'pause', by: 'ops' }, now)); // another process
    expect(cache.lastSeen(state.id)?.status).toBe('running'); // stale until read: that is the contract
    await cache.withNamespaceLock(state, 'cart-dev', async () => undefined);
    expect(cache.lastSeen(state.id)).toMatchObject({ status: 'paused', version: state.version + 2 });

    await rows.update(state.id, (s) => transition(s, { type: 'resume', by: 'ops' }, now));
    await cache.list({});
    expect(cache.lastSeen(state.id)).toMatchObject({ status: 'running', version: state.version + 3 });
  });

  it('never goes back to an older state, and remembers nothing of a refused change or a missing rollout', async () => {
    const rows = new RowsStore();
    const cache = new RolloutStateCache(rows);
    const state = draft('r1');
    await cache.insert(state, []);
    const started = await cache.update(state.id, (s) => transition(s, { type: 'start', by: 'ops' }, now));
    rows.rows.set(state.id, state); // a read that answers with the version before
    expect(await cache.get(state.id)).toBe(state);
    expect(cache.lastSeen(state.id)).toBe(started?.ok && started.state);

    const refused = await cache.update(state.id, (s) => transition(s, { type: 'resume', by: 'ops' }, now));
    expect(refused).toMatchObject({ ok: false });
    expect(cache.lastSeen(state.id)).toBe(started?.ok && started.state);
    expect(await cache.update('r-missing', (s) => transition(s, { type: 'tick' }, now))).toBeNull();
    expect(await cache.get('r-missing')).toBeNull();
    expect(cache.lastSeen('r-missing')).toBeUndefined();
  });
});
