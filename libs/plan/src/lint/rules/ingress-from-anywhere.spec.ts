import { inventory, itTriggersOnlyWhenItShould, np, tiers } from '../../../../../test/support/plan/lint-cluster';
import { lintPolicies } from '../../index';

describe('ingress-from-anywhere', () => {
  itTriggersOnlyWhenItShould({
    rule: 'ingress-from-anywhere',
    triggers: {
      policies: [
        np('shop', 'world', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }],
        }),
      ],
    },
    clean: {
      policies: [
        np('shop', 'world', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }] }],
        }),
      ],
    },
  });

  it('rates a public entry as info, not warning', () => {
    const entry = np('shop', 'entry', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 8080 }] }],
    });
    entry.metadata.labels = { 'bulkhead.io/purpose': 'public-entry' };
    expect(lintPolicies(inventory, [entry], { tiers }).find((f) => f.rule === 'ingress-from-anywhere')?.severity).toBe('info');
  });
});
