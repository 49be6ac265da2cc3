export { lintPolicies, LINT_RULES, type LintRuleId } from './lint-policies';
export type { LintContext } from './lint-context';
export { describePeer } from './describe';
