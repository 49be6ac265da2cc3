// Each lint rule: one case that triggers it, one that does not.
import { buildInventory, snapshotFromDocuments, type NetworkPolicy } from '@bulkhead/netpol';
import { LINT_RULES, lintPolicies, type LintContext, type LintRuleId } from './index';
import { pod } from './fixtures.spec-helper';

const inventory = buildInventory(
  snapshotFromDocuments([
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { environment: 'production', team: 'shop' } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } },
        pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }], '10.0.0.2'),
        pod('shop', 'web-1', { app: 'web' }, [{ name: 'http', containerPort: 8080 }], '10.0.1.1'),
        pod('shop', 'db-1', { app: 'db' }, [{ name: 'postgres', containerPort: 5432 }], '10.0.1.2'),
        pod('bare', 'job-1', { app: 'job' }, [], '10.0.2.1'),
      ],
    },
  ]),
);
const tiers: LintContext['tiers'] = { bare: 'dev' };

const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec: { podSelector: {}, ...spec },
});
const shopPeer = (app: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app } } });
const dnsEgress = np('shop', 'dns', {
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
});
const webToDb = np('shop', 'db-from-web', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [shopPeer('web')], ports: [{ protocol: 'TCP', port: 5432 }] }] });

interface Case {
  rule: LintRuleId;
  triggers: { policies: NetworkPolicy[]; context?: LintContext };
  clean: { policies: NetworkPolicy[]; context?: LintContext };
}

const cases: Case[] = [
  {
    rule: 'invalid-policy',
    triggers: { policies: [np('shop', 'bad', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }] })] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'wildcard-namespace-selector',
    triggers: { policies: [np('shop', 'w', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] })] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'namespace-selector-without-pod-selector',
    triggers: { policies: [np('shop', 'n', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }], ports: [{ port: 5432 }] }] })] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'default-deny-egress-without-dns',
    triggers: { policies: [np('shop', 'deny', { policyTypes: ['Ingress', 'Egress'] })] },
    clean: { policies: [np('shop', 'deny', { policyTypes: ['Ingress', 'Egress'] }), dnsEgress] },
  },
  {
    rule: 'dns-server-ingress-closed',
    triggers: { policies: [np('kube-system', 'deny', { policyTypes: ['Ingress'] })] },
    clean: {
      policies: [
        np('kube-system', 'deny', { policyTypes: ['Ingress'] }),
        np('kube-system', 'dns', { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }] }),
      ],
    },
  },
  { rule: 'cni-not-enforcing', triggers: { policies: [webToDb], context: { cni: 'flannel' } }, clean: { policies: [webToDb], context: { cni: 'cilium' } } },
  { rule: 'cni-enforcement-unknown', triggers: { policies: [webToDb], context: { cni: 'frobnet' } }, clean: { policies: [webToDb], context: { cni: 'calico' } } },
  {
    rule: 'namespace-missing-labels',
    triggers: { policies: [webToDb], context: { tiers: undefined } },
    clean: { policies: [webToDb], context: { tiers } },
  },
  {
    rule: 'policy-selects-no-pod',
    triggers: { policies: [np('shop', 'typo', { podSelector: { matchLabels: { app: 'dbb' } }, ingress: [{ from: [shopPeer('web')], ports: [{ port: 5432 }] }] })] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'selector-matches-nothing',
    triggers: { policies: [np('shop', 'typo', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [shopPeer('wbe')], ports: [{ port: 5432 }] }] })] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'named-port-unresolved',
    triggers: { policies: [np('shop', 'named', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [shopPeer('web')], ports: [{ port: 'postgress' }] }] })] },
    clean: { policies: [np('shop', 'named', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [shopPeer('web')], ports: [{ port: 'postgres' }] }] })] },
  },
  {
    rule: 'ingress-from-anywhere',
    triggers: { policies: [np('shop', 'world', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }] })] },
    clean: { policies: [np('shop', 'world', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }] }] })] },
  },
  {
    rule: 'duplicate-rule',
    triggers: { policies: [webToDb, { ...webToDb, metadata: { ...webToDb.metadata, name: 'db-from-web-2' } }] },
    clean: { policies: [webToDb] },
  },
  {
    rule: 'shadowed-rule',
    triggers: {
      policies: [webToDb, np('shop', 'db-from-shop', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: {} }], ports: [{ port: 5432 }] }] })],
    },
    clean: {
      policies: [webToDb, np('shop', 'db-from-shop', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: {} }], ports: [{ port: 9187 }] }] })],
    },
  },
];

describe('lint rules', () => {
  it('has a case for every rule', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(Object.keys(LINT_RULES).sort());
  });

  describe.each(cases)('$rule', ({ rule, triggers, clean }) => {
    it('triggers', () => {
      const findings = lintPolicies(inventory, triggers.policies, { tiers, ...triggers.context });
      const hit = findings.filter((f) => f.rule === rule);
      expect(hit.length).toBeGreaterThan(0);
      for (const f of hit) {
        expect(f.object).not.toBe('');
        expect(f.message).not.toBe('');
        expect(f.fix).not.toBe('');
      }
    });
    it('does not trigger', () => {
      const findings = lintPolicies(inventory, clean.policies, { tiers, ...clean.context });
      expect(findings.filter((f) => f.rule === rule)).toEqual([]);
    });
  });

  it('rates the intended DNS wildcard and a public entry as info, not warning', () => {
    const dnsServer = np('kube-system', 'dns', {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    const findings = lintPolicies(inventory, [dnsServer], { tiers });
    expect(findings.find((f) => f.rule === 'wildcard-namespace-selector')?.severity).toBe('info');
    const entry = np('shop', 'entry', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 8080 }] }] });
    entry.metadata.labels = { 'bulkhead.io/purpose': 'public-entry' };
    expect(lintPolicies(inventory, [entry], { tiers }).find((f) => f.rule === 'ingress-from-anywhere')?.severity).toBe('info');
  });

  it('lints a YAML of policies without pods without claiming they select nothing', () => {
    const empty = buildInventory(snapshotFromDocuments([webToDb]));
    const findings = lintPolicies(empty, [webToDb]);
    expect(findings.filter((f) => ['policy-selects-no-pod', 'selector-matches-nothing', 'namespace-missing-labels'].includes(f.rule))).toEqual([]);
  });
});
