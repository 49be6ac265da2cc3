import * as rollout from '@bulkhead/rollout';

describe('@bulkhead/rollout public entry', () => {
  it.each([
    'transition',
    'transitionAll',
    'outstandingCommands',
    'isCommandCurrent',
    'planRollout',
    'selectProbes',
    'windowOpen',
    'nextOpening',
    'parseCron',
    'parseRRule',
    'compileWindow',
    'executeCommand',
    'reconcileAll',
  ])('exports %s', (name) => {
    expect(typeof (rollout as Record<string, unknown>)[name]).toBe('function');
  });

  it('exports the tiers in rollout order', () => {
    expect(rollout.TIERS).toEqual(['dev', 'staging', 'prod']);
  });
});
