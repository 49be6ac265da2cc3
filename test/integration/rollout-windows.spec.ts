import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * Maintenance windows, freezes and scheduled starts, through the REST API with the real worker on the
 * simulated demo cluster, on the real clock: every window is built relative to now. While a tier may not
 * change, its rollout waits (`scheduled` or `waiting_window`) with no step started and nothing applied;
 * once the time comes, the worker's delayed wake-up carries it on by itself. One rollout per cluster may
 * be active, so each scenario ends its rollout before the next begins.
 */
let api: Harness;
let clusterId: string;
let planId: string;
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const until = (id: string, statuses: string[], timeoutMs = 30000) =>
  api.waitFor(
    () => rollout(id),
    (r) => statuses.includes(r.status),
    timeoutMs,
  );
const livePolicies = async (namespace: string) =>
  (
    await api.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [
      clusterId,
      namespace,
    ])
  ).map((r: any) => r.manifest);
const create = async (body: Record<string, unknown>) =>
  api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId, exclude: await untieredExclusions(api, planId), ...body } });
const stepOf = (state: any, namespace: string) => state.steps.find((s: any) => s.namespace === namespace);

/** The `opensAt` each time the rollout went to waiting_window, oldest first (from the audit log). */
async function waitingWindows(rolloutId: string): Promise<Array<{ tier: string; opensAt: string | null }>> {
  const entries = (
    await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.status.waiting_window&limit=500`, { role: 'viewer' })
  ).body.items;
  return entries
    .filter((e: any) => e.details.rolloutId === rolloutId)
    .map((e: any) => ({ tier: e.details.tier, opensAt: e.details.opensAt }))
    .reverse();
}

/** Polls until `untilMs` (on the wall clock), failing as soon as one reading breaks the invariant. */
async function holdsUntil<T>(read: () => Promise<T>, invariant: (value: T) => void, untilMs: number): Promise<void> {
  do {
    invariant(await read());
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < untilMs - 300);
}

/** Until `untilMs`, the rollout waits for a window: the namespace's step has not started and its policies are as they were. */
function waitsForWindow(id: string, namespace: string, before: unknown, untilMs: number): Promise<void> {
  return holdsUntil(
    async () => ({ state: await rollout(id), policies: await livePolicies(namespace) }),
    ({ state, policies }) => {
      expect(state.status).toBe('waiting_window');
      expect(stepOf(state, namespace)).toMatchObject({ phase: 'pending' });
      expect(stepOf(state, namespace).startedAt).toBeUndefined();
      expect(policies).toEqual(before);
    },
    untilMs,
  );
}

/** A whole second, so that times in schedules and in the answers compare exactly. */
const wholeSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The wall clock of `ms` in `timeZone`. */
function wallClock(ms: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}${parts.month}${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    time: `${parts.hour}${parts.minute}${parts.second}`,
  };
}

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  const plan = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' });
  expect(plan.status).toBe(201);
  planId = plan.body.id;
}, 60000);
afterAll(() => api.close());

describe('rollout windows, freezes and schedules refuse bad input', () => {
  const window = { kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 180, timeZone: 'UTC' };
  const rrule = (rule: string) => ({ kind: 'rrule', rule, durationMinutes: 60, timeZone: 'Europe/Berlin' });

  it.each([
    [
      'a cron hour out of range',
      { config: { windows: { prod: [{ ...window, expression: '0 25 * * *' }] } } },
      'body.config.windows.prod[0].hour',
      '25 is out of range 0-23',
    ],
    [
      'a cron with six fields',
      { config: { windows: { prod: [{ ...window, expression: '0 2 * * MON-FRI 2026' }] } } },
      'body.config.windows.prod[0].expression',
      'expected 5',
    ],
    [
      'an RRULE with an unsupported FREQ',
      { config: { windows: { staging: [rrule('DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=HOURLY')] } } },
      'body.config.windows.staging[0].FREQ',
      'FREQ=HOURLY is not supported',
    ],
    [
      'an RRULE without DTSTART',
      { config: { windows: { staging: [rrule('RRULE:FREQ=WEEKLY;BYDAY=MO')] } } },
      'body.config.windows.staging[0].DTSTART',
      'needs a DTSTART',
    ],
    [
      'an RRULE whose DTSTART zone is not the window zone',
      { config: { windows: { staging: [rrule('DTSTART;TZID=America/New_York:20260105T020000\nRRULE:FREQ=DAILY')] } } },
      'body.config.windows.staging[0].DTSTART',
      'differs from',
    ],
    [
      'a window in a time zone that does not exist',
      { config: { windows: { dev: [{ ...window, timeZone: 'Mars/Olympus_Mons' }] } } },
      'body.config.windows.dev[0].timeZone',
      '"Mars/Olympus_Mons" is not an IANA time zone',
    ],
    [
      'a freeze in a time zone that does not exist',
      { config: { freezes: [{ kind: 'once', start: '2026-12-20T00:00:00Z', durationMinutes: 60, timeZone: 'Europe/Atlantis' }] } },
      'body.config.freezes[0].timeZone',
      'is not an IANA time zone',
    ],
    [
      'a window lasting 0 minutes',
      { config: { windows: { dev: [{ ...window, durationMinutes: 0 }] } } },
      'body.config.windows.dev[0].durationMinutes',
      '>=1',
    ],
    [
      'a freeze lasting -5 minutes',
      { config: { freezes: [{ kind: 'once', start: '2026-12-20T00:00:00Z', durationMinutes: -5, timeZone: 'UTC' }] } },
      'body.config.freezes[0].durationMinutes',
      '>=1',
    ],
    [
      'a freeze whose start has no zone',
      { config: { freezes: [{ kind: 'once', start: '2026-12-20T00:00:00', durationMinutes: 60, timeZone: 'UTC' }] } },
      'body.config.freezes[0].start',
      'datetime',
    ],
    ['a start time that is not a time', { scheduledAt: 'tomorrow at two' }, 'body.scheduledAt', 'datetime'],
    ['a start time in the past', { scheduledAt: '2020-01-01T02:00:00Z' }, 'body.scheduledAt', 'is in the past'],
  ])('refuses %s with 400 naming the field and the reason, and writes nothing', async (_name, body, field, reason) => {
    const rolloutsBefore = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items.length;
    const auditBefore = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.&limit=500`, { role: 'viewer' })).body
      .items.length;
    const res = await create({ start: true, ...body });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ field, reason: expect.stringContaining(reason) }]);
    expect(res.body.message).toContain(field);
    expect((await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items.length).toBe(rolloutsBefore);
    expect(
      (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.&limit=500`, { role: 'viewer' })).body.items.length,
    ).toBe(auditBefore);
    expect(await api.db.query(`SELECT count(*)::int AS n FROM rollouts`)).toEqual([{ n: rolloutsBefore }]);
  });
});

describe('rollout windows, freezes and schedules on the real clock', () => {
  it('a rollout scheduled 4 s ahead waits in scheduled, touching nothing, then starts by itself', async () => {
    const namespace = 'payments-dev';
    const before = await livePolicies(namespace);
    const at = wholeSecond(Date.now()) + 4 * SECOND;
    const created = await create({ namespaces: [namespace], config: FAST, scheduledAt: iso(at) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'scheduled', scheduledAt: new Date(at).toISOString() });
    const id = created.body.id;

    await holdsUntil(
      async () => ({ state: await rollout(id), policies: await livePolicies(namespace) }),
      ({ state, policies }) => {
        expect(state.status).toBe('scheduled');
        expect(state.startedAt).toBeUndefined();
        expect(state.steps.every((s: any) => s.phase === 'pending' && !s.startedAt)).toBe(true);
        expect(policies).toEqual(before);
      },
      at,
    );

    const done = await until(id, ['completed', 'halted']);
    expect(done.status).toBe('completed');
    expect(Date.parse(done.startedAt)).toBeGreaterThanOrEqual(at);
    expect(stepOf(done, namespace).phase).toBe('verified');
    expect((await livePolicies(namespace)).map((p: any) => p.metadata.name)).toContain('bulkhead-default-deny');
  }, 30000);

  it('an RRULE window in America/New_York opening in 5 s holds the tier back, then lets it through', async () => {
    const namespace = 'cart-dev';
    const before = await livePolicies(namespace);
    const opens = wholeSecond(Date.now()) + 5 * SECOND;
    const local = wallClock(opens, 'America/New_York');
    // Read as UTC instead of New York time, this window would open hours away.
    const window = {
      kind: 'rrule',
      name: 'dev daily',
      rule: `DTSTART;TZID=America/New_York:${local.date}T${local.time}\nRRULE:FREQ=DAILY`,
      durationMinutes: 30,
      timeZone: 'America/New_York',
    };
    const created = await create({ namespaces: [namespace], start: true, config: { ...FAST, windows: { dev: [window] } } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('waiting_window');
    expect(created.body.opensAt).toBe(new Date(opens).toISOString());
    const id = created.body.id;
    expect(await waitingWindows(id)).toEqual([{ tier: 'dev', opensAt: new Date(opens).toISOString() }]);

    await waitsForWindow(id, namespace, before, opens);

    const done = await until(id, ['completed', 'halted']);
    expect(done.status).toBe('completed');
    expect(done.opensAt).toBeUndefined();
    expect(Date.parse(stepOf(done, namespace).startedAt)).toBeGreaterThanOrEqual(opens);
    expect((await livePolicies(namespace)).length).toBeGreaterThan(0);
  }, 30000);

  it('a freeze covering now beats an open cron window in Asia/Kathmandu until it ends; a prod-only freeze does not touch dev', async () => {
    const namespace = 'orders-dev';
    const before = await livePolicies(namespace);
    const now = Date.now();
    const local = wallClock(now, 'Asia/Kathmandu');
    // Open since this minute in Kathmandu (UTC+05:45); read as UTC, it would be closed.
    const window = { kind: 'cron', expression: `${local.minute} ${local.hour} * * *`, durationMinutes: 30, timeZone: 'Asia/Kathmandu' };
    const thaw = wholeSecond(now) + 6 * SECOND;
    const freezes = [
      { kind: 'once', start: iso(thaw - MINUTE), durationMinutes: 1, timeZone: 'UTC', tiers: ['dev'], reason: 'incident review' },
      { kind: 'once', start: iso(wholeSecond(now) - MINUTE), durationMinutes: 120, timeZone: 'UTC', tiers: ['prod'], reason: 'prod only' },
    ];
    const created = await create({ namespaces: [namespace], start: true, config: { ...FAST, windows: { dev: [window] }, freezes } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('waiting_window');
    expect((await rollout(created.body.id)).opensAt).toBe(new Date(thaw).toISOString());
    const id = created.body.id;
    expect(await waitingWindows(id)).toEqual([{ tier: 'dev', opensAt: new Date(thaw).toISOString() }]);

    await waitsForWindow(id, namespace, before, thaw);

    const done = await until(id, ['completed', 'halted']);
    expect(done.status).toBe('completed');
    expect(Date.parse(stepOf(done, namespace).startedAt)).toBeGreaterThanOrEqual(thaw);
  }, 30000);

  it('a prod window closed for hours holds prod after its approval, while dev (no windows) goes through', async () => {
    const [dev, prod] = ['redis-dev', 'catalog-prod'];
    const prodBefore = await livePolicies(prod);
    const now = new Date();
    const hour = (now.getUTCHours() + 12) % 24;
    const window = { kind: 'cron', name: 'prod nights', expression: `0 ${hour} * * *`, durationMinutes: 60, timeZone: 'UTC' };
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour);
    const opens = today > now.getTime() ? today : today + 24 * 60 * MINUTE;

    const created = await create({ namespaces: [dev, prod], start: true, config: { ...FAST, windows: { prod: [window] } } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const waiting = await until(id, ['waiting_approval', 'halted']);
    expect(waiting.status).toBe('waiting_approval');
    expect(stepOf(waiting, dev).phase).toBe('verified');
    expect(await waitingWindows(id)).toEqual([]);

    const approved = await api.call('POST', `/api/v1/rollouts/${id}/approve`, {
      role: 'approver',
      body: { tier: 'prod', comment: 'dev is fine' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('waiting_window');
    expect(await waitingWindows(id)).toEqual([{ tier: 'prod', opensAt: new Date(opens).toISOString() }]);

    await waitsForWindow(id, prod, prodBefore, Date.now() + 2 * SECOND);

    expect(
      (await api.call('POST', `/api/v1/rollouts/${id}/abort`, { role: 'operator', body: { reason: 'window test done' } })).status,
    ).toBe(200);
    await until(id, ['aborted']);
  }, 40000);

  it('a step running when its window closes is allowed to finish; the next wave then waits', async () => {
    const namespaces = ['kafka-dev', 'api-gateway-dev'];
    const policiesBefore = Object.fromEntries(await Promise.all(namespaces.map(async (ns) => [ns, await livePolicies(ns)] as const)));
    const closes = wholeSecond(Date.now()) + 4 * SECOND;
    // A single window that is open now and closes in 4 s; each step settles for 6 s, one namespace per wave.
    const window = { kind: 'once', start: iso(closes - MINUTE), durationMinutes: 1, timeZone: 'UTC' };
    const created = await create({ namespaces, start: true, config: { ...FAST, waves: [1], settleMs: 6000, windows: { dev: [window] } } });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('running');
    const id = created.body.id;
    const first = created.body.steps.find((s: any) => s.wave === 0);
    const second = created.body.steps.find((s: any) => s.wave === 1);
    expect(Date.parse(first.startedAt)).toBeLessThan(closes);
    expect(second.startedAt).toBeUndefined();

    const waiting = await api.waitFor(
      () => rollout(id),
      (r) => r.status !== 'running',
      20000,
    );
    expect(waiting.status).toBe('waiting_window');
    const finished = stepOf(waiting, first.namespace);
    expect(finished.phase).toBe('verified');
    expect(Date.parse(finished.verifiedAt)).toBeGreaterThan(closes);
    expect((await livePolicies(first.namespace)).length).toBeGreaterThan(0);
    expect(stepOf(waiting, second.namespace)).toMatchObject({ phase: 'pending' });
    expect(stepOf(waiting, second.namespace).startedAt).toBeUndefined();
    expect(await livePolicies(second.namespace)).toEqual(policiesBefore[second.namespace]);
    // The window never opens again.
    expect(await waitingWindows(id)).toEqual([{ tier: 'dev', opensAt: null }]);

    expect((await api.call('POST', `/api/v1/rollouts/${id}/abort`, { role: 'operator' })).status).toBe(200);
    await until(id, ['aborted']);
  }, 40000);
});
