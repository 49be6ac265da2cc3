import type { LabelSelector, Labels } from './types';

/** A label selector compiled once into a predicate. */
export type LabelMatcher = (labels: Labels) => boolean;

const matchAll: LabelMatcher = () => true;

/**
 * Kubernetes label selector semantics: every matchLabels pair and every requirement must hold.
 * `In` needs the key present with a listed value; `NotIn` holds when the key is absent or its value is
 * not listed; `Exists` / `DoesNotExist` test the key only. An empty selector matches everything.
 * An unknown operator matches nothing (validation reports it).
 */
export function compileSelector(selector: LabelSelector): LabelMatcher {
  const pairs = Object.entries(selector.matchLabels ?? {});
  const tests: LabelMatcher[] = pairs.map(
    ([key, value]) =>
      (labels) =>
        labels[key] === value,
  );
  for (const requirement of selector.matchExpressions ?? []) {
    const { key } = requirement;
    const values = new Set(requirement.values ?? []);
    switch (requirement.operator) {
      case 'In':
        tests.push((labels) => Object.hasOwn(labels, key) && values.has(labels[key]!));
        break;
      case 'NotIn':
        tests.push((labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]!));
        break;
      case 'Exists':
        tests.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        tests.push((labels) => !Object.hasOwn(labels, key));
        break;
      default:
        return () => false;
    }
  }
  if (tests.length === 0) return matchAll;
  if (tests.length === 1) return tests[0]!;
  return (labels) => tests.every((test) => test(labels));
}

export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions?.length ?? 0) === 0;
}

/** A canonical text for a selector: two selectors with the same key select the same objects. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const expressions = (selector.matchExpressions ?? [])
    .map((e) => `${e.key} ${e.operator} (${[...(e.values ?? [])].sort().join(',')})`)
    .sort();
  return [...labels, ...expressions].join('&');
}
