// What the demo is for: the story the product tells with it.

import { demoCluster } from './demo-cluster';
import { distinctEdges, type Edge, edgeKey, items, observedEdges, parseLines } from '../../../test/support/demo/observed-edges';

const cluster = demoCluster({ start: new Date('2026-11-20T00:00:00Z') });
const edges = observedEdges(cluster);
const distinct = distinctEdges(cluster);
const TIERS = ['prod', 'staging', 'dev'] as const;
const tierOf = (name: string) => TIERS.find((t) => name.split('/')[0]!.endsWith(`-${t}`));

describe('demo story: the incident', () => {
  it('shows a dev pod connecting to the prod database on 5432', () => {
    const incident = edges.filter((e) => tierOf(e.from) === 'dev' && e.to === 'postgres-prod/postgres' && e.port === 5432);
    expect(incident.length).toBeGreaterThan(0);
    expect(edgeKey(incident[0]!)).toBe('orders-dev/orders-debug -> postgres-prod/postgres 5432/TCP');
  });

  it('reports the incident it contains', () => {
    expect(distinct).toContain(edgeKey(cluster.incident));
  });

  it('keeps every other connection inside its tier', () => {
    const crossing = distinct.filter((key) => {
      const [from, rest] = key.split(' -> ');
      const to = rest!.split(' ')[0]!;
      const a = tierOf(from!);
      const b = tierOf(to);
      return a !== undefined && b !== undefined && a !== b;
    });
    expect(crossing).toEqual([edgeKey(cluster.incident)]);
  });
});

describe('demo story: what the flows missed', () => {
  it('lists notifications-staging -> payments-staging:8080 as hidden', () => {
    expect(cluster.hiddenDependencies).toContainEqual({
      from: 'notifications-staging/notifications-worker',
      to: 'payments-staging/payments-api',
      port: 8080,
      protocol: 'TCP',
    });
  });

  it('never shows a hidden dependency in the flows', () => {
    for (const hidden of cluster.hiddenDependencies) expect(distinct).not.toContain(edgeKey(hidden));
  });

  it('hides traffic between workloads that exist, to a port the destination listens on', () => {
    const pods = items(cluster, 'Pod');
    for (const hidden of cluster.hiddenDependencies) {
      for (const end of [hidden.from, hidden.to]) {
        const [ns, app] = end.split('/');
        expect(pods.some((p) => p.metadata.namespace === ns && p.metadata.labels?.app === app)).toBe(true);
      }
      const [ns, app] = hidden.to.split('/');
      const server = pods.find((p) => p.metadata.namespace === ns && p.metadata.labels?.app === app);
      const listening = server?.spec?.containers?.flatMap((c) => c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol}`);
      expect(listening).toContain(`${hidden.port}/${hidden.protocol}`);
    }
  });
});

describe.each(TIERS)('demo story: the %s tier', (tier) => {
  const has = (e: Edge) => expect(distinct).toContain(edgeKey(e));
  const t = (app: string, workload: string) => `${app}-${tier}/${workload}`;

  it('is reached from ingress-nginx through its api-gateway', () => {
    has({ from: 'ingress-nginx/ingress-nginx-controller', to: t('api-gateway', 'api-gateway'), port: 8080, protocol: 'TCP' });
    has({ from: t('api-gateway', 'api-gateway'), to: t('orders', 'orders-api'), port: 8080, protocol: 'TCP' });
  });

  it('places orders, pays, and stores', () => {
    has({ from: t('orders', 'orders-api'), to: t('payments', 'payments-api'), port: 8080, protocol: 'TCP' });
    has({ from: t('orders', 'orders-api'), to: t('postgres', 'postgres'), port: 5432, protocol: 'TCP' });
    has({ from: t('payments', 'payments-api'), to: t('postgres', 'postgres'), port: 5432, protocol: 'TCP' });
    has({ from: t('payments', 'payments-api'), to: 'world:api.stripe.com', port: 443, protocol: 'TCP' });
  });

  it('caches carts in redis and notifies through kafka', () => {
    has({ from: t('cart', 'cart-api'), to: t('redis', 'redis'), port: 6379, protocol: 'TCP' });
    has({ from: t('notifications', 'notifications-worker'), to: t('kafka', 'kafka'), port: 9092, protocol: 'TCP' });
  });

  it('resolves names with CoreDNS from every workload with pods', () => {
    const dns = edges.filter((e) => e.to === 'kube-system/coredns' && e.port === 53 && e.protocol === 'UDP');
    const clients = new Set(dns.map((e) => e.from));
    const workloads = [
      ['api-gateway', 'api-gateway'],
      ['orders', 'orders-api'],
      ['payments', 'payments-api'],
      ['postgres', 'postgres'],
      ['kafka', 'kafka'],
    ] as const;
    for (const [app, name] of workloads) expect(clients).toContain(t(app, name));
  });

  it('is scraped by Prometheus on each metrics port', () => {
    has({ from: 'monitoring/prometheus', to: t('payments', 'payments-api'), port: 9090, protocol: 'TCP' });
    has({ from: 'monitoring/prometheus', to: t('postgres', 'postgres'), port: 9187, protocol: 'TCP' });
  });
});

describe('demo story: the platform around the apps', () => {
  it('sends some DNS over TCP', () => {
    expect(distinct).toContain('payments-prod/payments-api -> kube-system/coredns 53/TCP');
  });

  it('talks to the Kubernetes API (reserved:kube-apiserver, 443)', () => {
    expect(distinct).toContain('monitoring/prometheus -> kube-apiserver 443/TCP');
    const apiserver = parseLines(cluster).filter((l) => l.flow.destination.labels?.includes('reserved:kube-apiserver'));
    expect(apiserver.every((l) => l.flow.destination.identity === 7)).toBe(true);
  });

  it('names the external payment API in destination_names', () => {
    const stripe = parseLines(cluster).filter((l) => l.flow.destination_names?.includes('api.stripe.com'));
    expect(stripe.length).toBeGreaterThan(0);
    for (const l of stripe) expect(l.flow.destination.labels).toEqual(['reserved:world']);
  });

  it('receives shoppers from the internet at the ingress controller', () => {
    expect(distinct.some((k) => /^world:203\.0\.113\.\d+ -> ingress-nginx\/ingress-nginx-controller 443\/TCP$/.test(k))).toBe(true);
  });

  it('runs the weekly report once: one short burst in the whole window', () => {
    const report = parseLines(cluster).filter((l) => l.flow.source.pod_name?.startsWith('orders-weekly-report-'));
    expect(report.length).toBeGreaterThan(0);
    const times = report.map((l) => Date.parse(l.time));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(10 * 60 * 1000);
    expect(distinct).toContain('orders-prod/orders-weekly-report -> postgres-prod/postgres 5432/TCP');
  });

  it('never connects to the workload that has no pods', () => {
    expect(distinct.filter((k) => k.includes('catalog-importer'))).toEqual([]);
  });
});
