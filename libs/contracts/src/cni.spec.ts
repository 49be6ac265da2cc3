// The CNI facts, including the cases the plan lint, the cluster views and the simulated driver once
// disagreed on (kindnet, aws-vpc-cni, kubenet, unknown).
import { CNIS } from './http/common';
import { cniClusterPolicySupport, cniEnforcesNetworkPolicy } from './cni';

describe('cniEnforcesNetworkPolicy', () => {
  it.each([
    ['calico', true],
    ['cilium', true],
    ['canal', true],
    ['weave', true],
    ['antrea', true],
    ['kube-router', true],
    ['aws-vpc-cni', true],
    ['kindnet', true],
    ['flannel', false],
    ['kubenet', false],
    ['bridge', false],
    ['host-local', false],
    ['none', false],
    ['unknown', null],
    ['frobnet', null],
  ] as const)('%s -> %s', (cni, expected) => {
    expect(cniEnforcesNetworkPolicy(cni)).toBe(expected);
  });

  it('ignores case', () => {
    expect(cniEnforcesNetworkPolicy('Flannel')).toBe(false);
    expect(cniEnforcesNetworkPolicy('CILIUM')).toBe(true);
  });

  it('knows nothing of names that are properties of every object', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(cniEnforcesNetworkPolicy(name)).toBeNull();
  });

  it('has a fact for every CNI a cluster can be registered with, except unknown', () => {
    for (const cni of CNIS) expect(cniEnforcesNetworkPolicy(cni) === null).toBe(cni === 'unknown');
  });
});

describe('cniClusterPolicySupport', () => {
  it.each([
    ['calico', { implements: true, domainNames: null }],
    ['Antrea', { implements: true, domainNames: null }],
    ['ovn-kubernetes', { implements: true, domainNames: null }],
    ['cilium', { implements: false, domainNames: false }],
    ['flannel', { implements: false, domainNames: false }],
    ['none', { implements: false, domainNames: false }],
    ['weave', null],
    ['unknown', null],
    ['constructor', null],
  ] as const)('%s -> %j', (cni, expected) => {
    expect(cniClusterPolicySupport(cni)).toEqual(expected);
  });
});
