// A rule that allows nothing another, broader rule does not already allow to the same pods.
import { defineLintRule } from '../rule';

export const shadowedRule = defineLintRule({
  id: 'shadowed-rule',
  severity: 'info',
  scope: 'policies',
  check: ({ ruleCoverage }, findingOf) =>
    ruleCoverage()
      .filter((coverage) => !coverage.duplicate)
      .map(({ rule, coveredBy }) =>
        findingOf(
          `NetworkPolicy ${rule.owner.name}`,
          `spec.${rule.direction}[${rule.index}] is shadowed by ${coveredBy.owner.name} ${coveredBy.direction}[${coveredBy.index}], which already allows all it allows to the same pods`,
          'Delete the narrower rule, or narrow the broader one if it allows too much.',
        ),
      ),
});
