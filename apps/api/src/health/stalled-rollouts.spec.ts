import { HealthIndicatorService } from '@nestjs/terminus';
import { searchStalledRollouts } from './stalled-rollouts';

/** A rollout store that counts its searches (and finds nothing), or fails them. */
function store(fail?: string) {
  const calls = { list: 0 };
  return { calls, store: { list: async () => (calls.list++, fail ? Promise.reject(new Error(fail)) : []) } };
}

describe('searchStalledRollouts', () => {
  let now = 1_700_000_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('searches once for every caller within a tenth of the stall deadline, and again after it', async () => {
    const { calls, store: rollouts } = store();
    const search = searchStalledRollouts(new HealthIndicatorService(), rollouts, 30_000);
    await Promise.all(Array.from({ length: 20 }, () => search.recent()));
    expect(calls.list).toBe(1);
    now += 2_999;
    await search.recent();
    expect(calls.list).toBe(1);
    now += 2;
    await search.recent();
    expect(calls.list).toBe(2);
  });

  it('searches at least every 5 s, however long the stall deadline', async () => {
    const { calls, store: rollouts } = store();
    const search = searchStalledRollouts(new HealthIndicatorService(), rollouts, 180_000);
    await search.recent();
    now += 4_999;
    await search.recent();
    expect(calls.list).toBe(1);
    now += 2;
    await search.recent();
    expect(calls.list).toBe(2);
  });

  it('rejects, saying why, when the search fails', async () => {
    const { store: rollouts } = store('connection terminated');
    await expect(searchStalledRollouts(new HealthIndicatorService(), rollouts, 30_000).recent()).rejects.toThrow(
      'the search for stalled rollouts failed: connection terminated',
    );
  });
});
