import type { DataSource } from 'typeorm';

/** A rollout step as the API answers it, as far as the guarantee needs. */
export interface StepAtRest {
  namespace: string;
  phase: string;
  startedAt?: string | null;
  snapshot?: { policies: unknown[] } | null;
}

/** The policies live in each namespace of the simulated cluster, one JSON text per namespace (`[]` for none). */
export async function livePolicies(db: DataSource, clusterId: string, namespaces: string[]): Promise<Map<string, string>> {
  const rows: Array<{ namespace: string; manifest: unknown }> = await db.query(
    `SELECT namespace, manifest FROM simulated_policies WHERE cluster_id = $1 ORDER BY namespace, name`,
    [clusterId],
  );
  return new Map(
    namespaces.map((namespace) => [namespace, JSON.stringify(rows.filter((r) => r.namespace === namespace).map((r) => r.manifest))]),
  );
}

/**
 * The rollout guarantee for a rollout at rest, namespace by namespace: verified (the plan's default
 * deny is live), restored byte for byte (the live policies are the step's snapshot), or untouched (as
 * they were before the rollout). Answers one line per namespace that breaks it.
 */
export function namespaceViolations(steps: StepAtRest[], live: Map<string, string>, before: Map<string, string>): string[] {
  const violations: string[] = [];
  for (const step of steps) {
    const now = live.get(step.namespace);
    if (step.phase === 'verified') {
      const names = (JSON.parse(now ?? '[]') as Array<{ metadata: { name: string } }>).map((p) => p.metadata.name);
      if (!names.includes('bulkhead-default-deny'))
        violations.push(`${step.namespace}: verified without its default deny (${names.join(', ') || 'no policy'})`);
    } else if (step.phase === 'restored') {
      if (now !== JSON.stringify(step.snapshot?.policies)) violations.push(`${step.namespace}: restored, but not to its snapshot`);
    } else if (step.phase === 'pending' && !step.startedAt) {
      if (now !== before.get(step.namespace)) violations.push(`${step.namespace}: never started, but changed`);
    } else {
      violations.push(`${step.namespace}: ${step.phase}${step.startedAt ? ' (started)' : ''}, at rest`);
    }
  }
  return violations;
}
