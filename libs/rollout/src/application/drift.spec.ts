import type { NetworkPolicy } from '@bulkhead/netpol';
import { APPROVER, clusterPolicy, CREATOR, managedClusterPolicy, simulate } from '../testing/fixtures';
import { scripted } from '../testing/in-memory-cluster';
import { clusterLayerDrift, DIFFERENCE_LINE_LIMIT, driftBaseline, policyDrift } from './drift';

const policy = (name: string, spec: Partial<NetworkPolicy['spec']> = {}, labels?: Record<string, string>): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ...spec },
});

describe('policyDrift', () => {
  it('finds nothing when the live policies say what the plan says, whatever their order', () => {
    const plan = [policy('a'), policy('b')];
    expect(policyDrift('shop', plan, [...plan].reverse(), 3)).toEqual([]);
  });

  it.each([
    ['a policy removed', [policy('a')], [], 'policy_removed', { live: null }],
    ['a policy added', [], [policy('a')], 'policy_added', { expected: null }],
    ['a spec changed', [policy('a')], [policy('a', { policyTypes: ['Ingress', 'Egress'] })], 'policy_changed', {}],
    ['a label changed', [policy('a')], [policy('a', {}, { team: 'x' })], 'policy_changed', {}],
  ] as const)('names %s, with the YAML of each side', (_, expected, live, kind, sides) => {
    const [finding, ...more] = policyDrift('shop', expected, live, 3);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ namespace: 'shop', kind, subject: 'a', difference: { truncated: false, ...sides } });
    expect(finding?.message).toContain('shop/a');
  });

  it('marks the lines that differ, from the plan to the cluster', () => {
    const [finding] = policyDrift('shop', [policy('a')], [policy('a', {}, { team: 'x' })], 3);
    expect(finding?.difference?.lines).toContain('+   labels:');
    expect(finding?.difference?.lines).toContain('+     team: x');
    expect(finding?.difference?.lines.filter((l) => l.startsWith('- '))).toEqual([]);
  });

  it('cuts a huge policy at the line limit and says so', () => {
    const ports = Array.from({ length: DIFFERENCE_LINE_LIMIT }, (_, i) => ({ port: 1000 + i }));
    const [finding] = policyDrift('shop', [], [policy('a', { ingress: [{ ports }] })], 3);
    expect(finding?.difference?.truncated).toBe(true);
    expect(finding?.difference?.live?.split('\n').length).toBe(DIFFERENCE_LINE_LIMIT + 1);
  });
});

describe('clusterLayerDrift', () => {
  const layer = [managedClusterPolicy('bulkhead-tier-isolation', 'Admin', 20), managedClusterPolicy('bulkhead-baseline', 'Baseline', 0)];
  const others = clusterPolicy('platform-team-admin', 'Admin', 5);

  it('finds nothing when the layer is live as planned, whatever the cluster policies of others', () => {
    expect(clusterLayerDrift(layer, [others, ...[...layer].reverse()], 3)).toEqual([]);
  });

  it('names a guardrail removed, changed, unlabelled or added as Bulkhead’s by kind and name, under (cluster)', () => {
    const [isolation, baseline] = layer;
    const unlabelled = { ...isolation!, metadata: { name: 'bulkhead-tier-isolation' } };
    const findings = clusterLayerDrift(layer, [others, unlabelled, managedClusterPolicy('bulkhead-stray')], 3);
    expect(findings.map((f) => [f.namespace, f.kind, f.subject])).toEqual([
      ['(cluster)', 'policy_changed', 'ClusterNetworkPolicy/bulkhead-tier-isolation'],
      ['(cluster)', 'policy_removed', `ClusterNetworkPolicy/${baseline!.metadata.name}`],
      ['(cluster)', 'policy_added', 'ClusterNetworkPolicy/bulkhead-stray'],
    ]);
    expect(findings[1]!.message).toBe('ClusterNetworkPolicy/bulkhead-baseline of plan v3 is gone');
    expect(findings[0]!.difference?.lines.some((line) => line.startsWith('-') && line.includes('app.kubernetes.io/managed-by'))).toBe(true);
  });
});

describe('driftBaseline', () => {
  it('measures the namespaces a rollout verified and its verified cluster stage, also of a rollout of guardrails alone', async () => {
    const world = await simulate({
      namespaces: [{ name: 'dev-a', tier: 'dev' }],
      guardrails: 'beforeDev',
      approvalTiers: [],
      oracle: scripted({ 'connect-staging-prod': ['reached'] }),
    });
    await world.send({ type: 'start', by: CREATOR });
    await world.send({ type: 'approve', tier: 'cluster', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await world.run();
    expect(world.state.steps.map((step) => step.phase)).toEqual(['verified', 'verified']);
    const deps = { store: world.store, drift: { acceptance: async () => null } } as unknown as Parameters<typeof driftBaseline>[0];
    const baseline = await driftBaseline(deps, world.state.clusterId);
    expect(baseline?.verified.map((step) => step.namespace).sort()).toEqual(['(cluster)', 'dev-a']);

    const alone = await simulate({
      id: 'r2',
      namespaces: [],
      guardrails: 'afterProd',
      oracle: scripted({ 'connect-staging-prod': ['reached'] }),
    });
    await alone.send({ type: 'start', by: CREATOR });
    await alone.send({ type: 'approve', tier: 'cluster', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await alone.run();
    expect(alone.state.status).toBe('completed');
    const guardrailsOnly = await driftBaseline({ ...deps, store: alone.store }, alone.state.clusterId);
    expect(guardrailsOnly?.verified.map((step) => step.namespace)).toEqual(['(cluster)']);
  });
});
