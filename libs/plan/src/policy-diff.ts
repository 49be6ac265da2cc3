// The YAML side of a plan diff: policy by policy, what is added, removed or changed, with the changed
// lines. Diffing per policy keeps it readable and cheap however large the cluster is.
import type { NetworkPolicy } from '@bulkhead/netpol';
import { renderYaml } from './render';

export interface PolicyChange {
  namespace: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** Unified-style lines: `+ ...` added, `- ...` removed, `  ...` unchanged context. */
  lines: string[];
}

const keyOf = (p: NetworkPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;
const yamlLines = (p: NetworkPolicy) => renderYaml([p]).split('\n').slice(1, -1);

/** Line diff by longest common subsequence (policies are a few dozen lines). */
export function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // The length of the longest common subsequence of a[i..] and b[j..], at i * width + j.
  const lcs = new Int32Array((n + 1) * width);
  const lcsFrom = (i: number, j: number) => lcs[i * width + j]!;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * width + j] = a[i] === b[j] ? lcsFrom(i + 1, j + 1) + 1 : Math.max(lcsFrom(i + 1, j), lcsFrom(i, j + 1));
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (lcsFrom(i + 1, j) >= lcsFrom(i, j + 1)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  while (i < n) out.push(`- ${a[i++]}`);
  while (j < m) out.push(`+ ${b[j++]}`);
  return out;
}

/** Every policy that differs between two sets, sorted by namespace and name. */
export function diffPolicies(before: readonly NetworkPolicy[], after: readonly NetworkPolicy[]): PolicyChange[] {
  const a = new Map(before.map((p) => [keyOf(p), p]));
  const b = new Map(after.map((p) => [keyOf(p), p]));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: PolicyChange[] = [];
  for (const key of keys) {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const x = a.get(key);
    const y = b.get(key);
    if (!x) changes.push({ namespace, name, change: 'added', lines: yamlLines(y!).map((l) => `+ ${l}`) });
    else if (!y) changes.push({ namespace, name, change: 'removed', lines: yamlLines(x).map((l) => `- ${l}`) });
    else {
      const lines = lineDiff(yamlLines(x), yamlLines(y));
      if (lines.some((l) => !l.startsWith('  '))) changes.push({ namespace, name, change: 'changed', lines });
    }
  }
  return changes;
}
