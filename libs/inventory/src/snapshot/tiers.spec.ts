import type { Tier } from '@bulkhead/contracts';
import { leavesProd, overrideAfterImport, type TierOfNamespace } from './tiers';

const ns = (labelTier: Tier | null, tierOverride: Tier | null = null): TierOfNamespace => ({ labelTier, tierOverride });

describe('a namespace that was prod stays prod through an import', () => {
  it.each<[string, TierOfNamespace | undefined, Tier | null, Tier | null]>([
    ['a new namespace takes its labels', undefined, 'dev', null],
    ['prod by label, relabelled dev: pinned to prod', ns('prod'), 'dev', 'prod'],
    ['prod by label, label removed: pinned to prod', ns('prod'), null, 'prod'],
    ['prod by label, still prod: no override', ns('prod'), 'prod', null],
    ['prod by a person, relabelled dev: the person\'s choice stays', ns('dev', 'prod'), 'dev', 'prod'],
    ['dev by a person over a prod label, relabelled: stays dev (an approver set it)', ns('prod', 'dev'), 'staging', 'dev'],
    ['staging by label, relabelled dev: follows the label', ns('staging'), 'dev', null],
    ['dev by a person, relabelled prod: the person\'s choice stays', ns('dev', 'dev'), 'prod', 'dev'],
  ])('%s', (_name, previous, labelTier, expected) => {
    expect(overrideAfterImport(previous, labelTier)).toBe(expected);
  });
});

describe('which tier changes take a namespace out of prod', () => {
  it.each<[string, TierOfNamespace, Tier | null, boolean]>([
    ['prod by label, set to dev', ns('prod'), 'dev', true],
    ['prod by a person, override cleared over a staging label', ns('staging', 'prod'), null, true],
    ['prod by a person, override cleared over a prod label', ns('prod', 'prod'), null, false],
    ['prod, set to prod', ns('prod'), 'prod', false],
    ['dev, set to prod', ns('dev'), 'prod', false],
    ['staging, set to dev', ns('staging'), 'dev', false],
  ])('%s', (_name, current, override, expected) => {
    expect(leavesProd(current, override)).toBe(expected);
  });
});
