// The plan's "cannot tell apart" finding: when no set of stable labels tells a workload the plan allows apart
// from its siblings, the finding names the siblings its allows also open and the label that would separate them.
import { buildInventory, PlainEvaluator, snapshotFromDocuments, type Inventory, type NetworkPolicy } from '@bulkhead/netpol';
import { generatePlan, type PlanEdge } from '../index';

/** A pod of a Deployment, owned by its ReplicaSet, as `kubectl get pods -o json` lists one. */
const deploymentPod = (name: string, labels: Record<string, string>, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'bookinfo',
    name: `${name}-5d7f8c-x1`,
    labels: { ...labels, 'pod-template-hash': '5d7f8c' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-5d7f8c`, controller: true, uid: name }],
  },
  spec: { containers: [{ name: 'c', ports: [{ containerPort: 9080 }] }] },
  status: { phase: 'Running', podIP: ip },
});

/**
 * bookinfo's reviews versions as a chart that dropped their `version` label deploys them: one `app` label for all
 * three; `withInstance` gives each the label the finding's fix asks for.
 */
const bookinfo = (withInstance: boolean) => {
  const reviews = (name: string, ip: string) =>
    deploymentPod(name, { app: 'reviews', ...(withInstance ? { 'app.kubernetes.io/instance': name } : {}) }, ip);
  return buildInventory(
    snapshotFromDocuments([
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
          deploymentPod('productpage-v1', { app: 'productpage' }, '10.0.0.1'),
          reviews('reviews-v1', '10.0.0.11'),
          reviews('reviews-v2', '10.0.0.12'),
          reviews('reviews-v3', '10.0.0.13'),
        ],
      },
    ]),
  );
};
const edge = (src: string, dst: string): PlanEdge => ({
  src: `workload:bookinfo/${src}`,
  dst: `workload:bookinfo/${dst}`,
  port: 9080,
  protocol: 'TCP',
  connections: 3,
  firstSeen: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-05T00:00:00.000Z',
});

/** Whether productpage reaches each reviews version on 9080 under the plan's policies. */
function productpageReaches(inventory: Inventory, policies: NetworkPolicy[]): Record<string, boolean> {
  const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies });
  const podOf = (workload: string) => inventory.pods.find((pod) => pod.workload.name === workload)!;
  const reaches: Record<string, boolean> = {};
  for (const reviews of ['reviews-v1', 'reviews-v2', 'reviews-v3'])
    reaches[reviews] = evaluator.evaluate({
      from: { pod: podOf('productpage-v1') },
      to: { pod: podOf(reviews) },
      port: 9080,
      protocol: 'TCP',
    }).allowed;
  return reaches;
}

describe('the ambiguous-selector finding', () => {
  it('names the workloads a selector cannot tell apart and the label to add to each', () => {
    const inventory = bookinfo(false);
    const plan = generatePlan({ inventory, edges: [edge('productpage-v1', 'reviews-v1')] });
    // What the finding warns of: the allow only reviews-v1 needed opens its siblings too.
    expect(productpageReaches(inventory, plan.policies)).toEqual({ 'reviews-v1': true, 'reviews-v2': true, 'reviews-v3': true });
    expect(plan.findings.filter((finding) => finding.rule === 'ambiguous-selector')).toEqual([
      {
        rule: 'ambiguous-selector',
        severity: 'warning',
        object: 'Workload bookinfo/reviews-v1',
        message:
          'no set of stable labels tells bookinfo/reviews-v1 apart from bookinfo/reviews-v2, bookinfo/reviews-v3: ' +
          'the allows of bookinfo/reviews-v1 (selector app=reviews) also apply to them',
        fix:
          'Set the label app.kubernetes.io/instance: reviews-v1 on the pod template of bookinfo/reviews-v1 ' +
          '(and on each of bookinfo/reviews-v2, bookinfo/reviews-v3, its own name), then re-plan.',
      },
    ]);
  });

  it('is gone once the label it asks for is set', () => {
    const inventory = bookinfo(true);
    const plan = generatePlan({ inventory, edges: [edge('productpage-v1', 'reviews-v1')] });
    expect(plan.findings.map((finding) => finding.rule)).not.toContain('ambiguous-selector');
    expect(productpageReaches(inventory, plan.policies)).toEqual({ 'reviews-v1': true, 'reviews-v2': false, 'reviews-v3': false });
  });
});
