import type { NetworkPolicy } from '@bulkhead/netpol';
import { canonical, cleanPolicy, policyBody } from './policies';

describe('cleanPolicy', () => {
  const served = {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    metadata: {
      name: 'deny',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'bulkhead' }],
      labels: { team: 'a' },
      annotations: { note: 'x' },
    },
    spec: { policyTypes: ['Ingress'], podSelector: {} },
    status: {},
  };

  it('drops server-managed metadata and status, keeps labels and annotations, sorts keys', () => {
    const clean = cleanPolicy(served, 'shop');
    expect(JSON.stringify(clean)).toBe(
      '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"annotations":{"note":"x"},"labels":{"team":"a"},"name":"deny","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}',
    );
  });

  it('gives the same bytes for the same policy whatever the key order', () => {
    const reordered = { spec: { podSelector: {}, policyTypes: ['Ingress'] }, metadata: { ...served.metadata, resourceVersion: '99' } };
    expect(JSON.stringify(cleanPolicy(reordered, 'shop'))).toBe(JSON.stringify(cleanPolicy(served, 'shop')));
  });

  it('keeps list order (it is meaningful) while sorting object keys', () => {
    expect(canonical({ b: [3, 1, { z: 1, a: 2 }], a: 1 })).toEqual({ a: 1, b: [3, 1, { a: 2, z: 1 }] });
    expect(JSON.stringify(canonical({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });
});

describe('policyBody', () => {
  const policy = (namespace?: string) =>
    ({ metadata: { name: 'p', ...(namespace ? { namespace } : {}) }, spec: { podSelector: {} } }) as unknown as NetworkPolicy;

  it('fills the namespace and refuses a policy of another namespace', () => {
    expect(policyBody(policy(), 'shop').metadata.namespace).toBe('shop');
    expect(() => policyBody(policy('other'), 'shop')).toThrow('does not belong to namespace "shop"');
  });
});
