// For the specs only: generated clusters (namespaces of each tier with a few workloads) and dependency maps over
// them (fast-check), for the plan's property specs.
import fc from 'fast-check';
import { buildInventory, snapshotFromDocuments, type Inventory } from '@bulkhead/netpol';
import type { PlanEdge, ReviewState } from '@bulkhead/plan';

export interface GenWorkload {
  name: string;
  pods: number;
  ports: number[];
  sharedLabel: boolean;
}
export interface GenNamespace {
  env: 'production' | 'staging' | 'development' | '';
  workloads: GenWorkload[];
}

const workloadArb = (ambiguous: boolean) =>
  fc.record({
    pods: fc.integer({ min: 1, max: 2 }),
    ports: fc.uniqueArray(fc.constantFrom(80, 5432, 8080, 9090), { minLength: 0, maxLength: 2 }),
    sharedLabel: ambiguous ? fc.boolean() : fc.constant(false),
  });

const clusterArb = (ambiguous: boolean) =>
  fc
    .array(
      fc.record({
        env: fc.constantFrom<GenNamespace['env']>('production', 'staging', 'development', ''),
        workloads: fc.array(workloadArb(ambiguous), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((namespaces) =>
      namespaces.map((ns, i) => ({ env: ns.env, workloads: ns.workloads.map((w, j) => ({ ...w, name: `svc-${i}-${j}` })) })),
    );

export function toInventory(namespaces: GenNamespace[]): Inventory {
  const items: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }];
  let ip = 10;
  const pod = (
    ns: string,
    name: string,
    rs: string,
    hash: string,
    labels: Record<string, string>,
    ports: { containerPort: number; protocol: string }[],
  ) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: ns,
      name,
      labels: { ...labels, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, controller: true, uid: rs }],
    },
    spec: { containers: [{ name: 'c', ports }] },
    status: { phase: 'Running', podIP: `10.1.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}` },
  });
  for (let i = 0; i < 2; i++)
    items.push(
      pod('kube-system', `coredns-5d78c9869d-${i}x`, 'coredns-5d78c9869d', '5d78c9869d', { 'k8s-app': 'kube-dns' }, [
        { containerPort: 53, protocol: 'UDP' },
        { containerPort: 53, protocol: 'TCP' },
      ]),
    );
  namespaces.forEach((ns, i) => {
    const name = `ns-${i}`;
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: ns.env ? { environment: ns.env } : {} } });
    for (const w of ns.workloads) {
      const hash = `h${w.name.replace(/[^0-9]/g, '')}abc`;
      const labels: Record<string, string> = w.sharedLabel
        ? { app: 'shared' }
        : { 'app.kubernetes.io/name': w.name, app: w.name, version: 'v1' };
      for (let p = 0; p < w.pods; p++)
        items.push(
          pod(
            name,
            `${w.name}-${hash}-p${p}`,
            `${w.name}-${hash}`,
            hash,
            labels,
            w.ports.map((port) => ({ containerPort: port, protocol: 'TCP' })),
          ),
        );
    }
  });
  return buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }]));
}

export const TIER = { production: 'prod', staging: 'staging', development: 'dev', '': null } as const;

export function scenarioArb(ambiguous: boolean) {
  return clusterArb(ambiguous).chain((namespaces) => {
    const workloads = namespaces.flatMap((ns, i) => ns.workloads.map((w) => `ns-${i}/${w.name}`));
    const edge = fc.record({
      src: fc.constantFrom(...workloads),
      dst: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...workloads).map((w) => `workload:${w}`) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 9 }).map((n) => `external:203.0.113.${n}/32`) },
        { weight: 1, arbitrary: fc.constant('workload:kube-system/coredns') },
      ),
      port: fc.constantFrom(80, 5432, 8080, 9090, 53),
      protocol: fc.constantFrom('TCP', 'UDP'),
      connections: fc.integer({ min: 1, max: 50 }),
      review: fc.constantFrom<ReviewState>('unreviewed', 'unreviewed', 'confirmed', 'rejected'),
    });
    return fc.record({ namespaces: fc.constant(namespaces), edges: fc.array(edge, { maxLength: 25 }) });
  });
}

export const toEdges = (
  raw: { src: string; dst: string; port: number; protocol: string; connections: number; review: ReviewState }[],
): PlanEdge[] =>
  raw.map((e) => ({ ...e, src: `workload:${e.src}`, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-03T00:00:00.000Z' }));
