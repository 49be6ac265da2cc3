import fc from 'fast-check';
import {
  createFlowReader,
  EdgeAggregator,
  importFlowText,
  InventoryIndex,
  LabelCache,
  normalizeCalicoDocument,
  normalizeHubbleFlow,
  type FlowRecord,
} from '@bulkhead/flows';
import { kindBookinfoInventory, readSample, SAMPLE } from '../../../test/fixtures/flows/samples';
import { propertyRuns } from '../../../test/support/property-runs';

const inventory = {
  pods: [
    {
      namespace: 'shop',
      name: 'frontend-7d4b9c8f6d-x2x9k',
      ips: ['10.0.0.1'],
      workload: { kind: 'Deployment', name: 'frontend' },
      labels: { app: 'frontend' },
    },
    {
      namespace: 'shop',
      name: 'cart-5c9d7f6b8d-qq7wz',
      ips: ['10.0.0.2'],
      workload: { kind: 'Deployment', name: 'cart' },
      labels: { app: 'cart' },
    },
  ],
  workloads: [],
};

const labels = new LabelCache();
const FRONTEND = { namespace: 'shop', pod_name: 'frontend-7d4b9c8f6d-x2x9k' };
const CART = { namespace: 'shop', pod_name: 'cart-5c9d7f6b8d-qq7wz' };

/** One Hubble packet of the connection frontend:sport -> cart:8080. */
function hubble(opts: {
  sport: number;
  t: number;
  reply?: boolean;
  flags?: Record<string, boolean>;
  dir?: 'EGRESS' | 'INGRESS';
  verdict?: string;
  eventType?: number;
  dport?: number;
  drop_reason_desc?: string;
}): FlowRecord {
  const reply = opts.reply ?? false;
  const flow = {
    time: new Date(Date.UTC(2026, 10, 28, 9) + opts.t).toISOString(),
    verdict: opts.verdict ?? 'FORWARDED',
    IP: { source: reply ? '10.0.0.2' : '10.0.0.1', destination: reply ? '10.0.0.1' : '10.0.0.2' },
    l4: {
      TCP: {
        source_port: reply ? (opts.dport ?? 8080) : opts.sport,
        destination_port: reply ? opts.sport : (opts.dport ?? 8080),
        flags: opts.flags ?? { SYN: true },
      },
    },
    source: reply ? CART : FRONTEND,
    destination: reply ? FRONTEND : CART,
    Type: 'L3_L4',
    is_reply: reply,
    traffic_direction: opts.dir,
    event_type: { type: opts.eventType ?? 4 },
    drop_reason_desc: opts.drop_reason_desc,
  };
  const r = normalizeHubbleFlow(flow, undefined, 1, labels);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

describe('aggregation and connection counting', () => {
  test('one connection seen at both ends, as a policy verdict, and by its replies counts once', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(hubble({ sport: 40000, t: 0, dir: 'EGRESS' })); // client node, FROM_ENDPOINT
    agg.add(hubble({ sport: 40000, t: 0, dir: 'EGRESS', eventType: 5 })); // policy verdict
    agg.add(hubble({ sport: 40000, t: 1, dir: 'INGRESS' })); // server node, TO_ENDPOINT
    agg.add(hubble({ sport: 40000, t: 2, reply: true, flags: { SYN: true, ACK: true }, dir: 'INGRESS' }));
    agg.add(hubble({ sport: 40000, t: 3, flags: { ACK: true }, dir: 'EGRESS' }));
    const [edge] = agg.edges();
    expect(agg.edges()).toHaveLength(1);
    expect(edge).toMatchObject({
      key: 'workload:shop/frontend|workload:shop/cart|TCP|8080',
      port: 8080,
      protocol: 'TCP',
      connections: 1,
      observations: 5,
      firstSeen: '2026-11-28T09:00:00.000Z',
      lastSeen: '2026-11-28T09:00:00.003Z',
      verdict: 'allowed',
      reporters: ['src', 'dst'],
      formats: ['hubble'],
      attribution: ['pod-name'],
    });
    expect(agg.stats()).toMatchObject({ records: 5, attributed: 5, edges: 1, connections: 1, duplicateStartsSuppressed: 2 });
  });

  test('different source ports are different connections; a 5-tuple reused after the window counts again', () => {
    const agg = new EdgeAggregator(inventory, { dedupeWindowMs: 30_000 });
    agg.add(hubble({ sport: 40000, t: 0 }));
    agg.add(hubble({ sport: 40001, t: 10 }));
    agg.add(hubble({ sport: 40000, t: 20 })); // retransmitted SYN
    agg.add(hubble({ sport: 40000, t: 60_000 })); // port reuse a minute later
    expect(agg.edges()[0]?.connections).toBe(3);
  });

  test('the dedupe memory is bounded: with a tiny bound old 5-tuples are forgotten', () => {
    const agg = new EdgeAggregator(inventory, { maxDedupeEntries: 4 });
    for (let i = 0; i < 10; i++) agg.add(hubble({ sport: 40000 + i, t: i }));
    agg.add(hubble({ sport: 40000, t: 11 })); // forgotten: counted again
    expect(agg.edges()[0]?.connections).toBe(11);
  });

  test('verdict summary: a dropped observation is a blocked attempt, never part of the edge; audit shows', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(hubble({ sport: 40000, t: 0 }));
    expect(agg.add(hubble({ sport: 40001, t: 1, verdict: 'DROPPED' }))).toBe(false);
    agg.add(hubble({ sport: 40002, t: 2, verdict: 'AUDIT' }));
    expect(agg.edges()[0]).toMatchObject({ verdict: 'audit', verdicts: { allowed: 1, audit: 1, unknown: 0 }, observations: 2 });
    expect(agg.blockedAttempts()).toMatchObject([{ key: agg.edges()[0]?.key, attempts: 1 }]);
  });

  test.each([
    ['Hubble DROPPED', { verdict: 'DROPPED' }],
    ['Hubble ERROR', { verdict: 'ERROR' }],
  ])('a flow that was only refused (%s) makes no edge: a blocked attempt with its reason', (_name, patch) => {
    const agg = new EdgeAggregator(inventory);
    agg.add(hubble({ sport: 40001, t: 0, ...patch, drop_reason_desc: 'POLICY_DENIED' }));
    agg.add(hubble({ sport: 40002, t: 5000, ...patch, drop_reason_desc: 'POLICY_DENIED' }));
    expect(agg.edges()).toEqual([]);
    const [attempt] = agg.blockedAttempts();
    expect(attempt).toMatchObject({ attempts: 2, reasons: ['POLICY_DENIED'], protocol: 'TCP', formats: ['hubble'] });
    expect(attempt?.src.key).toBe('workload:shop/frontend');
    expect(agg.stats()).toMatchObject({ refused: 2, blockedAttempts: 1, edges: 0, attributed: 0 });
  });

  test('blocked attempts are bounded: past the bound a new one is only counted', () => {
    const agg = new EdgeAggregator(inventory, { maxBlockedAttempts: 1 });
    agg.add(hubble({ sport: 40001, t: 0, verdict: 'DROPPED' }));
    agg.add(hubble({ sport: 40002, t: 1, verdict: 'DROPPED', dport: 9999 }));
    expect(agg.blockedAttempts()).toHaveLength(1);
    expect(agg.stats()).toMatchObject({ refused: 2, blockedAttempts: 1, blockedAttemptsDropped: 1 });
  });

  test('a refused packet remembered from before a restart is no connection start: the allowed retry after it counts', () => {
    const agg = new EdgeAggregator(inventory);
    agg.remember(hubble({ sport: 40000, t: 0, verdict: 'DROPPED' }));
    agg.add(hubble({ sport: 40000, t: 1 }));
    expect(agg.edges()[0]?.connections).toBe(1);
    expect(agg.stats()).toMatchObject({ duplicateStartsSuppressed: 0 });
  });

  test('unattributed ends are counted per side and reason, with samples', () => {
    const agg = new EdgeAggregator(InventoryIndex.empty());
    agg.add(hubble({ sport: 40000, t: 0 }));
    agg.add(hubble({ sport: 40001, t: 1 }));
    expect(agg.edges()).toEqual([]);
    expect(agg.stats()).toMatchObject({
      records: 2,
      attributed: 0,
      unattributed: 2,
      unattributedByReason: { 'src:pod-not-in-inventory': 2 },
      unattributedSamples: [{ end: 'src', reason: 'pod-not-in-inventory', hint: 'shop/frontend-7d4b9c8f6d-x2x9k', count: 2 }],
    });
  });
});

describe('Calico double reporting', () => {
  const doc = {
    start_time: 1700000000,
    end_time: 1700000300,
    source_name_aggr: 'frontend-7d4b9c8f6d-*',
    source_namespace: 'shop',
    source_type: 'wep',
    dest_name_aggr: 'cart-5c9d7f6b8d-*',
    dest_namespace: 'shop',
    dest_type: 'wep',
    dest_port: 8080,
    proto: 'tcp',
  };
  const rec = (patch: Record<string, unknown>) => normalizeCalicoDocument({ ...doc, ...patch }, 1, labels) as FlowRecord;

  test('src and dst reports of the same connections merge: counted once', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(rec({ reporter: 'src', action: 'allow', num_flows_started: 4 }));
    agg.add(rec({ reporter: 'dst', action: 'allow', num_flows_started: 4 }));
    const [edge] = agg.edges();
    expect(edge).toMatchObject({
      connections: 4,
      observations: 2,
      verdict: 'allowed',
      reporters: ['src', 'dst'],
      attribution: ['workload-name'],
    });
    expect(edge?.firstSeen).toBe('2023-11-14T22:13:20.000Z');
    expect(edge?.lastSeen).toBe('2023-11-14T22:18:20.000Z');
  });

  test('let out by the source, refused by the destination: a blocked attempt, no edge', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(rec({ reporter: 'src', action: 'allow', num_flows_started: 4 }));
    agg.add(rec({ reporter: 'dst', action: 'deny', num_flows_started: 4 }));
    expect(agg.edges()).toEqual([]);
    expect(agg.blockedAttempts()).toMatchObject([{ attempts: 1, reasons: ['deny'], formats: ['calico-json'] }]);
    expect(agg.stats()).toMatchObject({ edges: 0, connections: 0 });
  });

  test('refused at the source: a blocked attempt; the destination never saw it', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(rec({ reporter: 'src', action: 'deny', num_flows_started: 3 }));
    expect(agg.edges()).toEqual([]);
    expect(agg.blockedAttempts()).toHaveLength(1);
  });

  test('reports from later flush intervals add up per side', () => {
    const agg = new EdgeAggregator(inventory);
    agg.add(rec({ reporter: 'src', action: 'allow', num_flows_started: 4 }));
    agg.add(rec({ reporter: 'src', action: 'allow', num_flows_started: 2, start_time: 1700000300 }));
    agg.add(rec({ reporter: 'dst', action: 'allow', num_flows_started: 5 }));
    expect(agg.edges()[0]?.connections).toBe(6);
  });
});

describe('determinism', () => {
  const lines = readSample(SAMPLE.hubbleTcp400).trim().split('\n');
  const kind = InventoryIndex.from(kindBookinfoInventory());
  const edgesOf = (text: string) => importFlowText(text, kind).edges;
  const want = edgesOf(lines.join('\n'));

  test('edges are sorted by key', () => {
    const keys = want.map((e) => e.key);
    expect(keys).toEqual([...keys].sort());
  });

  test('property: any order of the input lines gives the same edges', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), (shuffled) => {
        expect(edgesOf(shuffled.join('\n'))).toEqual(want);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  test('the reader callback and the returned arrays give the same result', () => {
    const a = new EdgeAggregator(kind);
    const reader = createFlowReader({ onRecord: (r) => a.add(r) });
    expect(reader.feed(lines.join('\n'))).toEqual([]);
    reader.end();
    expect(a.edges()).toEqual(want);
  });
});

describe('DNS answers name external IPs', () => {
  test('an L7 DNS answer for api.stripe.com names the world IP connected to afterwards', () => {
    const dns = normalizeHubbleFlow(
      {
        time: '2026-11-28T09:00:00Z',
        verdict: 'FORWARDED',
        IP: { source: '10.0.9.1', destination: '10.0.0.1' },
        l4: { UDP: { source_port: 53, destination_port: 41000 } },
        source: { namespace: 'kube-system', pod_name: 'coredns-558bd4d5db-9grjv' },
        destination: FRONTEND,
        Type: 'L7',
        is_reply: true,
        l7: { type: 'RESPONSE', dns: { query: 'api.stripe.com.', ips: ['54.187.174.169'], rcode: 0 } },
      },
      undefined,
      1,
      labels,
    ) as FlowRecord;
    const https = normalizeHubbleFlow(
      {
        time: '2026-11-28T09:00:01Z',
        verdict: 'FORWARDED',
        IP: { source: '10.0.0.1', destination: '54.187.174.169' },
        l4: { TCP: { source_port: 42000, destination_port: 443, flags: { SYN: true } } },
        source: FRONTEND,
        destination: { identity: 2, labels: ['reserved:world'] },
        Type: 'L3_L4',
      },
      undefined,
      2,
      labels,
    ) as FlowRecord;
    const agg = new EdgeAggregator(inventory, { inferUnknownWorkloads: true });
    agg.add(https);
    agg.add(dns);
    agg.add(https);
    // the first connection came before the answer and stays keyed by IP
    expect(agg.edges().map((e) => e.key)).toEqual([
      'workload:shop/frontend|external:54.187.174.169/32|TCP|443',
      'workload:shop/frontend|external:api.stripe.com|TCP|443',
      'workload:shop/frontend|workload:kube-system/coredns|UDP|53',
    ]);
  });
});

describe('addresses of DNS-named external destinations', () => {
  it('keeps the IPs a named external destination was reached at, for ipBlocks', () => {
    const lines = ['198.51.100.7', '198.51.100.8', '198.51.100.7'].map((ip, i) =>
      JSON.stringify({
        flow: {
          time: `2026-11-20T10:00:0${i}.000Z`,
          verdict: 'FORWARDED',
          IP: { source: '10.244.1.10', destination: ip },
          l4: { TCP: { source_port: 40000 + i, destination_port: 443, flags: { SYN: true } } },
          source: { namespace: 'pay', pod_name: 'api-5f6d7c8b9-abcde', labels: ['k8s:app=api'] },
          destination: { identity: 2, labels: ['reserved:world'] },
          destination_names: ['api.stripe.com'],
          is_reply: false,
          Type: 'L3_L4',
        },
      }),
    );
    const { edges } = importFlowText(
      lines.join('\n'),
      InventoryIndex.from({
        pods: [
          {
            namespace: 'pay',
            name: 'api-5f6d7c8b9-abcde',
            ips: ['10.244.1.10'],
            workload: { kind: 'Deployment', name: 'api' },
            labels: { app: 'api' },
          },
        ],
        workloads: [{ namespace: 'pay', name: 'api', kind: 'Deployment', labels: { app: 'api' } }],
      }),
    );
    expect(edges.map((e) => [e.dst.key, e.dstAddresses])).toEqual([['external:api.stripe.com', ['198.51.100.7', '198.51.100.8']]]);
  });
});
