// The story, as data: which namespaces exist, what runs in them, and who talks to whom.
// Everything else in this library only renders this model as kubectl JSON and Hubble flows.
//
// A flat cluster, six months old: three tiers (prod, staging, dev) of the same shop side by side,
// plus the shared platform namespaces. No NetworkPolicy except two sloppy ones in a legacy namespace.
// The incident: a debug pod in orders-dev talks to the PROD database. The trap: notifications-staging
// calls payments-staging, but not during the observation window, so the flows do not show it.

import { compareStrings } from './random';

export type Tier = 'prod' | 'staging' | 'dev';
export const TIERS: readonly Tier[] = ['prod', 'staging', 'dev'];

export type Protocol = 'TCP' | 'UDP';

const ENVIRONMENT: Record<Tier, string> = { prod: 'production', staging: 'staging', dev: 'development' };

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** How long the flows were observed (Hubble export running), from `start`. */
export const WINDOW_MS = 7 * DAY_MS;

export const CLUSTER_NAME = 'demo-flat';

export interface NodeSpec {
  name: string;
  ip: string;
  /** Pods on this node get 10.244.<podSubnet>.x. */
  podSubnet: number;
  controlPlane: boolean;
}

export const NODES: readonly NodeSpec[] = [
  { name: `${CLUSTER_NAME}-control-plane`, ip: '10.0.0.10', podSubnet: 0, controlPlane: true },
  { name: `${CLUSTER_NAME}-worker-1`, ip: '10.0.0.11', podSubnet: 1, controlPlane: false },
  { name: `${CLUSTER_NAME}-worker-2`, ip: '10.0.0.12', podSubnet: 2, controlPlane: false },
  { name: `${CLUSTER_NAME}-worker-3`, ip: '10.0.0.13', podSubnet: 3, controlPlane: false },
];

/** The API server listens on the control-plane node, on 443. */
export const API_SERVER_ENDPOINT = { ip: '10.0.0.10', port: 443 };

export interface PortSpec {
  name: string;
  containerPort: number;
  protocol: Protocol;
}

export interface ContainerSpec {
  name: string;
  image: string;
  ports: PortSpec[];
  /** Named port of an HTTP readiness probe, if the container has one. */
  readinessPort?: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';

export interface WorkloadSpec {
  namespace: string;
  name: string;
  kind: WorkloadKind;
  /** Desired pods; a DaemonSet gets one per node whatever this says. 0 is a workload with no pods. */
  replicas: number;
  /** Labels of the pod template; the selector uses the same ones. */
  labels: Record<string, string>;
  containers: ContainerSpec[];
  serviceAccount: string;
  /** CronJob only: the schedule and the one run inside the observation window (ms after `start`). */
  schedule?: string;
  runAtMs?: number;
}

export interface NamespaceSpec {
  name: string;
  labels: Record<string, string>;
  tier?: Tier;
}

export type Peer =
  | { kind: 'workload'; namespace: string; name: string }
  /** Outside the cluster; `names` are what the DNS proxy knew (Hubble `destination_names`). */
  | { kind: 'world'; ips: string[]; names?: string[] }
  | { kind: 'kube-apiserver' }
  /** The node itself (kubelet probes). */
  | { kind: 'host' };

export interface Dependency {
  from: Peer;
  to: Peer;
  port: number;
  protocol: Protocol;
  /** How many connections the sampled flow export holds for this edge over the window. */
  connections: number;
  /** When the connections happen, as [from, to) in ms after `start`; the whole window by default. */
  during?: [number, number];
  /** Connect to every pod of the destination in turn (Prometheus scraping), not a random one. */
  everyPod?: boolean;
  /**
   * A scheduled caller (a CronJob, a nightly batch): it runs every `everyMs` from `firstMs` (ms after
   * `start`), and `during` is then within each run. Inside the window, connection i falls in run
   * i % `inWindow`; the live stream repeats the runs for ever.
   */
  runs?: { firstMs: number; everyMs: number; inWindow: number };
}

export interface NetworkPolicySpec {
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
}

/** A dependency named the way the edge-list format names it: `namespace/workload`. */
export interface NamedDependency {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
}

export interface Topology {
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  policies: NetworkPolicySpec[];
  dependencies: Dependency[];
  /** Real traffic that the flow export missed. Not in `dependencies`. */
  hidden: NamedDependency[];
  /** The lateral movement the story is about; it is in `dependencies`. */
  incident: NamedDependency;
}

const REGISTRY = 'ghcr.io/acme-shop';

const STRIPE: Peer = { kind: 'world', ips: ['198.51.100.10', '198.51.100.11'], names: ['api.stripe.com'] };
const SENDGRID: Peer = { kind: 'world', ips: ['198.51.100.20'], names: ['api.sendgrid.com'] };
/** The node's upstream resolver, where CoreDNS forwards everything outside cluster.local. */
const UPSTREAM_DNS: Peer = { kind: 'world', ips: ['10.0.0.2'] };
/** Shoppers, arriving at the ingress controller's LoadBalancer. */
const INTERNET: Peer = {
  kind: 'world',
  ips: ['203.0.113.7', '203.0.113.24', '203.0.113.58', '203.0.113.91', '203.0.113.140', '203.0.113.203'],
};
const API_SERVER: Peer = { kind: 'kube-apiserver' };

function w(namespace: string, name: string): Peer {
  return { kind: 'workload', namespace, name };
}

function http(): PortSpec {
  return { name: 'http', containerPort: 8080, protocol: 'TCP' };
}

function metrics(port = 9090): PortSpec {
  return { name: 'metrics', containerPort: port, protocol: 'TCP' };
}

/** An in-house service: `app` and `app.kubernetes.io/name` labels, http 8080 and metrics 9090. */
function service(namespace: string, name: string, replicas: number, version: string): WorkloadSpec {
  return {
    namespace,
    name,
    kind: 'Deployment',
    replicas,
    labels: { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'acme-shop' },
    containers: [{ name, image: `${REGISTRY}/${name}:${version}`, ports: [http(), metrics()], readinessPort: 'http' }],
    serviceAccount: name,
  };
}

function statefulSet(namespace: string, name: string, replicas: number, containers: ContainerSpec[]): WorkloadSpec {
  return {
    namespace,
    name,
    kind: 'StatefulSet',
    replicas,
    labels: { app: name, 'app.kubernetes.io/name': name },
    containers,
    serviceAccount: name,
  };
}

const TEAMS: Record<string, string> = {
  'api-gateway': 'edge',
  orders: 'orders',
  payments: 'payments',
  postgres: 'data',
  catalog: 'catalog',
  cart: 'cart',
  notifications: 'notifications',
  redis: 'data',
  kafka: 'data',
};

/** Namespaces whose labels were never set, so that lint and the plan have something to say about them. */
const UNLABELLED = new Set(['catalog-dev', 'legacy-reporting']);
const MISSING_TEAM = new Set(['redis-staging']);

function tierNamespaces(tier: Tier): NamespaceSpec[] {
  return Object.entries(TEAMS).map(([app, team]) => {
    const name = `${app}-${tier}`;
    const labels: Record<string, string> = {};
    if (!UNLABELLED.has(name)) {
      labels.environment = ENVIRONMENT[tier];
      if (!MISSING_TEAM.has(name)) labels.team = team;
    }
    return { name, labels, tier };
  });
}

const SCALE: Record<Tier, { replicas: number; traffic: number; version: string }> = {
  prod: { replicas: 3, traffic: 1, version: '1.42.0' },
  staging: { replicas: 2, traffic: 0.5, version: '1.43.0-rc.2' },
  dev: { replicas: 1, traffic: 0.3, version: '1.44.0-dev.17' },
};

function tierWorkloads(tier: Tier): WorkloadSpec[] {
  const { replicas, version } = SCALE[tier];
  const small = Math.min(replicas, 2);
  const ns = (app: string): string => `${app}-${tier}`;
  return [
    service(ns('api-gateway'), 'api-gateway', replicas, version),
    service(ns('orders'), 'orders-api', replicas, version),
    service(ns('payments'), 'payments-api', replicas, version),
    service(ns('catalog'), 'catalog-api', small, version),
    service(ns('cart'), 'cart-api', small, version),
    service(ns('notifications'), 'notifications-worker', small, version),
    statefulSet(ns('postgres'), 'postgres', tier === 'prod' ? 2 : 1, [
      { name: 'postgres', image: 'postgres:16.4', ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }] },
      { name: 'postgres-exporter', image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0', ports: [metrics(9187)] },
    ]),
    statefulSet(ns('redis'), 'redis', 1, [
      { name: 'redis', image: 'redis:7.4', ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }] },
      { name: 'redis-exporter', image: 'oliver006/redis_exporter:v1.62.0', ports: [metrics(9121)] },
    ]),
    statefulSet(ns('kafka'), 'kafka', tier === 'prod' ? 3 : 1, [
      {
        name: 'kafka',
        image: 'bitnami/kafka:3.8.0',
        ports: [{ name: 'kafka', containerPort: 9092, protocol: 'TCP' }, metrics(9404)],
      },
    ]),
  ];
}

function tierDependencies(tier: Tier): Dependency[] {
  const t = SCALE[tier].traffic;
  const n = (prodCount: number): number => Math.max(2, Math.round(prodCount * t));
  const ns = (app: string): string => `${app}-${tier}`;
  const gateway = w(ns('api-gateway'), 'api-gateway');
  const orders = w(ns('orders'), 'orders-api');
  const payments = w(ns('payments'), 'payments-api');
  const catalog = w(ns('catalog'), 'catalog-api');
  const cart = w(ns('cart'), 'cart-api');
  const notifications = w(ns('notifications'), 'notifications-worker');
  const postgres = w(ns('postgres'), 'postgres');
  const redis = w(ns('redis'), 'redis');
  const kafka = w(ns('kafka'), 'kafka');
  const tcp = (from: Peer, to: Peer, port: number, connections: number): Dependency => ({
    from,
    to,
    port,
    protocol: 'TCP',
    connections,
  });
  const deps: Dependency[] = [
    tcp(w('ingress-nginx', 'ingress-nginx-controller'), gateway, 8080, n(40)),
    tcp(gateway, orders, 8080, n(30)),
    tcp(gateway, catalog, 8080, n(30)),
    tcp(gateway, cart, 8080, n(20)),
    tcp(orders, payments, 8080, n(20)),
    tcp(orders, postgres, 5432, n(15)),
    tcp(orders, kafka, 9092, n(8)),
    tcp(payments, postgres, 5432, n(15)),
    tcp(payments, STRIPE, 443, n(15)),
    tcp(catalog, postgres, 5432, n(10)),
    tcp(catalog, redis, 6379, n(10)),
    tcp(cart, redis, 6379, n(15)),
    tcp(notifications, kafka, 9092, n(8)),
    tcp(notifications, SENDGRID, 443, n(10)),
  ];
  // Streaming replication: the replica keeps one long-lived connection to the primary.
  if (tier === 'prod') deps.push(tcp(w(ns('postgres'), 'postgres'), postgres, 5432, 3));
  return deps;
}

/** Every workload with pods resolves names; the busy ones also fall back to DNS over TCP. */
function dnsDependencies(workloads: WorkloadSpec[]): Dependency[] {
  const coredns = w('kube-system', 'coredns');
  const deps: Dependency[] = [];
  for (const wl of workloads) {
    if (wl.replicas === 0 || wl.name === 'coredns' || wl.kind === 'CronJob') continue;
    const tier = tierOf(wl.namespace);
    const scale = tier ? SCALE[tier].traffic : 0.5;
    const from = w(wl.namespace, wl.name);
    deps.push({ from, to: coredns, port: 53, protocol: 'UDP', connections: Math.max(3, Math.round(12 * scale)) });
    if (tier === 'prod' && (wl.name === 'orders-api' || wl.name === 'payments-api')) {
      deps.push({ from, to: coredns, port: 53, protocol: 'TCP', connections: 2 });
    }
  }
  return deps;
}

/** Prometheus scrapes every pod on its `metrics` port (whatever number that is). */
function scrapeDependencies(workloads: WorkloadSpec[]): Dependency[] {
  const prometheus = w('monitoring', 'prometheus');
  const deps: Dependency[] = [];
  for (const wl of workloads) {
    if (wl.replicas === 0 || wl.kind === 'CronJob') continue;
    const port = wl.containers.flatMap((c) => c.ports).find((p) => p.name === 'metrics');
    if (!port) continue;
    const pods = wl.kind === 'DaemonSet' ? NODES.length : wl.replicas;
    deps.push({
      from: prometheus,
      to: w(wl.namespace, wl.name),
      port: port.containerPort,
      protocol: 'TCP',
      connections: 2 * pods,
      everyPod: true,
    });
  }
  return deps;
}

/** Kubelet readiness probes, from the node: noise the importer should recognise. */
function probeDependencies(workloads: WorkloadSpec[]): Dependency[] {
  const deps: Dependency[] = [];
  for (const wl of workloads) {
    if (wl.replicas === 0 || wl.kind === 'CronJob') continue;
    for (const c of wl.containers) {
      const port = c.ports.find((p) => p.name === c.readinessPort);
      if (!port) continue;
      deps.push({
        from: { kind: 'host' },
        to: w(wl.namespace, wl.name),
        port: port.containerPort,
        protocol: 'TCP',
        connections: wl.replicas,
        everyPod: true,
      });
    }
  }
  return deps;
}

/** `payments-prod` -> `prod`; shared namespaces have no tier. */
export function tierOf(namespace: string): Tier | undefined {
  return TIERS.find((tier) => namespace.endsWith(`-${tier}`));
}

function sharedNamespaces(): NamespaceSpec[] {
  return [
    { name: 'kube-system', labels: {} },
    { name: 'ingress-nginx', labels: { team: 'platform', 'app.kubernetes.io/name': 'ingress-nginx' } },
    { name: 'monitoring', labels: { team: 'observability' } },
    { name: 'legacy-reporting', labels: {} },
  ];
}

function sharedWorkloads(): WorkloadSpec[] {
  return [
    {
      namespace: 'kube-system',
      name: 'coredns',
      kind: 'Deployment',
      replicas: 2,
      labels: { 'k8s-app': 'kube-dns' },
      containers: [
        {
          name: 'coredns',
          image: 'registry.k8s.io/coredns/coredns:v1.11.3',
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            metrics(9153),
          ],
        },
      ],
      serviceAccount: 'coredns',
    },
    {
      namespace: 'kube-system',
      name: 'fluent-bit',
      kind: 'DaemonSet',
      replicas: 1,
      labels: { 'app.kubernetes.io/name': 'fluent-bit', 'app.kubernetes.io/instance': 'fluent-bit' },
      containers: [{ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9', ports: [metrics(2020)] }],
      serviceAccount: 'fluent-bit',
    },
    {
      namespace: 'ingress-nginx',
      name: 'ingress-nginx-controller',
      kind: 'Deployment',
      replicas: 2,
      labels: {
        'app.kubernetes.io/name': 'ingress-nginx',
        'app.kubernetes.io/instance': 'ingress-nginx',
        'app.kubernetes.io/component': 'controller',
      },
      containers: [
        {
          name: 'controller',
          image: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
          ports: [
            { name: 'http', containerPort: 80, protocol: 'TCP' },
            { name: 'https', containerPort: 443, protocol: 'TCP' },
            metrics(10254),
          ],
        },
      ],
      serviceAccount: 'ingress-nginx',
    },
    {
      namespace: 'monitoring',
      name: 'prometheus',
      kind: 'StatefulSet',
      replicas: 1,
      labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'k8s' },
      containers: [
        {
          name: 'prometheus',
          image: 'quay.io/prometheus/prometheus:v2.54.1',
          ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }],
          readinessPort: 'web',
        },
      ],
      serviceAccount: 'prometheus',
    },
    {
      namespace: 'monitoring',
      name: 'grafana',
      kind: 'Deployment',
      replicas: 1,
      labels: { 'app.kubernetes.io/name': 'grafana', app: 'grafana' },
      containers: [
        {
          name: 'grafana',
          image: 'grafana/grafana:11.2.0',
          ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
          readinessPort: 'http',
        },
      ],
      serviceAccount: 'grafana',
    },
    {
      // Legacy: only an `app` label, nothing else.
      namespace: 'legacy-reporting',
      name: 'report-builder',
      kind: 'Deployment',
      replicas: 1,
      labels: { app: 'report-builder' },
      containers: [{ name: 'report-builder', image: 'acme/report-builder:0.9.3', ports: [http(), metrics()] }],
      serviceAccount: 'default',
    },
  ];
}

/** The odd ones out, each with a part in the story. */
function storyWorkloads(runAtMs: number, dayOfWeek: number): WorkloadSpec[] {
  return [
    {
      // Someone's toolbox, left running in dev. It has the prod database's address.
      namespace: 'orders-dev',
      name: 'orders-debug',
      kind: 'Deployment',
      replicas: 1,
      labels: { app: 'orders-debug', 'app.kubernetes.io/name': 'orders-debug' },
      containers: [{ name: 'netshoot', image: 'nicolaka/netshoot:v0.13', ports: [] }],
      serviceAccount: 'default',
    },
    {
      // Runs once a week: its flows appear exactly once in the window.
      namespace: 'orders-prod',
      name: 'orders-weekly-report',
      kind: 'CronJob',
      replicas: 1,
      labels: { app: 'orders-weekly-report', 'app.kubernetes.io/name': 'orders-weekly-report' },
      containers: [{ name: 'report', image: `${REGISTRY}/orders-report:1.42.0`, ports: [] }],
      serviceAccount: 'orders-api',
      schedule: `0 2 * * ${dayOfWeek}`,
      runAtMs,
    },
    // Scaled to zero since the last catalog migration: a workload with no pods.
    service('catalog-staging', 'catalog-importer', 0, '1.43.0-rc.2'),
  ];
}

/** The whole story for an observation window starting at `startMs`. */
export function demoTopology(startMs: number): Topology {
  // The weekly report runs at 02:00 UTC on the fifth day of the window.
  const day4 = Math.floor(startMs / DAY_MS) * DAY_MS + 4 * DAY_MS;
  const runAt = day4 + 2 * HOUR_MS - startMs;
  const dayOfWeek = new Date(startMs + runAt).getUTCDay();

  const namespaces = [...TIERS.flatMap(tierNamespaces), ...sharedNamespaces()].sort((a, b) => compareStrings(a.name, b.name));
  const workloads = [...TIERS.flatMap(tierWorkloads), ...sharedWorkloads(), ...storyWorkloads(runAt, dayOfWeek)];

  const incident: NamedDependency = { from: 'orders-dev/orders-debug', to: 'postgres-prod/postgres', port: 5432, protocol: 'TCP' };
  const weekly = { firstMs: runAt, everyMs: WEEK_MS, inWindow: 1 };
  // The legacy report: every night at 01:30 UTC, from the first such time in the window.
  const firstNight = Math.floor(startMs / DAY_MS) * DAY_MS + HOUR_MS + 30 * MINUTE_MS;
  const nightlyAt = (firstNight < startMs ? firstNight + DAY_MS : firstNight) - startMs;
  // Day 2, mid-afternoon: an engineer points the debug pod at what they think is the dev database.
  const incidentStart = Math.floor(startMs / DAY_MS) * DAY_MS - startMs + 2 * DAY_MS + 14 * HOUR_MS;

  const dependencies: Dependency[] = [
    { from: INTERNET, to: w('ingress-nginx', 'ingress-nginx-controller'), port: 443, protocol: 'TCP', connections: 60 },
    ...TIERS.flatMap(tierDependencies),
    ...dnsDependencies(workloads),
    ...scrapeDependencies(workloads),
    ...probeDependencies(workloads),
    { from: w('kube-system', 'coredns'), to: UPSTREAM_DNS, port: 53, protocol: 'UDP', connections: 10 },
    { from: w('kube-system', 'coredns'), to: API_SERVER, port: 443, protocol: 'TCP', connections: 4 },
    { from: w('kube-system', 'fluent-bit'), to: API_SERVER, port: 443, protocol: 'TCP', connections: 4 },
    { from: w('ingress-nginx', 'ingress-nginx-controller'), to: API_SERVER, port: 443, protocol: 'TCP', connections: 4 },
    { from: w('monitoring', 'prometheus'), to: API_SERVER, port: 443, protocol: 'TCP', connections: 6 },
    { from: w('monitoring', 'grafana'), to: w('monitoring', 'prometheus'), port: 9090, protocol: 'TCP', connections: 20 },
    // The legacy report is built every night at 01:30 from the orders API (one night's run in the window failed).
    {
      from: w('legacy-reporting', 'report-builder'),
      to: w('orders-prod', 'orders-api'),
      port: 8080,
      protocol: 'TCP',
      connections: 6,
      during: [0, 3 * MINUTE_MS],
      runs: { firstMs: nightlyAt, everyMs: DAY_MS, inWindow: 6 },
    },
    // The incident, and the same pod's legitimate use of the dev database.
    {
      from: w('orders-dev', 'orders-debug'),
      to: w('postgres-prod', 'postgres'),
      port: 5432,
      protocol: 'TCP',
      connections: 5,
      during: [incidentStart, incidentStart + 2 * HOUR_MS],
    },
    { from: w('orders-dev', 'orders-debug'), to: w('postgres-dev', 'postgres'), port: 5432, protocol: 'TCP', connections: 3 },
    // The weekly report: a short burst right after 02:00 on its night.
    {
      from: w('orders-prod', 'orders-weekly-report'),
      to: w('kube-system', 'coredns'),
      port: 53,
      protocol: 'UDP',
      connections: 2,
      during: [2000, 10 * 1000],
      runs: weekly,
    },
    {
      from: w('orders-prod', 'orders-weekly-report'),
      to: w('postgres-prod', 'postgres'),
      port: 5432,
      protocol: 'TCP',
      connections: 3,
      during: [10 * 1000, 3 * MINUTE_MS],
      runs: weekly,
    },
  ];

  const policies: NetworkPolicySpec[] = [
    {
      // "Temporary", from the first migration: every pod of every namespace may connect.
      namespace: 'legacy-reporting',
      name: 'allow-all',
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    },
    {
      namespace: 'legacy-reporting',
      name: 'allow-all-egress',
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
    },
  ];

  const hidden: NamedDependency[] = [
    // Refund notices: the worker asks payments for refund states in a monthly run, which did not fall
    // inside the observation window. A plan built from the flows alone will cut it off.
    { from: 'notifications-staging/notifications-worker', to: 'payments-staging/payments-api', port: 8080, protocol: 'TCP' },
  ];

  return { namespaces, workloads, policies, dependencies, hidden, incident };
}
