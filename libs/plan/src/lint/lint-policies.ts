// Lint: the classic NetworkPolicy mistakes, for the policies a cluster already has and for generated
// ones. Each registered rule reads one shared context; each finding names its rule, severity, object,
// what is wrong and how to fix it.
import type { Inventory, NetworkPolicy } from '@bulkhead/netpol';
import { sortFindings } from '../findings';
import type { LintFinding, Severity } from '../types';
import { buildLintRuleContext, type LintContext } from './lint-context';
import type { FindingOf, LintRule } from './rule';
import { REGISTERED_LINT_RULES } from './rules';

export type LintRuleId = (typeof REGISTERED_LINT_RULES)[number]['id'];

/** Every lint rule, with its default severity: the ids findings carry. */
export const LINT_RULES = Object.fromEntries(REGISTERED_LINT_RULES.map((rule) => [rule.id, rule.severity])) as Record<LintRuleId, Severity>;

/**
 * Lints `policies` as if they were the NetworkPolicies of the inventory's cluster (the inventory's own
 * policies are ignored, so a plan can be linted before it is applied). Findings come sorted.
 */
export function lintPolicies(inventory: Inventory, policies: readonly NetworkPolicy[], options: LintContext = {}): LintFinding[] {
  const context = buildLintRuleContext(inventory, policies, options);
  const rules: readonly LintRule[] = REGISTERED_LINT_RULES;
  const findings = rules
    .filter((rule) => rule.scope === 'policies' || !options.skipClusterChecks)
    .flatMap((rule) => rule.check(context, findingMaker(rule)));
  return sortFindings(findings);
}

function findingMaker(rule: LintRule): FindingOf {
  return (object, message, fix, severity = rule.severity) => ({ rule: rule.id, severity, object, message, fix });
}
