import type { Tier } from '@bulkhead/contracts';
import { floorAfter, lowersBelowFloor, overrideAfterImport, type TierOfNamespace } from './tiers';

const ns = (labelTier: Tier | null, tierOverride: Tier | null = null): TierOfNamespace => ({ labelTier, tierOverride });
const APPROVAL: Tier[] = ['staging', 'prod'];

describe('the floor: the highest tier under approval a namespace has been in', () => {
  it.each<[string, Tier | null, Tier | null, Tier[], Tier | null]>([
    ['dev is no tier under approval', 'dev', null, APPROVAL, null],
    ['staging raises it', 'staging', null, APPROVAL, 'staging'],
    ['prod raises it past staging', 'prod', 'staging', APPROVAL, 'prod'],
    ['dev does not lower it', 'dev', 'prod', APPROVAL, 'prod'],
    ['no tier does not lower it', null, 'staging', APPROVAL, 'staging'],
    ['staging is no tier under approval when only prod is', 'staging', null, ['prod'], null],
  ])('%s', (_name, tier, floor, approvalTiers, expected) => {
    expect(floorAfter(tier, floor, approvalTiers)).toBe(expected);
  });
});

describe('an import keeps a namespace at its floor', () => {
  it.each<[string, TierOfNamespace | undefined, Tier | null, Tier | null, Tier | null]>([
    ['a new namespace takes its labels', undefined, 'dev', null, null],
    ['prod by label, relabelled dev: kept at prod', ns('prod'), 'dev', 'prod', 'prod'],
    ['prod by label, label removed: kept at prod', ns('prod'), null, 'prod', 'prod'],
    ['left out of a snapshot and back as dev: kept at prod', undefined, 'dev', 'prod', 'prod'],
    ['prod by label, still prod: no override', ns('prod'), 'prod', 'prod', null],
    ["prod by a person, relabelled dev: the person's choice stays", ns('dev', 'prod'), 'dev', 'prod', 'prod'],
    ['staging by label, relabelled dev: kept at staging', ns('staging'), 'dev', 'staging', 'staging'],
    ['staging by label, relabelled prod: follows the label up', ns('staging'), 'prod', 'staging', null],
    ['dev by label with no floor: follows the label', ns('dev'), 'staging', null, null],
  ])('%s', (_name, previous, labelTier, floor, expected) => {
    expect(overrideAfterImport(previous, labelTier, floor)).toBe(expected);
  });
});

describe('which tier changes need an approver', () => {
  it.each<[string, TierOfNamespace, Tier | null, Tier | null, boolean]>([
    ['prod by label, set to dev', ns('prod'), 'dev', null, true],
    ['prod by label, set to staging', ns('prod'), 'staging', null, true],
    ['staging by label, set to dev', ns('staging'), 'dev', null, true],
    ['prod by a person, override cleared over a staging label', ns('staging', 'prod'), null, 'prod', true],
    ['prod by a person, override cleared over a prod label', ns('prod', 'prod'), null, 'prod', false],
    ['dev now, but prod before (its floor), set to staging', ns('dev'), 'staging', 'prod', true],
    ['prod, set to prod', ns('prod'), 'prod', 'prod', false],
    ['dev, set to prod', ns('dev'), 'prod', null, false],
    ['dev, set to staging', ns('dev'), 'staging', null, false],
  ])('%s', (_name, current, override, floor, expected) => {
    expect(lowersBelowFloor(current, override, floor, APPROVAL)).toBe(expected);
  });
});
