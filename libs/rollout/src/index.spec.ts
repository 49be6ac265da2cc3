import * as rollout from '@bulkhead/rollout';

describe('@bulkhead/rollout public entry', () => {
  it.each(['transition', 'decide', 'outstandingCommands', 'isCommandCurrent', 'advanceJobId', 'probeJobId', 'planRollout', 'selectProbes', 'windowOpen', 'nextOpening', 'parseCron', 'parseRRule', 'compileWindow', 'isActive'])(
    'exports %s',
    (name) => {
      expect(typeof (rollout as Record<string, unknown>)[name]).toBe('function');
    },
  );

  it('exports the tiers in rollout order', () => {
    expect(rollout.TIERS).toEqual(['dev', 'staging', 'prod']);
  });
});
