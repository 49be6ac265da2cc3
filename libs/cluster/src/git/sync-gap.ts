import type { NetworkPolicy } from '@bulkhead/netpol';
import { canonical } from '../kubernetes/policies';

/** How many names of each kind a gap lists before it only counts them. */
const NAMES_SHOWN = 8;

const names = (list: readonly string[]): string => {
  const sorted = [...list].sort();
  const shown = sorted.slice(0, NAMES_SHOWN).join(', ');
  return sorted.length > NAMES_SHOWN ? `${shown} and ${sorted.length - NAMES_SHOWN} more` : shown;
};

/** Whether every key of `wanted` is in `shown` with the same value. */
const holds = (shown: Record<string, string> | undefined, wanted: Record<string, string> | undefined): boolean =>
  Object.entries(wanted ?? {}).every(([key, value]) => shown?.[key] === value);

const annotationsOf = (policy: NetworkPolicy) => policy.metadata.annotations as Record<string, string> | undefined;

/**
 * Whether the cluster shows a committed policy as it was committed: the same spec, and the labels and
 * annotations committed. A syncer adds its own (Argo CD's tracking annotation, Flux's labels), which do
 * not count against it.
 */
const showsAsCommitted = (committed: NetworkPolicy, shown: NetworkPolicy): boolean =>
  JSON.stringify(canonical(committed.spec)) === JSON.stringify(canonical(shown.spec)) &&
  holds(shown.metadata.labels, committed.metadata.labels) &&
  holds(annotationsOf(shown), annotationsOf(committed));

/**
 * How the policies a namespace shows differ from the ones committed for it, in words, or null when it
 * shows exactly those: every committed policy as committed, and no other.
 */
export function syncGap(committed: readonly NetworkPolicy[], shown: readonly NetworkPolicy[]): string | null {
  const shownByName = new Map(shown.map((p) => [p.metadata.name, p]));
  const committedNames = new Set(committed.map((p) => p.metadata.name));
  const missing: string[] = [];
  const different: string[] = [];
  for (const policy of committed) {
    const live = shownByName.get(policy.metadata.name);
    if (!live) missing.push(policy.metadata.name);
    else if (!showsAsCommitted(policy, live)) different.push(policy.metadata.name);
  }
  const unexpected = shown.map((p) => p.metadata.name).filter((name) => !committedNames.has(name));
  const parts = [
    missing.length ? `missing ${names(missing)}` : '',
    different.length ? `different ${names(different)}` : '',
    unexpected.length ? `not committed ${names(unexpected)}` : '',
  ].filter((part) => part !== '');
  return parts.length ? parts.join('; ') : null;
}
