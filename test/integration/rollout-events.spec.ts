import { applyRolloutPatch, type RolloutPatch, rolloutPatchSchema, type RolloutView, rolloutViewSchema } from '@bulkhead/contracts';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';
import { readEvents } from './support/server-sent-events';

/**
 * The rollout event stream: the whole state first, then patches. A client that applies each patch to
 * what it holds has, at every step, the state GET /rollouts/{id} answers at that version.
 */

let api: Harness;
let clusterId: string;
// One namespace at a time, each settling for longer than the stream's look (0.5 s), so that the stream sees many versions.
const STEADY = { waves: [1], settleMs: 700, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

describe('the rollout event stream', () => {
  let rolloutId: string;

  it('sends the whole state once, then patches that rebuild each state the API reads, much smaller than the state', async () => {
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    const created = (
      await api.call('POST', '/api/v1/rollouts', {
        role: 'operator',
        body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), config: STEADY },
      })
    ).body;
    rolloutId = created.id;
    const res = await fetch(`${api.url}/api/v1/rollouts/${created.id}/events`, {
      headers: { authorization: `Bearer ${api.tokens.viewer}` },
    });
    expect(res.status).toBe(200);

    let held: RolloutView | null = null;
    const fullSizes: number[] = [];
    const patchSizes: number[] = [];
    const mismatches: string[] = [];
    let started = false;
    await readEvents(res, (e) => {
      if (e.event === 'rollout') {
        expect(held).toBeNull(); // the whole state comes once, first
        held = rolloutViewSchema.parse(JSON.parse(e.data));
        fullSizes.push(e.data.length);
        if (!started) {
          started = true;
          void api.call('POST', `/api/v1/rollouts/${created.id}/start`, { role: 'operator' });
        }
        return false;
      }
      expect(e.event).toBe('patch');
      const patch: RolloutPatch = rolloutPatchSchema.parse(JSON.parse(e.data));
      const next = applyRolloutPatch(held!, patch);
      if (!next) mismatches.push(`a patch from ${patch.from} reached a client at ${held!.version}`);
      held = next ?? held;
      patchSizes.push(e.data.length);
      fullSizes.push(JSON.stringify(held).length);
      return ['waiting_approval', 'halted', 'completed'].includes(held!.status);
    });

    expect(mismatches).toEqual([]);
    expect(held!.status).toBe('waiting_approval');
    const read = (await api.call('GET', `/api/v1/rollouts/${created.id}`, { role: 'viewer' })).body;
    expect(read.version).toBe(held!.version);
    expect(held).toEqual(read);
    expect(patchSizes.length).toBeGreaterThan(3);
    // Each patch carries the few steps that moved, not the whole state.
    const meanPatch = patchSizes.reduce((a, b) => a + b, 0) / patchSizes.length;
    expect(meanPatch).toBeLessThan(Math.max(...fullSizes) / 4);
  }, 120000);

  it('tells an open stream of a halted rollout that a newer plan version can be continued with, then that it was', async () => {
    expect((await api.call('POST', `/api/v1/rollouts/${rolloutId}/approve`, { role: 'approver', body: { tier: 'staging' } })).status).toBe(
      200,
    );
    const halted = await api.waitFor(
      async () => (await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body,
      (r) => r.status === 'halted' && !r.steps.some((s: { phase: string }) => s.phase === 'restoring'),
      60000,
    );
    const declare = halted.nextActions.find((a: { action: string }) => a.action === 'declare-dependency');
    const newVersion = halted.planVersion + 1;
    const res = await fetch(`${api.url}/api/v1/rollouts/${rolloutId}/events`, {
      headers: { authorization: `Bearer ${api.tokens.viewer}` },
      signal: AbortSignal.timeout(30000),
    });

    let held: RolloutView | null = null;
    // What the stream said, in order: the patch that offered `continue` (it changes no version), and the continued rollout's version.
    const heard: string[] = [];
    await readEvents(res, (e) => {
      if (e.event === 'rollout') {
        held = rolloutViewSchema.parse(JSON.parse(e.data));
        // another person, in another tab, declares the dependency: this stream's state does not change, what can be done about it does
        void api.call('POST', `/api/v1/rollouts/${rolloutId}/declare-dependency`, {
          role: 'operator',
          body: { namespace: declare.namespace, probeId: declare.probeId },
        });
        return false;
      }
      const patch = rolloutPatchSchema.parse(JSON.parse(e.data));
      const next = applyRolloutPatch(held!, patch);
      expect(next).not.toBeNull();
      held = next!;
      const offered = held.nextActions.find((a) => a.action === 'continue');
      if (offered && !heard.includes('offered')) {
        heard.push('offered');
        expect([offered.planVersion, patch.from, patch.version]).toEqual([newVersion, halted.version, halted.version]);
        void api.call('POST', `/api/v1/rollouts/${rolloutId}/continue`, { role: 'operator', body: { planVersion: newVersion } });
      }
      if (held.planVersion === newVersion && !heard.includes('continued')) heard.push('continued');
      return heard.includes('continued') && ['waiting_approval', 'halted', 'completed'].includes(held.status);
    });

    expect(heard).toEqual(['offered', 'continued']);
    expect(held!).toMatchObject({
      planVersion: newVersion,
      continuations: [expect.objectContaining({ to: expect.objectContaining({ planVersion: newVersion }) })],
    });
    const read = (await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body;
    expect(held).toEqual(read);
  }, 120000);
});
