// Generated clusters and dependency maps (fast-check) planned with every piece of the cluster layer on: the plan's
// properties hold with both layers evaluated together, every confirmed edge stays allowed, no pod of a lower tier
// reaches a pod of prod on a port no confirmed edge asks for (even once every namespace admin has added an allow-all
// NetworkPolicy), and the layer gives its own lint nothing to say.
import fc from 'fast-check';
import { buildEngine, type InventoryPod, type NetworkPolicy, type Protocol } from '@bulkhead/netpol';
import { edgeKey, generatePlan, plannedLayers } from '../index';
import { scenarioArb, TIER, toEdges, toInventory, type GenNamespace } from '../../../../test/support/plan/generated-clusters';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import { propertyRuns } from '../../../../test/support/property-runs';

const CLUSTER_POLICY_RULES = new Set([
  'cluster-policy-priority-overlap',
  'pass-with-nothing-below',
  'baseline-allow-shadows-plan',
  'admin-rule-makes-policy-dead',
  'cni-ignores-cluster-policies',
  'domain-names-unsupported',
]);
const PORTS = [80, 5432, 8080, 9090, 53];
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP'];

const allowAll = (namespace: string): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name: 'allow-all' },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
});

const tierOf = (namespaces: readonly GenNamespace[], namespace: string) =>
  TIER[namespaces[Number(namespace.replace('ns-', ''))]?.env ?? ''] ?? null;

describe('generated scenarios with the cluster layer', () => {
  it('keeps every confirmed edge, lets nothing unconfirmed into prod from a lower tier, and lints clean', () => {
    fc.assert(
      fc.property(scenarioArb(false), ({ namespaces, edges: raw }) => {
        const inventory = toInventory(namespaces);
        const edges = toEdges(raw);
        const plan = generatePlan({
          inventory,
          edges,
          cni: 'calico',
          options: { clusterLayer: { tierIsolation: true, baselineDefaultDeny: true, intraTierPass: true } },
        });
        const layers = plannedLayers(inventory, plan);
        expect(checkPlanProperties(inventory, plan, edges, { clusterPolicies: layers.clusterPolicies })).toEqual({
          brokenFlows: [],
          dnsFailures: [],
          overAllowed: [],
          structure: [],
          leakedBlocked: [],
        });
        expect(plan.findings.filter((finding) => CLUSTER_POLICY_RULES.has(finding.rule))).toEqual([]);

        const clusterPolicies = layers.clusterPolicies ?? [];
        const engine = buildEngine({ ...inventory, policies: layers.policies, clusterPolicies });
        const undone = buildEngine({
          ...inventory,
          policies: [...layers.policies, ...inventory.namespaces.map((namespace) => allowAll(namespace.name))],
          clusterPolicies,
        });
        const reviews = new Map<string, string>();
        // A key reviewed twice keeps its strongest review, as the plan reads it: rejected over confirmed.
        for (const edge of edges) if (reviews.get(edgeKey(edge)) !== 'rejected') reviews.set(edgeKey(edge), edge.review ?? 'unreviewed');
        const workloadOf = (pod: InventoryPod) => `workload:${pod.namespace}/${pod.workload.name}`;
        const allowed = (from: InventoryPod, to: InventoryPod, port: number, protocol: Protocol, by = engine) =>
          by.evaluate({ from: { pod: from }, to: { pod: to }, port, protocol }).allowed;

        for (const [key, review] of reviews) {
          if (review !== 'confirmed' || !key.includes('|workload:ns-')) continue;
          const [src, dst, protocol, port] = key.split('|') as [string, string, Protocol, string];
          for (const from of inventory.pods.filter((pod) => workloadOf(pod) === src))
            for (const to of inventory.pods.filter((pod) => workloadOf(pod) === dst))
              expect({ key, allowed: allowed(from, to, Number(port), protocol) }).toEqual({ key, allowed: true });
        }

        const lower = inventory.pods.filter((pod) => ['dev', 'staging'].includes(tierOf(namespaces, pod.namespace) ?? ''));
        const prod = inventory.pods.filter((pod) => tierOf(namespaces, pod.namespace) === 'prod');
        for (const from of lower)
          for (const to of prod)
            for (const protocol of PROTOCOLS)
              for (const port of PORTS) {
                if (!allowed(from, to, port, protocol, undone)) continue;
                const key = edgeKey({ src: workloadOf(from), dst: workloadOf(to), protocol, port });
                expect({ key, review: reviews.get(key) }).toEqual({ key, review: 'confirmed' });
              }
      }),
      { numRuns: propertyRuns(60), seed: 1717 },
    );
  });
});
