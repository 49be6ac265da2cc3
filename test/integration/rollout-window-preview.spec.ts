import { type Harness, startApi } from './support/harness';

/**
 * POST /api/v1/rollouts/preview-windows: the next openings per tier of a config's windows minus freezes,
 * before any rollout exists. A viewer may ask (it writes nothing); a bad window is a 400 naming its field.
 */
let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const preview = (body: unknown, role: 'viewer' | null = 'viewer') => api.call('POST', '/api/v1/rollouts/preview-windows', { role, body });
const rolloutCount = async () => Number((await api.db.query('SELECT count(*) AS n FROM rollouts'))[0].n);

describe('window preview', () => {
  it('answers the next three openings per tier, freezes taken out, and writes nothing', async () => {
    const before = await rolloutCount();
    const res = await preview({
      from: '2026-01-04T00:00:00Z',
      config: {
        windows: { prod: [{ kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 180, timeZone: 'Europe/Berlin' }] },
        freezes: [
          {
            kind: 'once',
            start: '2026-01-05T00:00:00+01:00',
            durationMinutes: 1440,
            timeZone: 'Europe/Berlin',
            tiers: ['prod'],
            reason: 'sale',
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-01-04T00:00:00.000Z',
      tiers: {
        dev: [{ start: '2026-01-04T00:00:00.000Z', end: null }],
        staging: [{ start: '2026-01-04T00:00:00.000Z', end: null }],
        prod: [
          // Monday 5 January is frozen; 02:00 in Berlin in winter is 01:00 UTC
          { start: '2026-01-06T01:00:00.000Z', end: '2026-01-06T04:00:00.000Z' },
          { start: '2026-01-07T01:00:00.000Z', end: '2026-01-07T04:00:00.000Z' },
          { start: '2026-01-08T01:00:00.000Z', end: '2026-01-08T04:00:00.000Z' },
        ],
      },
    });
    expect(await rolloutCount()).toBe(before);
  });

  it('refuses a cron the schedule reader cannot read, naming the field and the part', async () => {
    const res = await preview({
      config: { windows: { staging: [{ kind: 'cron', expression: '0 25 * * *', durationMinutes: 60, timeZone: 'UTC' }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { field: expect.stringMatching(/^body\.config\.windows\.staging\[0\]\.hour/), reason: expect.any(String) },
    ]);
  });

  it('refuses an unknown time zone and a bad `from` as the contract names them', async () => {
    const zone = await preview({
      config: { windows: { prod: [{ kind: 'cron', expression: '0 2 * * *', durationMinutes: 60, timeZone: 'Mars/Olympus' }] } },
    });
    expect(zone.status).toBe(400);
    expect(zone.body.problems).toEqual([
      { field: 'body.config.windows.prod[0].timeZone', reason: expect.stringContaining('Mars/Olympus') },
    ]);
    const from = await preview({ config: {}, from: 'tomorrow' });
    expect(from.status).toBe(400);
    expect(from.body.problems.map((p: { field: string }) => p.field)).toEqual(['body.from']);
  });

  it('needs a caller', async () => {
    expect((await preview({ config: {} }, null)).status).toBe(401);
  });
});
