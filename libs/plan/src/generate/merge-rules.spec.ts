// Merging, case by case: which open ports another rule covers, where their evidence goes, and what stays.
import type { LabelSelector, NetworkPolicyPeer } from '@bulkhead/netpol';
import type { EdgeEvidence } from '../types';
import { assemblePolicies } from './assemble-policies';
import { mergeCoveredRules } from './merge-rules';
import { PolicyBook } from './policy-book';

const edge = (key: string): EdgeEvidence => ({ key, connections: 3, firstSeen: null, lastSeen: null });
const peerOf = (labels: Record<string, string>, namespace = 'shop'): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  podSelector: { matchLabels: labels },
});
const ipPeer = (cidr: string, except?: string[]): NetworkPolicyPeer => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });

/** Drafts `name -> pod selector` in namespace shop; each rule: [policy, peer, port, edge (its key less protocol and port)]. */
function merged(drafts: Record<string, LabelSelector>, rules: [string, NetworkPolicyPeer, number, string][]) {
  const book = new PolicyBook(new Map());
  for (const [name, podSelector] of Object.entries(drafts)) book.policy('shop', name, 'dependency', podSelector);
  for (const [name, peer, port, key] of rules)
    book.addRule(book.drafts.get(`shop/${name}`)!, 'egress', peer, [book.port('TCP', port)], edge(`${key}|TCP|${port}`));
  mergeCoveredRules(book);
  const { policies, evidence } = assemblePolicies(book);
  return {
    rules: Object.fromEntries(policies.map((policy) => [policy.metadata.name, policy.spec.egress ?? []])),
    evidence: Object.fromEntries(
      evidence.map((rule) => [`${rule.policy.slice(5)}[${rule.rule}]`, rule.edges.map((e) => e.key.replace(/\|TCP\|[0-9]+$/, ''))]),
    ),
  };
}

describe('mergeCoveredRules', () => {
  it('keeps one of two equal rules of workloads that share a selector, with the evidence of both', () => {
    const twins = { matchLabels: { app: 'shop' } };
    const db = peerOf({ app: 'db' });
    const { rules, evidence } = merged({ 'a-egress': twins, 'b-egress': twins }, [
      ['a-egress', db, 5432, 'a->db'],
      ['b-egress', db, 5432, 'b->db'],
      ['b-egress', db, 6432, 'b->db:6432'],
    ]);
    expect(rules).toEqual({
      'a-egress': [{ to: [db], ports: [{ protocol: 'TCP', port: 5432 }] }],
      'b-egress': [{ to: [db], ports: [{ protocol: 'TCP', port: 6432 }] }],
    });
    expect(evidence).toEqual({ 'a-egress[0]': ['a->db', 'b->db'], 'b-egress[0]': ['b->db:6432'] });
  });

  it('drops a policy whose every rule another already holds', () => {
    const twins = { matchLabels: { app: 'shop' } };
    const { rules } = merged({ 'a-egress': twins, 'b-egress': twins }, [
      ['a-egress', peerOf({ app: 'db' }), 5432, 'a->db'],
      ['b-egress', peerOf({ app: 'db' }), 5432, 'b->db'],
    ]);
    expect(Object.keys(rules)).toEqual(['a-egress']);
  });

  it('lets a policy for every pod, or a selector asking for less, cover a narrower one', () => {
    const cache = peerOf({ app: 'cache' });
    const { rules } = merged({ 'all-egress': {}, 'api-egress': { matchLabels: { app: 'api' } } }, [
      ['all-egress', cache, 6379, 'all->cache'],
      ['api-egress', cache, 6379, 'api->cache'],
      ['api-egress', peerOf({ app: 'cache', tier: 'hot' }), 6379, 'api->hot-cache'],
      ['api-egress', cache, 6380, 'api->cache:6380'],
    ]);
    expect(rules).toEqual({
      'all-egress': [{ to: [cache], ports: [{ protocol: 'TCP', port: 6379 }] }],
      'api-egress': [{ to: [cache], ports: [{ protocol: 'TCP', port: 6380 }] }],
    });
  });

  it('covers an address by a wider CIDR unless the wider one carves it out', () => {
    const app = { matchLabels: { app: 'api' } };
    const { rules } = merged({ 'api-egress': app, 'api-to-api-server': app }, [
      ['api-egress', ipPeer('10.0.0.0/8'), 443, 'api->10/8'],
      ['api-to-api-server', ipPeer('10.96.0.1/32'), 443, 'api->apiserver'],
      ['api-egress', ipPeer('0.0.0.0/0', ['192.168.0.0/16']), 8443, 'api->world'],
      ['api-to-api-server', ipPeer('192.168.1.1/32'), 8443, 'api->private'],
      ['api-to-api-server', ipPeer('203.0.113.0/24', ['203.0.113.128/25']), 8443, 'api->partner'],
    ]);
    expect(rules).toEqual({
      'api-egress': [
        { to: [ipPeer('0.0.0.0/0', ['192.168.0.0/16'])], ports: [{ protocol: 'TCP', port: 8443 }] },
        { to: [ipPeer('10.0.0.0/8')], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
      'api-to-api-server': [{ to: [ipPeer('192.168.1.1/32')], ports: [{ protocol: 'TCP', port: 8443 }] }],
    });
  });

  it('leaves rules alone when their pods, peers or ports differ', () => {
    const { rules } = merged({ 'a-egress': { matchLabels: { app: 'a' } }, 'b-egress': { matchLabels: { app: 'b' } } }, [
      ['a-egress', peerOf({ app: 'db' }), 5432, 'a->db'],
      ['b-egress', peerOf({ app: 'db' }), 5432, 'b->db'],
      ['b-egress', peerOf({ app: 'db' }, 'other'), 5432, 'b->other/db'],
      ['b-egress', peerOf({ app: 'db' }), 6432, 'b->db:6432'],
    ]);
    expect(Object.values(rules).flat()).toHaveLength(3);
  });
});
