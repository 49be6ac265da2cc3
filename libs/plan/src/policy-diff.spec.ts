import type { NetworkPolicy } from '@bulkhead/netpol';
import { diffPolicies, lineDiff } from './policy-diff';

const policy = (ns: string, name: string, port: number): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port, protocol: 'TCP' }] }] },
});

describe('policy diff', () => {
  it('marks added, removed and changed policies and leaves equal ones out', () => {
    const before = [policy('a', 'same', 80), policy('a', 'old', 80), policy('b', 'moved', 80)];
    const after = [policy('a', 'same', 80), policy('a', 'new', 80), policy('b', 'moved', 8080)];
    const changes = diffPolicies(before, after);
    expect(changes.map((c) => [c.namespace, c.name, c.change])).toEqual([
      ['a', 'new', 'added'],
      ['a', 'old', 'removed'],
      ['b', 'moved', 'changed'],
    ]);
    const moved = changes[2]?.lines.filter((l) => !l.startsWith('  '));
    expect(moved).toEqual(['-         - port: 80', '+         - port: 8080']);
  });

  it('diffs lines by longest common subsequence', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual(['  a', '- b', '+ x', '  c', '+ d']);
    expect(lineDiff([], ['a'])).toEqual(['+ a']);
  });
});
