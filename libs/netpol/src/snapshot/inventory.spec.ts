import { buildInventory } from './inventory';
import { snapshotFromDocuments } from './parse';

type Owner = { kind: string; name: string; controller?: boolean };
const pod = (name: string, labels: Record<string, string>, owners: Owner[] = [], ports: object[] = []) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'shop', name, labels, ownerReferences: owners.map((o) => ({ controller: true, ...o })) },
  spec: { containers: [{ name: 'c', ports }] },
  status: { podIP: undefined },
});
const workload = (apiVersion: string, kind: string, name: string, extra: { owners?: Owner[]; template?: object; spec?: object } = {}) => ({
  apiVersion,
  kind,
  metadata: {
    namespace: 'shop',
    name,
    ...(extra.owners ? { ownerReferences: extra.owners.map((o) => ({ controller: true, ...o })) } : {}),
  },
  spec: extra.spec ?? {
    template: extra.template ?? {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  },
});
const inventoryOf = (items: object[]) => buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }]));
const workloadsOf = (items: object[]) => inventoryOf(items).workloads.map((w) => `${w.kind}/${w.name} x${w.podCount}`);

describe('buildInventory derives workloads from ownerReferences', () => {
  const cases: [string, object[], string[]][] = [
    [
      'Pod -> ReplicaSet -> Deployment through the listed ReplicaSet',
      [
        workload('apps/v1', 'ReplicaSet', 'api-7d9f', { owners: [{ kind: 'Deployment', name: 'api' }] }),
        pod('api-7d9f-abcde', { app: 'api' }, [{ kind: 'ReplicaSet', name: 'api-7d9f' }]),
      ],
      ['Deployment/api x1'],
    ],
    [
      'ReplicaSet absent: the pod-template-hash suffix is stripped',
      [
        pod('api-5c6b7d8f9-x1', { app: 'api', 'pod-template-hash': '5c6b7d8f9' }, [{ kind: 'ReplicaSet', name: 'api-5c6b7d8f9' }]),
        pod('api-5c6b7d8f9-x2', { app: 'api', 'pod-template-hash': '5c6b7d8f9' }, [{ kind: 'ReplicaSet', name: 'api-5c6b7d8f9' }]),
      ],
      ['Deployment/api x2'],
    ],
    [
      'ReplicaSet absent and no matching hash label: the ReplicaSet is the workload',
      [pod('legacy-abc-x1', { app: 'legacy' }, [{ kind: 'ReplicaSet', name: 'legacy-abc' }])],
      ['ReplicaSet/legacy-abc x1'],
    ],
    [
      'a listed ReplicaSet without owner is its own workload',
      [workload('apps/v1', 'ReplicaSet', 'solo'), pod('solo-1', { app: 'solo' }, [{ kind: 'ReplicaSet', name: 'solo' }])],
      ['ReplicaSet/solo x1'],
    ],
    [
      'StatefulSet pods',
      [
        pod('db-0', { app: 'db' }, [{ kind: 'StatefulSet', name: 'db' }]),
        pod('db-1', { app: 'db' }, [{ kind: 'StatefulSet', name: 'db' }]),
      ],
      ['StatefulSet/db x2'],
    ],
    ['DaemonSet pods', [pod('agent-x7', { app: 'agent' }, [{ kind: 'DaemonSet', name: 'agent' }])], ['DaemonSet/agent x1']],
    [
      'Pod -> Job -> CronJob through the listed Job',
      [
        workload('batch/v1', 'Job', 'report-1', { owners: [{ kind: 'CronJob', name: 'report' }] }),
        pod('report-1-abc', { app: 'report' }, [{ kind: 'Job', name: 'report-1' }]),
      ],
      ['CronJob/report x1'],
    ],
    [
      'Job absent: the scheduled-time suffix is stripped',
      [pod('backup-29112345-xyz', { app: 'backup' }, [{ kind: 'Job', name: 'backup-29112345' }])],
      ['CronJob/backup x1'],
    ],
    [
      'Job absent, short numeric suffix, no CronJob listed: the Job is the workload',
      [pod('migrate-2-xyz', { app: 'm' }, [{ kind: 'Job', name: 'migrate-2' }])],
      ['Job/migrate-2 x1'],
    ],
    ['a bare pod is its own workload', [pod('debug', { run: 'debug' })], ['Pod/debug x1']],
    [
      'static pods owned by their Node are each their own workload',
      [
        pod('etcd-node1', { component: 'etcd' }, [{ kind: 'Node', name: 'node1' }]),
        pod('kube-apiserver-node1', { component: 'kube-apiserver' }, [{ kind: 'Node', name: 'node1' }]),
      ],
      ['Pod/etcd-node1 x1', 'Pod/kube-apiserver-node1 x1'],
    ],
    ['a workload listed without pods counts as one pod', [workload('apps/v1', 'Deployment', 'idle')], ['Deployment/idle x1']],
    [
      'a CronJob between runs counts as one pod from its job template',
      [
        workload('batch/v1', 'CronJob', 'nightly', {
          spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly' } } } } } },
        }),
      ],
      ['CronJob/nightly x1'],
    ],
    [
      'a Deployment whose pods are listed is not counted twice',
      [
        workload('apps/v1', 'Deployment', 'api'),
        workload('apps/v1', 'ReplicaSet', 'api-1', { owners: [{ kind: 'Deployment', name: 'api' }] }),
        pod('api-1-a', { app: 'api' }, [{ kind: 'ReplicaSet', name: 'api-1' }]),
      ],
      ['Deployment/api x1'],
    ],
  ];
  test.each(cases)('%s', (_name, items, expected) => {
    expect(workloadsOf(items)).toEqual(expected);
  });

  test('workload labels are the labels all its pods share; ports are their union', () => {
    const inventory = inventoryOf([
      pod('web-1', { app: 'web', version: 'v1' }, [{ kind: 'StatefulSet', name: 'web' }], [{ name: 'http', containerPort: 80 }]),
      pod(
        'web-2',
        { app: 'web', version: 'v2' },
        [{ kind: 'StatefulSet', name: 'web' }],
        [
          { name: 'http', containerPort: 80 },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ],
      ),
    ]);
    expect(inventory.workloads).toEqual([
      {
        namespace: 'shop',
        name: 'web',
        kind: 'StatefulSet',
        labels: { app: 'web' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'http', port: 80, protocol: 'TCP' },
        ],
        podCount: 2,
      },
    ]);
    expect(inventory.pods.map((p) => [p.name, p.workload])).toEqual([
      ['web-1', { kind: 'StatefulSet', name: 'web' }],
      ['web-2', { kind: 'StatefulSet', name: 'web' }],
    ]);
  });

  test('a workload without pods gets a synthetic pod with its template labels and ports', () => {
    const inventory = inventoryOf([workload('apps/v1', 'Deployment', 'idle')]);
    expect(inventory.workloads[0]).toMatchObject({
      labels: { app: 'idle' },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      podCount: 1,
      fromTemplate: true,
    });
    expect(inventory.pods).toEqual([
      {
        namespace: 'shop',
        name: 'idle-template',
        labels: { app: 'idle' },
        ips: [],
        workload: { kind: 'Deployment', name: 'idle' },
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        synthetic: true,
      },
    ]);
  });

  test('namespaces and policies pass through, sorted', () => {
    const inventory = inventoryOf([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 't' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'b', name: 'z' }, spec: { podSelector: {} } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'a', name: 'y' }, spec: { podSelector: {} } },
    ]);
    expect(inventory.namespaces).toEqual([
      { name: 'a', labels: { team: 't', 'kubernetes.io/metadata.name': 'a' } },
      { name: 'b', labels: { 'kubernetes.io/metadata.name': 'b' } },
    ]);
    expect(inventory.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['a/y', 'b/z']);
  });

  test('nodes: the listed ones, with the addresses of their host-network pods; a node only such a pod names is implied', () => {
    const hostPod = (name: string, ip: string, nodeName: string) => ({
      ...pod(name, { app: name }),
      spec: { nodeName, hostNetwork: true, containers: [] },
      status: { podIP: ip },
    });
    const inventory = inventoryOf([
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' }, status: { addresses: [{ type: 'InternalIP', address: '10.1.0.2' }] } },
      hostPod('agent-b', '10.1.0.2', 'b'),
      hostPod('agent-a', '10.1.0.1', 'a'),
      { ...pod('web', { app: 'web' }), spec: { nodeName: 'b', containers: [] }, status: { podIP: '10.244.0.5' } },
    ]);
    expect(inventory.nodes).toEqual([
      { name: 'a', labels: {}, addresses: [{ type: 'InternalIP', address: '10.1.0.1' }], implicit: true },
      { name: 'b', labels: {}, addresses: [{ type: 'InternalIP', address: '10.1.0.2' }] },
    ]);
    expect(inventory.pods.find((p) => p.name === 'web')).toMatchObject({ nodeName: 'b' });
  });
});
