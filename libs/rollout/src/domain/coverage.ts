/**
 * Which namespaces of a plan a rollout covers: every one is in a stage or excluded with a reason, never
 * left out in silence. A namespace without a tier goes to the stage the request assigns it, or is
 * excluded on purpose; one that is neither makes the request invalid.
 */
import { SYSTEM_NAMESPACES } from '@bulkhead/contracts';
import type { ExcludedNamespace, Tier } from './types';

/** A namespace the plan has policies for, with its tier in the inventory (null: none). */
export interface PlannedNamespace {
  namespace: string;
  tier: Tier | null;
  policies: number;
}

/** What the request says about coverage. */
export interface CoverageChoice {
  /** only these namespaces; the plan's others are excluded, saying so */
  namespaces?: readonly string[];
  /** a stage for namespaces (with or without a tier of their own) */
  assign?: Readonly<Record<string, Tier>>;
  exclude?: readonly ExcludedNamespace[];
}

export interface Coverage {
  staged: Array<{ namespace: string; tier: Tier }>;
  excluded: ExcludedNamespace[];
  problems: Array<{ field: string; reason: string }>;
}

export const isSystemNamespace = (namespace: string): boolean => (SYSTEM_NAMESPACES as readonly string[]).includes(namespace);

/** What to do with a namespace of the plan, in words, for the form and for a refusal. */
export function recommendedHandling(planned: PlannedNamespace): string {
  if (isSystemNamespace(planned.namespace))
    return (
      `exclude it: ${planned.namespace} is a system namespace (the control plane's add-ons, cluster DNS), and the plan's ` +
      `${planned.policies} ${planned.policies === 1 ? 'policy' : 'policies'} for it would deny what the traffic seen did not show, ` +
      'such as calls from the API server; give it policies by hand once its traffic is known'
    );
  if (planned.tier) return `keep it in the ${planned.tier} stage, its tier`;
  return 'assign it a stage (prod to go last, with prod), or exclude it with a reason';
}

/**
 * Places every namespace of the plan in a stage or in the excluded list, or says which ones it cannot place. A rollout
 * with `guardrails` (the plan's cluster layer, a stage of its own) may leave every namespace out.
 */
export function decideCoverage(
  planned: readonly PlannedNamespace[],
  choice: CoverageChoice,
  planVersion: number,
  guardrails = false,
): Coverage {
  const problems: Coverage['problems'] = [];
  const byName = new Map(planned.map((p) => [p.namespace, p]));
  const notInPlan = (namespace: string) => `namespace ${namespace} has no policies in plan v${planVersion}`;
  const excluded = new Map<string, ExcludedNamespace>();
  (choice.exclude ?? []).forEach((entry, i) => {
    if (!byName.has(entry.namespace)) problems.push({ field: `exclude[${i}].namespace`, reason: notInPlan(entry.namespace) });
    else if (excluded.has(entry.namespace))
      problems.push({ field: `exclude[${i}].namespace`, reason: `${entry.namespace} is listed twice` });
    else excluded.set(entry.namespace, { namespace: entry.namespace, reason: entry.reason });
  });
  for (const namespace of Object.keys(choice.assign ?? {})) {
    if (!byName.has(namespace)) problems.push({ field: `assign.${namespace}`, reason: notInPlan(namespace) });
    else if (excluded.has(namespace)) problems.push({ field: `assign.${namespace}`, reason: `${namespace} is also excluded: choose one` });
  }
  const chosen = choice.namespaces ? new Set(choice.namespaces) : null;
  (choice.namespaces ?? []).forEach((namespace, i) => {
    if (!byName.has(namespace)) problems.push({ field: `namespaces[${i}]`, reason: notInPlan(namespace) });
    else if (excluded.has(namespace)) problems.push({ field: `namespaces[${i}]`, reason: `${namespace} is also excluded: choose one` });
  });
  const staged: Coverage['staged'] = [];
  for (const p of planned) {
    if (excluded.has(p.namespace)) continue;
    if (chosen && !chosen.has(p.namespace)) {
      excluded.set(p.namespace, { namespace: p.namespace, reason: 'not among the namespaces the request chose' });
      continue;
    }
    const tier = choice.assign?.[p.namespace] ?? p.tier;
    if (tier) staged.push({ namespace: p.namespace, tier });
    else
      problems.push({
        field: `assign.${p.namespace}`,
        reason: `${p.namespace} has no tier: assign it to a stage or exclude it (recommended: ${recommendedHandling(p)})`,
      });
  }
  if (staged.length === 0 && problems.length === 0 && !guardrails)
    problems.push({ field: 'namespaces', reason: 'no namespace of the plan is left to roll out' });
  return { staged, excluded: planned.flatMap((p) => excluded.get(p.namespace) ?? []), problems };
}
