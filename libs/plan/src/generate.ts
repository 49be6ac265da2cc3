// Generation: inventory + dependency edges -> default-deny everywhere, DNS, the usual breakers as named
// allows, and one surgical allow per dependency, each rule carrying the edges that justify it.
import {
  type IPBlock,
  type Inventory,
  type InventoryWorkload,
  type LabelSelector,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type Protocol,
  cidrContains,
  parseCidr,
  parseIp,
  selectorKey,
} from '@bulkhead/netpol';
import { edgeKey, evidenceOf, hoursBetween, maxTime, minTime, normalizeEdges, parseKey } from './edges';
import { lintPolicies } from './lint';
import { compareStrings, namespaceSelectorFor, selectWorkloads, sortLabels, type WorkloadSelection } from './selectors';
import { crossesTiers, resolveTiers } from './tiers';
import type {
  BlockReason,
  BlockedEdge,
  EdgeEvidence,
  LintFinding,
  NamespaceObservation,
  Plan,
  PlanEdge,
  PlanInput,
  Purpose,
  Risk,
  RuleEvidence,
  Tier,
} from './types';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'bulkhead';
export const PURPOSE_LABEL = 'bulkhead.io/purpose';
export const ANNOTATION_PREFIX = 'bulkhead.io/';

const DEFAULT_DNS_LABELS = { 'k8s-app': 'kube-dns' };
const INGRESS_CONTROLLER_NAMES = new Set([
  'ingress-nginx',
  'nginx-ingress',
  'nginx-ingress-controller',
  'traefik',
  'haproxy-ingress',
  'kubernetes-ingress',
  'contour',
  'envoy-gateway',
  'kong',
  'istio-ingressgateway',
  'emissary-ingress',
  'ambassador',
  'skipper-ingress',
]);
const INGRESS_CONTROLLER_NAMESPACES = new Set(['ingress-nginx', 'traefik', 'kong', 'istio-ingress', 'haproxy-ingress', 'projectcontour', 'envoy-gateway-system']);
const SCRAPER_NAMES = new Set(['prometheus', 'vmagent', 'victoria-metrics-agent', 'grafana-agent', 'alloy', 'otel-collector', 'opentelemetry-collector', 'datadog-agent']);
/** Ranges a public entry point never opens to: private, shared, link-local (pods live there). */
const PRIVATE_V4 = ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
const PRIVATE_V6 = ['fc00::/7', 'fe80::/10'];

const SWITCHES: Partial<Record<Purpose, string>> = {
  dns: 'options.dns',
  'dns-server': 'options.dns',
  'ingress-controller': 'options.ingressControllers',
  'public-entry': 'options.ingressControllers',
  prometheus: 'options.prometheus',
  'api-server': 'options.apiServer',
};

const DESCRIPTIONS: Record<Purpose, string> = {
  'default-deny': 'Deny all ingress and egress of every pod of the namespace unless another policy allows it.',
  dns: 'Every pod of the namespace may resolve names through the cluster DNS (53/UDP, 53/TCP).',
  'dns-server': 'The cluster DNS accepts queries from every pod and forwards to the upstream resolvers seen.',
  dependency: 'The dependencies observed in the flows, nothing more.',
  'ingress-controller': 'The ingress controller reaches the backends it exposes, on the ports observed.',
  'public-entry': 'The ingress controller accepts its clients on the ports observed.',
  prometheus: 'Prometheus scrapes the metrics ports observed.',
  'api-server': 'Talks to the Kubernetes API server.',
};

interface RuleAcc {
  peer: NetworkPolicyPeer;
  /** Mostly interned objects; duplicates by value are removed when rules are grouped. */
  ports: NetworkPolicyPort[];
  /** Each edge is added once per peer; a group of peers de-duplicates. */
  edges: EdgeEvidence[];
}

interface PolicyAcc {
  namespace: string;
  name: string;
  purpose: Purpose;
  podSelector: LabelSelector;
  /** A rule with no edges yet (DNS) still renders: the `fixed` rules are always present. */
  ingress: Map<string, RuleAcc>;
  egress: Map<string, RuleAcc>;
  denyAll?: boolean;
  subject?: string;
}

const portKey = (p: NetworkPolicyPort) => `${p.protocol ?? 'TCP'}/${String(p.port ?? '')}`;

function comparePorts(a: NetworkPolicyPort, b: NetworkPolicyPort): number {
  return compareStrings(a.protocol ?? 'TCP', b.protocol ?? 'TCP') || Number(a.port ?? 0) - Number(b.port ?? 0);
}

const peerKeys = new WeakMap<NetworkPolicyPeer, string>();
function peerKey(peer: NetworkPolicyPeer): string {
  let key = peerKeys.get(peer);
  if (key === undefined) {
    key = peer.ipBlock
      ? `ip|${peer.ipBlock.cidr}|${(peer.ipBlock.except ?? []).join(',')}`
      : `sel|${peer.namespaceSelector ? selectorKey(peer.namespaceSelector) : '-'}|${peer.podSelector ? selectorKey(peer.podSelector) : '-'}`;
    peerKeys.set(peer, key);
  }
  return key;
}

/** A DNS-1123 subdomain from a workload name and a suffix (names longer than 253 keep a stable hash). */
export function policyNameFor(workload: string, suffix: string): string {
  const name = `bulkhead-${workload}-${suffix}`;
  if (name.length <= 253) return name;
  return `${name.slice(0, 240)}-${fnv1a(name)}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function isProtocol(p: string): p is Protocol {
  return p === 'TCP' || p === 'UDP' || p === 'SCTP';
}

/** Builds the plan. Pure and deterministic: the same input gives the same plan, byte for byte once rendered. */
export function generatePlan(input: PlanInput): Plan {
  const { inventory } = input;
  const options = input.options ?? {};
  const dnsOn = options.dns !== false;
  const ingressOn = options.ingressControllers !== false;
  const publicEntry = options.publicIngressToControllers !== false;
  const promOn = options.prometheus !== false;
  const apiOn = options.apiServer !== false;
  const lintOn = options.lint !== false;
  const dnsNamespace = options.dnsNamespace ?? 'kube-system';
  const dnsLabels = sortLabels(options.dnsPodLabels ?? DEFAULT_DNS_LABELS);
  const apiServerPorts = options.apiServerPorts ?? [443, 6443];
  const minHours = options.minObservationHours ?? 24;

  const tiers = resolveTiers(inventory.namespaces, input.tiers);
  const selections = selectWorkloads(inventory);
  const workloads = new Map<string, InventoryWorkload>();
  for (const w of inventory.workloads) if (!workloads.has(`${w.namespace}/${w.name}`)) workloads.set(`${w.namespace}/${w.name}`, w);
  const namespaces = [...new Set([...inventory.namespaces.map((n) => n.name), ...inventory.pods.map((p) => p.namespace)])].sort(compareStrings);
  for (const ns of namespaces) if (!(ns in tiers)) tiers[ns] = input.tiers?.[ns] ?? null;

  const findings: LintFinding[] = [];
  const blocked: BlockedEdge[] = [];
  const ignored: BlockedEdge[] = [];
  const block = (key: string, edge: PlanEdge, reason: BlockReason, message: string) => blocked.push({ edge, key, reason, message });

  // Who is who: DNS pods, ingress controllers, scrapers.
  const podsOfWorkload = new Map<string, Inventory['pods'][number][]>();
  for (const p of inventory.pods) {
    const k = `${p.namespace}/${p.workload.name}`;
    let list = podsOfWorkload.get(k);
    if (!list) podsOfWorkload.set(k, (list = []));
    list.push(p);
  }
  const matchesDns = (labels: Record<string, string>) => Object.entries(dnsLabels).every(([k, v]) => labels[k] === v);
  const dnsWorkloads = new Set<string>();
  for (const [k, pods] of podsOfWorkload) if (pods[0].namespace === dnsNamespace && pods.some((p) => matchesDns(p.labels))) dnsWorkloads.add(k);
  if (dnsOn && dnsWorkloads.size === 0) {
    findings.push({
      rule: 'dns-pods-not-found',
      severity: 'warning',
      object: `Namespace ${dnsNamespace}`,
      message: `no pod of ${dnsNamespace} carries ${Object.entries(dnsLabels).map(([k, v]) => `${k}=${v}`).join(',')}: the DNS allow assumes the cluster DNS runs there with those labels`,
      fix: 'Check where CoreDNS runs and set options.dnsNamespace / options.dnsPodLabels.',
    });
  }
  const nameLabel = (w: InventoryWorkload) => w.labels['app.kubernetes.io/name'] ?? w.labels.app ?? w.labels['k8s-app'] ?? w.name;
  const ingressControllers = new Set(options.ingressControllerWorkloads ?? []);
  const scrapers = new Set(options.scraperWorkloads ?? []);
  for (const [k, w] of workloads) {
    const name = nameLabel(w);
    if (INGRESS_CONTROLLER_NAMES.has(name) || (INGRESS_CONTROLLER_NAMESPACES.has(w.namespace) && (w.labels['app.kubernetes.io/component'] === 'controller' || INGRESS_CONTROLLER_NAMES.has(w.name)))) {
      ingressControllers.add(k);
    }
    if (SCRAPER_NAMES.has(name) || SCRAPER_NAMES.has(w.name)) scrapers.add(k);
  }

  // Addresses.
  const apiServerCidrs = [...new Set(options.apiServerCidrs ?? (input.apiServerAddresses ?? []).map(hostCidr).filter((c): c is string => c !== undefined))].sort(compareStrings);
  const externalAddresses = input.externalAddresses ?? {};

  // ---- policy accumulators ----
  const policies = new Map<string, PolicyAcc>();
  const policy = (namespace: string, name: string, purpose: Purpose, podSelector: LabelSelector, subject?: string): PolicyAcc => {
    const id = `${namespace}/${name}`;
    let acc = policies.get(id);
    if (!acc) policies.set(id, (acc = { namespace, name, purpose, podSelector, ingress: new Map(), egress: new Map(), ...(subject ? { subject } : {}) }));
    return acc;
  };
  /** The policy of one workload for one purpose (`bulkhead-<name>-<suffix>`), cached by workload then suffix. */
  const byWorkload = new Map<string, Map<string, PolicyAcc>>();
  const workloadPolicy = (workload: string, suffix: string, purpose: Purpose): PolicyAcc => {
    let bySuffix = byWorkload.get(workload);
    if (!bySuffix) byWorkload.set(workload, (bySuffix = new Map()));
    let acc = bySuffix.get(suffix);
    if (!acc) {
      const slash = workload.indexOf('/');
      acc = policy(workload.slice(0, slash), policyNameFor(workload.slice(slash + 1), suffix), purpose, selectionOf(workload).selector, workload);
      bySuffix.set(suffix, acc);
    }
    return acc;
  };
  const addRule = (acc: PolicyAcc, direction: 'ingress' | 'egress', peer: NetworkPolicyPeer, ports: NetworkPolicyPort[], evidence?: EdgeEvidence) => {
    const rules = direction === 'ingress' ? acc.ingress : acc.egress;
    const k = peerKey(peer);
    let rule = rules.get(k);
    if (!rule) rules.set(k, (rule = { peer, ports: [], edges: [] }));
    for (const p of ports) if (!rule.ports.includes(p)) rule.ports.push(p);
    if (evidence && rule.edges[rule.edges.length - 1] !== evidence) rule.edges.push(evidence);
  };
  const selectionOf = (key: string): WorkloadSelection => selections.get(key)!;
  /** Workloads some allow names (as subject or peer): the ones whose selector quality matters. */
  const usedSubjects = new Set<string>();
  const peers = new Map<string, NetworkPolicyPeer>();
  const workloadPeer = (key: string): NetworkPolicyPeer => {
    let peer = peers.get(key);
    if (!peer) {
      usedSubjects.add(key);
      peers.set(key, (peer = { namespaceSelector: namespaceSelectorFor(key.slice(0, key.indexOf('/'))), podSelector: selectionOf(key).selector }));
    }
    return peer;
  };
  const dnsPeer: NetworkPolicyPeer = { namespaceSelector: namespaceSelectorFor(dnsNamespace), podSelector: { matchLabels: dnsLabels } };
  const dnsPorts: NetworkPolicyPort[] = [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ];

  for (const ns of namespaces) {
    const deny = policy(ns, 'bulkhead-default-deny', 'default-deny', {});
    deny.denyAll = true;
    if (dnsOn) addRule(policy(ns, 'bulkhead-allow-dns', 'dns', {}), 'egress', dnsPeer, dnsPorts);
  }
  if (dnsOn && namespaces.includes(dnsNamespace)) {
    addRule(policy(dnsNamespace, 'bulkhead-dns-server', 'dns-server', { matchLabels: dnsLabels }), 'ingress', { namespaceSelector: {}, podSelector: {} }, dnsPorts);
  }

  // ---- edges ----
  const ports = new Map<string, NetworkPolicyPort>();
  const portOf = (protocol: Protocol, number: number): NetworkPolicyPort => {
    const k = `${protocol}/${number}`;
    let p = ports.get(k);
    if (!p) ports.set(k, (p = { protocol, port: number }));
    return p;
  };
  const edges = normalizeEdges(input.edges);
  const publicEntryPorts = new Map<string, { cidrs: Set<string>; ports: NetworkPolicyPort[]; edges: EdgeEvidence[] }>();
  for (const { key, edge } of edges) {
    const evidence = evidenceOf(key, edge);
    if (edge.review === 'rejected') {
      const dst = parseKey(edge.dst);
      const toDns = dnsOn && dst?.kind === 'workload' && dnsWorkloads.has(`${dst.namespace}/${dst.name}`) && edge.port === 53;
      block(key, edge, 'rejected', toDns ? 'rejected by a reviewer, but every pod keeps DNS through the DNS allow' : 'rejected by a reviewer: never allowed');
      if (toDns) {
        findings.push({
          rule: 'rejected-dns-edge',
          severity: 'info',
          object: `Edge ${key}`,
          message: 'a DNS edge was rejected, but the DNS allow gives every pod of the namespace the cluster DNS',
          fix: 'Switch DNS off (options.dns: false) only if the namespace truly must not resolve names.',
        });
      }
      continue;
    }
    const protocol = String(edge.protocol);
    if (edge.port === null || edge.port === undefined || !isProtocol(protocol)) {
      block(key, edge, 'unsupported-protocol', `${protocol} ${edge.port ?? ''}: NetworkPolicy only expresses TCP, UDP and SCTP ports`.trim());
      continue;
    }
    const port = portOf(protocol, edge.port);
    const src = parseKey(edge.src);
    const dst = parseKey(edge.dst);
    if (!src || !dst) {
      block(key, edge, 'unsupported-endpoint', `cannot read the endpoint key ${!src ? edge.src : edge.dst}`);
      continue;
    }
    const srcW = workloadKey(src);
    const dstW = workloadKey(dst);
    if ((srcW && !selections.has(srcW)) || (dstW && !selections.has(dstW))) {
      block(key, edge, 'unknown-workload', `workload ${srcW && !selections.has(srcW) ? srcW : dstW} is not in the inventory`);
      continue;
    }

    if (src.kind === 'reserved' && (src.name === 'host' || src.name === 'remote-node')) {
      ignored.push({ edge, key, reason: 'node-traffic', message: 'from the node (kubelet probes): kubelet probes are not subject to NetworkPolicy; nothing generated' });
      continue;
    }
    if (dst.kind === 'reserved' && dst.name === 'kube-apiserver') {
      if (!srcW) {
        block(key, edge, 'unsupported-endpoint', 'only workloads get an API server allow');
        continue;
      }
      if (!apiOn) {
        block(key, edge, 'switched-off', 'API server access is switched off (options.apiServer)');
        continue;
      }
      if (apiServerCidrs.length === 0) {
        block(key, edge, 'api-server-address-unknown', 'the API server address is unknown: give its CIDR (options.apiServerCidrs, --api-server-cidr)');
        continue;
      }
      const acc = workloadPolicy(srcW, 'to-api-server', 'api-server');
      const ports = [...new Set([edge.port, ...apiServerPorts])].map((p) => ({ protocol: 'TCP', port: p }) as NetworkPolicyPort);
      for (const cidr of apiServerCidrs) addRule(acc, 'egress', { ipBlock: { cidr } }, ports, evidence);
      continue;
    }
    if (src.kind === 'reserved' || dst.kind === 'reserved') {
      const which = src.kind === 'reserved' ? src : dst;
      block(key, edge, which.name === 'host' || which.name === 'remote-node' ? 'node-traffic' : 'unsupported-endpoint', `reserved:${which.name} has no selector or address a NetworkPolicy can name; give its CIDR to allow it`);
      continue;
    }

    if (srcW && dstW) {
      const srcTier = tiers[(src as { namespace: string }).namespace];
      const dstTier = tiers[(dst as { namespace: string }).namespace];
      if (crossesTiers(srcTier, dstTier) && edge.review !== 'confirmed') {
        block(key, edge, 'cross-tier-unconfirmed', `crosses tiers (${srcTier} -> ${dstTier}): blocked until a person confirms the edge`);
        continue;
      }
      const srcNs = (src as { namespace: string }).namespace;
      const dstNs = (dst as { namespace: string }).namespace;
      let purpose: Purpose = 'dependency';
      if (dnsWorkloads.has(dstW) && edge.port === 53 && (protocol === 'UDP' || protocol === 'TCP')) purpose = 'dns';
      else if (ingressControllers.has(srcW)) purpose = 'ingress-controller';
      else if (scrapers.has(srcW)) purpose = 'prometheus';
      if (purpose !== 'dependency' && SWITCHES[purpose] && !enabled(purpose, { dnsOn, ingressOn, promOn, apiOn })) {
        block(key, edge, 'switched-off', `${purpose} allows are switched off (${SWITCHES[purpose]})`);
        continue;
      }
      if (purpose === 'dns') {
        addRule(policy(srcNs, 'bulkhead-allow-dns', 'dns', {}), 'egress', dnsPeer, dnsPorts, evidence);
        addRule(policy(dstNs, 'bulkhead-dns-server', 'dns-server', { matchLabels: dnsLabels }), 'ingress', { namespaceSelector: {}, podSelector: {} }, dnsPorts, evidence);
        continue;
      }
      if (purpose === 'dependency' && (srcTier ?? null) !== (dstTier ?? null) && (srcTier === 'prod' || dstTier === 'prod') && (!srcTier || !dstTier)) {
        const unknown = srcTier ? dstNs : srcNs;
        findings.push({
          rule: 'unknown-tier-edge',
          severity: 'info',
          object: `Edge ${key}`,
          message: `allowed, but ${unknown} has no tier: cannot tell whether this edge into or out of prod crosses tiers (${edge.connections} connections)`,
          fix: `Label namespace ${unknown} with its environment (or pass its tier), then re-plan.`,
        });
      }
      const [egressSuffix, ingressSuffix] =
        purpose === 'ingress-controller' ? ['to-backends', 'from-ingress-controller'] : purpose === 'prometheus' ? ['scrape', 'from-prometheus'] : ['egress', 'ingress'];
      addRule(workloadPolicy(srcW, egressSuffix, purpose), 'egress', workloadPeer(dstW), [port], evidence);
      addRule(workloadPolicy(dstW, ingressSuffix, purpose), 'ingress', workloadPeer(srcW), [port], evidence);
      continue;
    }

    // One end outside the cluster.
    const external = src.kind === 'external' ? src : dst.kind === 'external' ? dst : undefined;
    const inside = srcW ?? dstW;
    if (!external || !inside) {
      block(key, edge, 'unsupported-endpoint', 'neither end is a workload of the cluster');
      continue;
    }
    let cidrs: string[];
    if (external.via === 'cidr') {
      cidrs = parseCidr(external.name) ? [external.name] : [];
    } else if (external.via === 'dns') {
      cidrs = [...new Set((externalAddresses[external.name] ?? []).map(hostCidr).filter((c): c is string => c !== undefined))].sort(compareStrings);
    } else cidrs = [];
    const ns = inside.slice(0, inside.indexOf('/'));
    if (srcW) {
      if (cidrs.length === 0) {
        block(key, edge, 'external-needs-cidr', `${external.name} has no known address: give it a CIDR to allow this egress`);
        continue;
      }
      const isUpstreamDns = dnsWorkloads.has(srcW) && edge.port === 53;
      if (isUpstreamDns && dnsOn) {
        const acc = policy(ns, 'bulkhead-dns-server', 'dns-server', { matchLabels: dnsLabels });
        for (const cidr of cidrs) addRule(acc, 'egress', { ipBlock: { cidr } }, dnsPorts, evidence);
        continue;
      }
      const acc = workloadPolicy(srcW, 'egress', 'dependency');
      for (const cidr of cidrs) addRule(acc, 'egress', { ipBlock: { cidr } }, [port], evidence);
      continue;
    }
    // Ingress from outside.
    if (ingressControllers.has(inside) && ingressOn && publicEntry) {
      let entry = publicEntryPorts.get(inside);
      if (!entry) publicEntryPorts.set(inside, (entry = { cidrs: new Set(), ports: [], edges: [] }));
      for (const c of cidrs) entry.cidrs.add(c);
      entry.ports.push(port);
      entry.edges.push(evidence);
      continue;
    }
    if (cidrs.length === 0) {
      block(key, edge, 'external-needs-cidr', `${external.name} has no known address: give it a CIDR to allow this ingress`);
      continue;
    }
    const acc = ingressControllers.has(inside) && ingressOn
      ? workloadPolicy(inside, 'public-entry', 'public-entry')
      : workloadPolicy(inside, 'ingress', 'dependency');
    for (const cidr of cidrs) addRule(acc, 'ingress', { ipBlock: { cidr } }, [port], evidence);
  }

  // Public entry points: the observed ports from the whole internet, private ranges (where pods live) excepted.
  for (const [inside, entry] of [...publicEntryPorts].sort(([a], [b]) => compareStrings(a, b))) {
    const acc = workloadPolicy(inside, 'public-entry', 'public-entry');
    const families = new Set([...entry.cidrs].map((c) => parseCidr(c)?.family ?? 4));
    if (families.size === 0) families.add(4);
    for (const family of [...families].sort()) {
      const block: IPBlock = family === 4 ? { cidr: '0.0.0.0/0', except: PRIVATE_V4 } : { cidr: '::/0', except: PRIVATE_V6 };
      for (const evidence of entry.edges) addRule(acc, 'ingress', { ipBlock: block }, entry.ports, evidence);
    }
    // Clients seen from private ranges (a load balancer that SNATs to node addresses) stay allowed by name.
    const excepted = [...PRIVATE_V4, ...PRIVATE_V6].map((c) => parseCidr(c)!);
    for (const cidr of [...entry.cidrs].sort(compareStrings)) {
      const parsed = parseCidr(cidr);
      if (!parsed || !excepted.some((e) => e.family === parsed.family && e.prefix <= parsed.prefix && cidrContains(e, { family: parsed.family, value: parsed.network, v4: parsed.v4Network }))) continue;
      for (const evidence of entry.edges.filter((e) => e.key.startsWith(`external:${cidr}|`))) addRule(acc, 'ingress', { ipBlock: { cidr } }, entry.ports, evidence);
    }
  }

  // Generation findings about selectors.
  for (const acc of policies.values()) if (acc.subject) usedSubjects.add(acc.subject);
  for (const key of [...usedSubjects].sort(compareStrings)) {
    const sel = selections.get(key);
    if (!sel) continue;
    if (sel.unlabelled) {
      findings.push({
        rule: 'workload-without-stable-labels',
        severity: 'warning',
        object: `Workload ${key}`,
        message: `${key} has no stable label to select it by${sel.exact ? '' : `: its allows also apply to ${sel.alsoSelects.length ? sel.alsoSelects.join(', ') : 'every pod of the namespace'}`}`,
        fix: `Give its pod template a stable label such as app.kubernetes.io/name: ${key.split('/')[1]}.`,
      });
    } else if (!sel.exact) {
      findings.push({
        rule: 'ambiguous-selector',
        severity: 'warning',
        object: `Workload ${key}`,
        message: `labels cannot tell ${key} apart from ${sel.alsoSelects.join(', ')}: the allows of ${key} (selector ${describeSelector(sel.selector)}) also apply to them`,
        fix: `Give ${key.split('/')[1]} a distinguishing label (e.g. app.kubernetes.io/name) and re-plan.`,
      });
    }
  }

  // ---- render ----
  const evidence: RuleEvidence[] = [];
  const rendered: NetworkPolicy[] = [];
  for (const acc of [...policies.values()].sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))) {
    const qualified = `${acc.namespace}/${acc.name}`;
    const ingress = groupRules(acc.ingress);
    const egress = groupRules(acc.egress);
    const notes: string[] = [];
    ingress.forEach((rule, i) => {
      evidence.push(ruleEvidence(qualified, 'ingress', i, acc.purpose, rule.edges));
      if (rule.edges.length) notes.push(`ingress[${i}]: ${summarize(rule.edges)}`);
    });
    egress.forEach((rule, i) => {
      evidence.push(ruleEvidence(qualified, 'egress', i, acc.purpose, rule.edges));
      if (rule.edges.length) notes.push(`egress[${i}]: ${summarize(rule.edges)}`);
    });
    const policyTypes = acc.denyAll ? ['Ingress', 'Egress'] : [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])];
    const annotations: Record<string, string> = { [`${ANNOTATION_PREFIX}description`]: DESCRIPTIONS[acc.purpose] };
    if (acc.subject) annotations[`${ANNOTATION_PREFIX}workload`] = acc.subject;
    if (notes.length) annotations[`${ANNOTATION_PREFIX}evidence`] = notes.join('; ');
    const switchName = SWITCHES[acc.purpose];
    if (switchName) annotations[`${ANNOTATION_PREFIX}switch`] = switchName;
    // Copies: rules share peer and selector objects while they are built.
    const spec: NetworkPolicy['spec'] = { podSelector: cloneSelector(acc.podSelector), policyTypes };
    if (ingress.length) spec.ingress = ingress.map((r) => ({ from: r.peers.map(clonePeer), ports: r.ports.map((p) => ({ ...p })) }));
    if (egress.length) spec.egress = egress.map((r) => ({ to: r.peers.map(clonePeer), ports: r.ports.map((p) => ({ ...p })) }));
    rendered.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: acc.name,
        namespace: acc.namespace,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [PURPOSE_LABEL]: acc.purpose },
        annotations,
      },
      spec,
    });
  }
  const byNamespace: Record<string, NetworkPolicy[]> = {};
  for (const p of rendered) (byNamespace[p.metadata.namespace] ??= []).push(p);

  // ---- observation and risks ----
  const { observation, risks } = observe(inventory, edges, tiers, minHours);
  for (const b of blocked) {
    if (b.reason === 'cross-tier-unconfirmed' || b.reason === 'external-needs-cidr' || b.reason === 'api-server-address-unknown' || b.reason === 'unknown-workload') {
      findings.push({
        rule: b.reason === 'cross-tier-unconfirmed' ? 'cross-tier-edge' : b.reason,
        severity: b.reason === 'cross-tier-unconfirmed' ? 'warning' : b.reason === 'unknown-workload' ? 'info' : 'warning',
        object: `Edge ${b.key}`,
        message: `${b.message} (${b.edge.connections} connections)`,
        fix:
          b.reason === 'cross-tier-unconfirmed'
            ? 'Confirm the edge (review: confirmed) if it is really needed; otherwise reject it and remove the dependency.'
            : b.reason === 'external-needs-cidr'
              ? 'Find the CIDR the service publishes and add it as an edge to external:<cidr>.'
              : b.reason === 'api-server-address-unknown'
                ? 'Pass the API server endpoint CIDR (kubectl get endpoints kubernetes -n default).'
                : 'Refresh the snapshot, or re-import the flows against the current inventory.',
      });
    }
  }
  for (const risk of risks) {
    findings.push({ rule: `under-observed-${risk.kind}`, severity: risk.kind === 'never-observed' ? 'info' : 'warning', object: `Workload ${risk.workload}`, message: risk.message, fix: 'Observe longer (cover its schedule) or add its dependencies by hand before enforcing.' });
  }
  if (lintOn) findings.push(...lintPolicies(inventory, rendered, { ...(input.cni !== undefined ? { cni: input.cni } : {}), ...(input.tiers ? { tiers: input.tiers } : {}), dnsNamespace, dnsPodLabels: dnsLabels, otherPolicies: inventory.policies }));

  return {
    policies: rendered,
    byNamespace,
    findings: sortFindings(dedupeFindings(findings)),
    evidence,
    observation,
    risks,
    blocked,
    ignored,
    tiers,
  };
}

function cloneSelector(selector: LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  if (selector.matchLabels) out.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions) out.matchExpressions = selector.matchExpressions.map((e) => ({ ...e, ...(e.values ? { values: [...e.values] } : {}) }));
  return out;
}

function clonePeer(peer: NetworkPolicyPeer): NetworkPolicyPeer {
  if (peer.ipBlock) return { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } };
  const out: NetworkPolicyPeer = {};
  if (peer.namespaceSelector) out.namespaceSelector = cloneSelector(peer.namespaceSelector);
  if (peer.podSelector) out.podSelector = cloneSelector(peer.podSelector);
  return out;
}

const workloadKeys = new WeakMap<object, string>();
/** `ns/name` of a workload end (memoized on the interned endpoint), undefined for other ends. */
function workloadKey(ep: ReturnType<typeof parseKey>): string | undefined {
  if (!ep || ep.kind !== 'workload') return undefined;
  let k = workloadKeys.get(ep);
  if (k === undefined) workloadKeys.set(ep, (k = `${ep.namespace}/${ep.name}`));
  return k;
}

function enabled(purpose: Purpose, on: { dnsOn: boolean; ingressOn: boolean; promOn: boolean; apiOn: boolean }): boolean {
  if (purpose === 'dns' || purpose === 'dns-server') return on.dnsOn;
  if (purpose === 'ingress-controller' || purpose === 'public-entry') return on.ingressOn;
  if (purpose === 'prometheus') return on.promOn;
  if (purpose === 'api-server') return on.apiOn;
  return true;
}

/** `a.b.c.d` -> `a.b.c.d/32`; CIDRs pass through; anything else is dropped. */
function hostCidr(address: string): string | undefined {
  if (address.includes('/')) return parseCidr(address) ? address : undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  return `${address}/${ip.family === 4 ? 32 : 128}`;
}

interface GroupedRule {
  peers: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[];
  edges: EdgeEvidence[];
}

/** Peers allowed on the same set of ports share one rule; rules ordered by their first peer. */
function groupRules(rules: Map<string, RuleAcc>): GroupedRule[] {
  const groups = new Map<string, { peers: [string, NetworkPolicyPeer][]; ports: NetworkPolicyPort[]; edges: EdgeEvidence[] }>();
  for (const [peerK, rule] of rules) {
    let ports = rule.ports;
    if (ports.length > 1) {
      const unique = new Map<string, NetworkPolicyPort>();
      for (const port of ports) {
        const key = portKey(port);
        if (!unique.has(key)) unique.set(key, port);
      }
      ports = [...unique.values()].sort(comparePorts);
    }
    const k = ports.length === 1 ? portKey(ports[0]) : ports.map(portKey).join(',');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { peers: [], ports, edges: [] }));
    g.peers.push([peerK, rule.peer]);
    for (const e of rule.edges) g.edges.push(e);
  }
  const out: (GroupedRule & { key: string; portsKey: string })[] = [];
  for (const [portsKey, g] of groups) {
    if (g.peers.length > 1) g.peers.sort(([a], [b]) => compareStrings(a, b));
    let edges = g.edges;
    if (g.peers.length > 1) edges = [...new Set(edges)];
    edges.sort((a, b) => compareStrings(a.key, b.key));
    out.push({ key: g.peers[0][0], portsKey, peers: g.peers.map(([, p]) => p), ports: g.ports, edges });
  }
  out.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.portsKey, b.portsKey));
  return out.map(({ peers, ports, edges }) => ({ peers, ports, edges }));
}

function ruleEvidence(policy: string, direction: 'ingress' | 'egress', rule: number, purpose: Purpose, edges: EdgeEvidence[]): RuleEvidence {
  let connections = 0;
  let firstSeen: string | null = null;
  let lastSeen: string | null = null;
  for (const e of edges) {
    connections += e.connections;
    firstSeen = minTime(firstSeen, e.firstSeen);
    lastSeen = maxTime(lastSeen, e.lastSeen);
  }
  return { policy, direction, rule, purpose, edges, connections, firstSeen, lastSeen };
}

function summarize(edges: EdgeEvidence[]): string {
  const ev = ruleEvidence('', 'ingress', 0, 'dependency', edges);
  const span = ev.firstSeen && ev.lastSeen ? ` ${ev.firstSeen}..${ev.lastSeen}` : '';
  return `${edges.length} edge${edges.length === 1 ? '' : 's'}, ${ev.connections} connection${ev.connections === 1 ? '' : 's'}${span}`;
}

export function describeSelector(selector: LabelSelector): string {
  const key = selectorKey(selector);
  return key === '' ? '{} (every pod)' : key;
}

function observe(
  inventory: Inventory,
  edges: { key: string; edge: PlanEdge }[],
  tiers: Record<string, Tier | null>,
  minHours: number,
): { observation: NamespaceObservation[]; risks: Risk[] } {
  interface Span {
    edges: number;
    connections: number;
    first: string | null;
    last: string | null;
  }
  const empty = (): Span => ({ edges: 0, connections: 0, first: null, last: null });
  const byNs = new Map<string, Span>();
  const byWorkload = new Map<string, Span>();
  const touch = (map: Map<string, Span>, k: string, edge: PlanEdge) => {
    let s = map.get(k);
    if (!s) map.set(k, (s = empty()));
    s.edges++;
    s.connections += edge.connections;
    s.first = minTime(s.first, edge.firstSeen);
    s.last = maxTime(s.last, edge.lastSeen);
  };
  for (const { edge } of edges) {
    const seen = new Set<string>();
    for (const end of [edge.src, edge.dst]) {
      if (!end.startsWith('workload:')) continue;
      const wk = end.slice(9);
      if (seen.has(wk)) continue;
      seen.add(wk);
      touch(byWorkload, wk, edge);
    }
    const nss = new Set([...seen].map((w) => w.split('/')[0]));
    for (const ns of nss) touch(byNs, ns, edge);
  }
  const namespaces = [...new Set([...inventory.namespaces.map((n) => n.name), ...inventory.workloads.map((w) => w.namespace)])].sort(compareStrings);
  const workloadsByNs = new Map<string, InventoryWorkload[]>();
  for (const w of inventory.workloads) {
    let list = workloadsByNs.get(w.namespace);
    if (!list) workloadsByNs.set(w.namespace, (list = []));
    list.push(w);
  }
  const observation: NamespaceObservation[] = namespaces.map((ns) => {
    const s = byNs.get(ns) ?? empty();
    const ws = workloadsByNs.get(ns) ?? [];
    return {
      namespace: ns,
      tier: tiers[ns] ?? null,
      edges: s.edges,
      connections: s.connections,
      firstSeen: s.first,
      lastSeen: s.last,
      spanHours: hoursBetween(s.first, s.last),
      workloads: ws.length,
      unobservedWorkloads: ws.filter((w) => !byWorkload.has(`${w.namespace}/${w.name}`)).map((w) => w.name).sort(compareStrings),
    };
  });
  const risks: Risk[] = [];
  const sorted = [...inventory.workloads].sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  const done = new Set<string>();
  for (const w of sorted) {
    const k = `${w.namespace}/${w.name}`;
    if (done.has(k)) continue;
    done.add(k);
    const s = byWorkload.get(k);
    if (w.kind === 'CronJob' || w.kind === 'Job') {
      risks.push({ kind: 'job', workload: k, message: `${w.kind} ${k} runs on a schedule: ${s ? `its ${s.edges} edge(s) come from ${s.connections} connection(s) between ${s.first} and ${s.last}` : 'no flow of it was seen'}; runs outside the window may need more` });
      continue;
    }
    if (!s) {
      risks.push({ kind: 'never-observed', workload: k, message: `${k} (${w.kind}, ${w.podCount} pod${w.podCount === 1 ? '' : 's'}${w.fromTemplate ? ', none running' : ''}) appears in no flow: it gets DNS only` });
      continue;
    }
    if (s.connections <= 1) {
      risks.push({ kind: 'seen-once', workload: k, message: `${k} was seen in a single connection (${s.first ?? 'no time'}): its dependencies are probably incomplete` });
      continue;
    }
    const hours = hoursBetween(s.first, s.last);
    if (hours < minHours) {
      risks.push({ kind: 'short-window', workload: k, message: `${k} was only observed for ${hours} h (${s.first} .. ${s.last}), under ${minHours} h` });
    }
  }
  return { observation, risks };
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

export function sortFindings(findings: LintFinding[]): LintFinding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareStrings(a.rule, b.rule) || compareStrings(a.object, b.object) || compareStrings(a.message, b.message),
  );
}

function dedupeFindings(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.rule}|${f.object}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { edgeKey };
