import { demoCluster } from './demo-cluster';
import { items, type KubeObject, workloadByPodIp } from '../../../test/support/demo/observed-edges';

const cluster = demoCluster({ start: new Date('2026-11-20T00:00:00Z') });
const namespaces = items(cluster, 'Namespace');
const pods = items(cluster, 'Pod');
const nsNames = namespaces.map((n) => n.metadata.name);
const APPS = ['api-gateway', 'orders', 'payments', 'postgres', 'catalog', 'cart', 'notifications', 'redis', 'kafka'];

function find(kind: string, namespace: string, name: string): KubeObject | undefined {
  return items(cluster, kind).find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
}

describe('demo snapshot: namespaces', () => {
  it('has a few dozen namespaces', () => {
    expect(namespaces.length).toBeGreaterThanOrEqual(25);
    expect(namespaces.length).toBeLessThanOrEqual(40);
  });

  it.each(['prod', 'staging', 'dev'])('has every app namespace in the %s tier', (tier) => {
    for (const app of APPS) expect(nsNames).toContain(`${app}-${tier}`);
  });

  it('has the shared namespaces', () => {
    expect(nsNames).toEqual(expect.arrayContaining(['kube-system', 'ingress-nginx', 'monitoring']));
  });

  it.each([
    ['payments-prod', 'production', 'payments'],
    ['orders-staging', 'staging', 'orders'],
    ['cart-dev', 'development', 'cart'],
  ])('labels %s with environment %s and team %s', (name, environment, team) => {
    expect(namespaces.find((n) => n.metadata.name === name)?.metadata.labels).toEqual(
      expect.objectContaining({ environment, team, 'kubernetes.io/metadata.name': name }),
    );
  });

  it('leaves a couple of namespaces without environment or team labels', () => {
    const unlabelled = namespaces.filter((n) => !n.metadata.labels?.environment || !n.metadata.labels?.team);
    expect(unlabelled.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['catalog-dev', 'legacy-reporting', 'redis-staging']));
  });

  it('sets kubernetes.io/metadata.name on every namespace, as the API server does', () => {
    for (const ns of namespaces) expect(ns.metadata.labels?.['kubernetes.io/metadata.name']).toBe(ns.metadata.name);
  });
});

describe('demo snapshot: pods', () => {
  it('puts every pod in a namespace of the list', () => {
    for (const pod of pods) expect(nsNames).toContain(pod.metadata.namespace);
  });

  it('gives every pod a unique IP in 10.244.0.0/16', () => {
    const ips = pods.map((p) => p.status?.podIP ?? '');
    expect(new Set(ips).size).toBe(pods.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.244\.\d{1,3}\.\d{1,3}$/);
    for (const p of pods) expect(p.status?.podIPs).toEqual([{ ip: p.status?.podIP }]);
  });

  it('owns every pod through objects that are in the snapshot', () => {
    const uids = new Set(items(cluster).map((o) => o.metadata.uid));
    for (const pod of pods) {
      expect(pod.metadata.ownerReferences).toHaveLength(1);
      expect(uids.has(pod.metadata.ownerReferences?.[0]?.uid ?? '')).toBe(true);
    }
  });

  it('names Deployment pods <deployment>-<pod-template-hash>-<5 chars> and labels them', () => {
    const pod = pods.find((p) => p.metadata.namespace === 'payments-prod');
    expect(pod?.metadata.name).toMatch(/^payments-api-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const hash = pod?.metadata.labels?.['pod-template-hash'];
    expect(pod?.metadata.name.startsWith(`payments-api-${hash}-`)).toBe(true);
    expect(pod?.metadata.labels).toEqual(expect.objectContaining({ app: 'payments-api', 'app.kubernetes.io/name': 'payments-api' }));
    expect(pod?.metadata.ownerReferences?.[0]).toEqual(expect.objectContaining({ kind: 'ReplicaSet', name: `payments-api-${hash}` }));
  });

  it('runs the services with 1 to 3 replicas, all Running', () => {
    const byWorkload = new Map<string, number>();
    for (const w of workloadByPodIp(cluster).values()) byWorkload.set(w, (byWorkload.get(w) ?? 0) + 1);
    expect(byWorkload.get('payments-prod/payments-api')).toBe(3);
    expect(byWorkload.get('payments-staging/payments-api')).toBe(2);
    expect(byWorkload.get('payments-dev/payments-api')).toBe(1);
    const running = pods.filter((p) => p.status?.phase === 'Running');
    expect(running.length).toBe(pods.length - 1); // the weekly report's pod has Succeeded
  });

  it('names the container ports: http 8080, metrics 9090, postgres 5432', () => {
    const ports = (p: KubeObject | undefined) => p?.spec?.containers?.flatMap((c) => c.ports ?? []);
    const api = pods.find((p) => p.metadata.namespace === 'orders-prod' && p.metadata.labels?.app === 'orders-api');
    expect(ports(api)).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(ports(find('Pod', 'postgres-prod', 'postgres-0'))).toContainEqual({ name: 'postgres', containerPort: 5432, protocol: 'TCP' });
  });

  it('runs CoreDNS in kube-system labelled k8s-app=kube-dns, serving 53 over UDP and TCP', () => {
    const dns = pods.filter((p) => p.metadata.namespace === 'kube-system' && p.metadata.labels?.['k8s-app'] === 'kube-dns');
    expect(dns.length).toBe(2);
    const ports = dns[0]?.spec?.containers?.[0]?.ports?.map((p) => `${p.containerPort}/${p.protocol}`);
    expect(ports).toEqual(expect.arrayContaining(['53/UDP', '53/TCP']));
  });
});

describe('demo snapshot: workloads', () => {
  it('runs postgres as a StatefulSet with ordinal pods', () => {
    expect(find('StatefulSet', 'postgres-prod', 'postgres')?.spec?.replicas).toBe(2);
    expect(find('Pod', 'postgres-prod', 'postgres-1')?.metadata.ownerReferences?.[0]?.kind).toBe('StatefulSet');
  });

  it('has a DaemonSet with a pod on every node', () => {
    const ds = items(cluster, 'DaemonSet');
    expect(ds.map((d) => d.metadata.name)).toEqual(['fluent-bit']);
    const dsPods = pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === ds[0]!.metadata.uid);
    expect(dsPods.length).toBe(4);
  });

  it('has a CronJob with one Job and its pod, which ran inside the window', () => {
    const cron = items(cluster, 'CronJob')[0]!;
    expect(cron.metadata).toEqual(expect.objectContaining({ namespace: 'orders-prod', name: 'orders-weekly-report' }));
    expect(cron.spec?.schedule).toMatch(/^0 2 \* \* [0-6]$/);
    const job = items(cluster, 'Job')[0]!;
    expect(job.metadata.ownerReferences?.[0]?.uid).toBe(cron.metadata.uid);
    const jobPods = pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === job.metadata.uid);
    expect(jobPods).toHaveLength(1);
    expect(jobPods[0]?.status?.phase).toBe('Succeeded');
  });

  it('has a workload with no pods', () => {
    const importer = find('Deployment', 'catalog-staging', 'catalog-importer');
    expect(importer?.spec?.replicas).toBe(0);
    expect(pods.filter((p) => p.metadata.labels?.app === 'catalog-importer')).toEqual([]);
  });

  it('lists every Deployment with its ReplicaSet', () => {
    expect(items(cluster, 'ReplicaSet').length).toBe(items(cluster, 'Deployment').length);
  });
});

describe('demo snapshot: network policies', () => {
  it('is flat: the only policies are the sloppy ones in legacy-reporting', () => {
    const policies = items(cluster, 'NetworkPolicy');
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'legacy-reporting/allow-all',
      'legacy-reporting/allow-all-egress',
    ]);
  });

  it('has an allow-all whose namespaceSelector {} matches every namespace', () => {
    const allowAll = find('NetworkPolicy', 'legacy-reporting', 'allow-all');
    expect(allowAll?.apiVersion).toBe('networking.k8s.io/v1');
    expect(allowAll?.spec?.ingress).toEqual([{ from: [{ namespaceSelector: {} }] }]);
  });
});

describe('demo snapshot: shape', () => {
  it('lists kinds in the order kubectl prints them', () => {
    const order = ['Namespace', 'Pod', 'NetworkPolicy', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'];
    const kinds = items(cluster).map((o) => order.indexOf(o.kind));
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    expect(kinds).not.toContain(-1);
  });

  it('gives every object a unique uid', () => {
    const uids = items(cluster).map((o) => o.metadata.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});
