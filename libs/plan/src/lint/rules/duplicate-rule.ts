// Two rules that read the same and apply to the same pods: the later one is reported.
import { defineLintRule } from '../rule';

export const duplicateRule = defineLintRule({
  id: 'duplicate-rule',
  severity: 'warning',
  scope: 'policies',
  check: ({ ruleCoverage }, findingOf) =>
    ruleCoverage()
      .filter((coverage) => coverage.duplicate)
      .map(({ rule, coveredBy }) =>
        findingOf(
          `NetworkPolicy ${rule.owner.name}`,
          `spec.${rule.direction}[${rule.index}] duplicates ${coveredBy.owner.name} ${coveredBy.direction}[${coveredBy.index}]`,
          'Delete one of the two rules.',
        ),
      ),
});
