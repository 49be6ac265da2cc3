import { randomUUID } from 'node:crypto';
import {
  applyRolloutPatch,
  type Probe,
  type RolloutDigest,
  rolloutDigestPatchSchema,
  rolloutDigestSchema,
  type RolloutState,
  rolloutStateSchema,
  type RolloutView,
  rolloutViewSchema,
} from '@bulkhead/contracts';
import { PostgresRolloutStore } from '@bulkhead/persistence';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';
import { readEvents, type StreamEvent } from './support/server-sent-events';

/**
 * The rollout page's light view: GET /rollouts/{id}/digest, the event stream and the commands with
 * `?view=digest` answer each step with its probes counted, and GET /rollouts/{id}/steps/{namespace}/probes
 * pages a step's probes. On a rollout whose steps plan hundreds of probes each, the digest stays a small
 * part of the whole state, which GET /rollouts/{id} still answers as before.
 */

let api: Harness;
/** A draft of the demo's plan, as the API made it. */
let draft: RolloutState;
/** The same draft with PROBES_PER_STEP probes in every step, some of them run: a rollout of a large cluster. */
let large: RolloutState;
const PROBES_PER_STEP = 400;

/** `count` probes made from a step's planned ones, each with its own id; a third passed, a tenth failed, the rest not run. */
function manyProbes(planned: readonly Probe[], count: number): Probe[] {
  const at = '2026-11-28T12:00:00.000Z';
  return Array.from({ length: count }, (_, i) => {
    const base = planned[i % planned.length]!;
    const probe: Probe = { ...base, id: `${base.id}-${i}`, attempts: [], outcome: undefined };
    if (i % 3 === 0) return { ...probe, attempts: [{ attempt: 1, observed: 'reached', at }], outcome: 'passed' };
    if (i % 10 === 1)
      return { ...probe, attempts: [{ attempt: 1, observed: 'not_reached', detail: 'timed out after 1000 ms', at }], outcome: 'failed' };
    return probe;
  });
}

const countsOf = (probes: readonly Probe[]) => ({
  total: probes.length,
  passed: probes.filter((p) => p.outcome === 'passed').length,
  failed: probes.filter((p) => p.outcome && p.outcome !== 'passed').length,
});

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  const clusterId = await seedDemoCluster(api);
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id) },
  });
  expect(created.status).toBe(201);
  draft = rolloutStateSchema.parse(created.body);
  const id = randomUUID();
  large = {
    ...draft,
    id,
    steps: draft.steps.map((step) => ({ ...step, id: `${id}:${step.namespace}`, probes: manyProbes(step.probes, PROBES_PER_STEP) })),
  };
  await new PostgresRolloutStore(api.db).insert(large, []);
}, 90000);
afterAll(() => api.close());

describe('the light view of a rollout', () => {
  it('counts each step’s probes instead of listing them, and stays a small part of the whole state', async () => {
    const whole = await api.call('GET', `/api/v1/rollouts/${large.id}`, { role: 'viewer' });
    const light = await api.call('GET', `/api/v1/rollouts/${large.id}/digest`, { role: 'viewer' });
    expect(whole.status).toBe(200);
    expect(light.status).toBe(200);
    const view: RolloutView = rolloutViewSchema.parse(whole.body);
    const digest: RolloutDigest = rolloutDigestSchema.parse(light.body);

    expect(view.steps.every((step) => step.probes.length === PROBES_PER_STEP)).toBe(true);
    expect(digest.steps.map((step) => [step.namespace, step.phase, step.probeCounts])).toEqual(
      large.steps.map((step) => [step.namespace, step.phase, countsOf(step.probes)]),
    );
    expect(digest.steps.some((step) => step.probeCounts.failed > 0)).toBe(true);
    expect({ ...digest, view: undefined, stages: undefined, steps: undefined }).toEqual({ ...view, stages: undefined, steps: undefined });

    const wholeChars = JSON.stringify(whole.body).length;
    const lightChars = JSON.stringify(light.body).length;
    // Its size follows the namespaces, not the probes: well under 2 KB a step, however many probes it plans.
    expect(lightChars).toBeLessThan(digest.steps.length * 2048);
    expect(lightChars * 50).toBeLessThan(wholeChars);
  });

  it('is 404 for an unknown rollout and 401 without a token', async () => {
    expect((await api.call('GET', `/api/v1/rollouts/${randomUUID()}/digest`, { role: 'viewer' })).status).toBe(404);
    expect((await api.call('GET', `/api/v1/rollouts/${large.id}/digest`, { role: null })).status).toBe(401);
  });
});

describe("a step's probes, paged", () => {
  it('gives every probe of the step once, in its order, a page at a time, to a viewer', async () => {
    const step = large.steps[0]!;
    const got: Probe[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=150&cursor=${cursor}` : '?limit=150';
      const page = await api.call('GET', `/api/v1/rollouts/${large.id}/steps/${step.namespace}/probes${query}`, { role: 'viewer' });
      expect(page.status).toBe(200);
      got.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(got).toEqual(step.probes);
  });

  it('names the field or the thing that is wrong: unknown namespace or rollout, another step’s cursor, a bad limit', async () => {
    const [first, second] = large.steps;
    const base = `/api/v1/rollouts/${large.id}/steps`;
    const other = await api.call('GET', `${base}/${first!.namespace}/probes?limit=1`, { role: 'viewer' });

    const unknownNamespace = await api.call('GET', `${base}/no-such-namespace/probes`, { role: 'viewer' });
    expect(unknownNamespace.status).toBe(404);
    expect(JSON.stringify(unknownNamespace.body)).toContain('no-such-namespace');
    expect((await api.call('GET', `/api/v1/rollouts/${randomUUID()}/steps/${first!.namespace}/probes`, { role: 'viewer' })).status).toBe(
      404,
    );

    const foreignCursor = await api.call('GET', `${base}/${second!.namespace}/probes?cursor=${other.body.nextCursor}`, { role: 'viewer' });
    expect(foreignCursor.status).toBe(400);
    expect(JSON.stringify(foreignCursor.body)).toContain('query.cursor');
    const badLimit = await api.call('GET', `${base}/${first!.namespace}/probes?limit=0`, { role: 'viewer' });
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(badLimit.body)).toContain('query.limit');
    expect((await api.call('GET', `${base}/${first!.namespace}/probes`, { role: null })).status).toBe(401);
  });
});

/** Reads a stream's server-sent events as a viewer, handing each to `onEvent` until it answers true. */
async function readViewerEvents(path: string, onEvent: (e: StreamEvent) => boolean): Promise<void> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.tokens.viewer}` } });
  expect(res.status).toBe(200);
  await readEvents(res, onEvent);
}

describe('the light view on the event stream and in command answers', () => {
  it('a command answers the whole state unless asked for the digest', async () => {
    const whole = await api.call('POST', `/api/v1/rollouts/${draft.id}/abort`, { role: 'operator', body: {} });
    expect(whole.status).toBe(200);
    expect(rolloutStateSchema.parse(whole.body).status).toBe('aborted');
  });

  it('streams the digest first, then patches it; a command asked for the digest answers the state the patches make', async () => {
    let held: RolloutDigest | null = null;
    let aborting: Promise<{ status: number; body: unknown }> | undefined;
    await readViewerEvents(`/api/v1/rollouts/${large.id}/events?view=digest`, (e) => {
      if (e.event === 'rollout') {
        held = rolloutDigestSchema.parse(JSON.parse(e.data));
        expect(held.version).toBe(large.version);
        expect(e.data.length).toBeLessThan(held.steps.length * 2048);
        aborting = api.call('POST', `/api/v1/rollouts/${large.id}/abort?view=digest`, { role: 'operator', body: { reason: 'light view' } });
        return false;
      }
      if (e.event !== 'patch') return false;
      const next = applyRolloutPatch(held!, rolloutDigestPatchSchema.parse(JSON.parse(e.data)));
      expect(next).not.toBeNull();
      held = next;
      return next!.status === 'aborted';
    });
    const answer = await aborting!;
    expect(answer.status).toBe(200);
    const answered = rolloutDigestSchema.parse(answer.body);
    expect(answered.status).toBe('aborted');
    expect(held).toEqual(answered);
    expect(held).toEqual((await api.call('GET', `/api/v1/rollouts/${large.id}/digest`, { role: 'viewer' })).body);
  });
});
