// A policy the API server would reject: every validation issue, with the field to fix.
import { defineLintRule } from '../rule';

export const invalidPolicy = defineLintRule({
  id: 'invalid-policy',
  severity: 'error',
  scope: 'policies',
  check: ({ invalidPolicies }, findingOf) =>
    invalidPolicies.flatMap(({ object, issues }) =>
      issues.map((issue) => findingOf(object, issue.message, `Fix ${issue.field}: the API server rejects this policy.`)),
    ),
});
