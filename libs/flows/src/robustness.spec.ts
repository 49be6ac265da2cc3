// Malformed-but-valid JSON must never crash the importer: every field of a real record is replaced
// by arbitrary JSON values, and the records that come out must still be well typed.
import fc from 'fast-check';
import { createFlowReader, EdgeAggregator, InventoryIndex, type FlowFormat, type FlowRecord } from '@bulkhead/flows';
import { parse } from 'yaml';
import { readSample, SAMPLE, VPC_HEADER } from '../../../test/fixtures/flows/samples';
import { propertyRuns } from '../../../test/support/property-runs';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(value: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  }
  return out;
}

function mutate(value: Json, path: string[], replacement: Json): Json {
  const copy = structuredClone(value) as Record<string, Json>;
  let node: Record<string, Json> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

function checkRecord(r: FlowRecord): void {
  expect(['TCP', 'UDP', 'SCTP', 'ICMP']).toContain(r.protocol);
  if (r.dstPort !== undefined) expect(Number.isInteger(r.dstPort) && r.dstPort >= 1 && r.dstPort <= 65535).toBe(true);
  for (const ep of [r.src, r.dst]) {
    expect(['pod', 'workload', 'external', 'reserved', 'unknown']).toContain(ep.kind);
    for (const k of ['namespace', 'pod', 'ip', 'cidr', 'cluster'] as const) if (ep[k] !== undefined) expect(typeof ep[k]).toBe('string');
  }
  if (r.time !== undefined) expect(typeof r.time).toBe('string');
  if (r.timeMs !== undefined) expect(Number.isFinite(r.timeMs)).toBe(true);
  expect(['allowed', 'denied', 'audit', 'unknown']).toContain(r.verdict);
}

function run(format: FlowFormat, text: string): void {
  const aggregator = new EdgeAggregator(InventoryIndex.empty(), { inferUnknownWorkloads: true });
  const reader = createFlowReader({ format, onRecord: (r) => (checkRecord(r), aggregator.add(r)) });
  reader.feed(text);
  try {
    reader.end();
  } catch (e) {
    if ((e as Error).name !== 'FlowParseError') throw e;
  }
  for (const e of aggregator.edges()) expect(typeof e.key).toBe('string');
}

const cases: Array<[string, FlowFormat, Json]> = [
  ['hubble wrapper', 'hubble', JSON.parse(readSample(SAMPLE.hubbleTcp400).split('\n')[0]!) as Json],
  ['hubble L7 DNS', 'hubble', JSON.parse(readSample(SAMPLE.hubbleDns5).split('\n')[1]!) as Json],
  ['hubble reply', 'hubble', JSON.parse(readSample(SAMPLE.hubble10).split('\n')[0]!) as Json],
  ['calico document', 'calico-json', JSON.parse(readSample(SAMPLE.calicoHostForwarded1)) as Json],
  [
    'hubble lost_events',
    'hubble',
    { lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '12', cpu: 1 }, node_name: 'n', time: '2026-11-28T09:00:00Z' },
  ],
  ['edge list item', 'edge-list', { from: 'orders/orders-api', to: 'payments/payments-api', port: 8080, protocol: 'TCP' }],
  [
    'envoy JSON entry',
    'envoy-access-log',
    {
      start_time: '2024-05-01T10:00:00.000Z',
      response_flags: '-',
      upstream_host: '10.44.1.27:80',
      upstream_cluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
      downstream_local_address: '10.0.45.184:8000',
      downstream_remote_address: '10.44.1.23:46520',
    },
  ],
  ['trace_tcp event', 'ig-trace-tcp', JSON.parse(readSample(SAMPLE.igTraceTcp).split('\n')[0]!) as Json],
  ['ClientIntents', 'otterize-intents', (JSON.parse(readSample(SAMPLE.otterizeKafka)) as Json[])[0]!],
  ['advised NetworkPolicy', 'ig-advise-networkpolicy', parse(readSample(SAMPLE.igAdvise).split('---')[1]!) as Json],
];

describe.each(cases)('%s with any field replaced by any JSON value', (_name, format, base) => {
  const all = paths(base);
  test('never throws, records stay well typed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 }),
        (mutations) => {
          let value = base;
          for (const [path, replacement] of mutations) {
            try {
              value = mutate(value, path, replacement as Json);
            } catch {
              // the path vanished under an earlier mutation
            }
          }
          run(format, `${JSON.stringify(value)}\n`);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });
});

test('legacy lines with arbitrary tokens never throw', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.constantFrom('-', 'wep', 'net', 'tcp', '6', 'allow', 'in', 'out', '1528842551'),
          fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/\s/.test(s)),
        ),
        { minLength: 24, maxLength: 24 },
      ),
      (tokens) => {
        run('calico-legacy', `${tokens.join(' ')}\n`);
      },
    ),
    { numRuns: propertyRuns(300) },
  );
});

test('Envoy TEXT lines with arbitrary tokens never throw', () => {
  const line = readSample(SAMPLE.envoyText).split('\n')[0]!.split(' ');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: line.length - 1 }), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 6 }),
      (changes) => {
        const tokens = [...line];
        for (const [i, token] of changes) tokens[i] = token;
        run('envoy-access-log', `${tokens.join(' ')}\n`);
      },
    ),
    { numRuns: propertyRuns(300) },
  );
});

test('AWS VPC rows with arbitrary fields never throw', () => {
  const row = readSample(SAMPLE.vpcV5).split('\n')[1]!.split(' ');
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: row.length - 1 }),
          fc.oneof(fc.constantFrom('-', '0', '65536', '2', '18', 'ACCEPT', 'NODATA', '::1', 'egress'), fc.string({ maxLength: 8 })),
        ),
        { minLength: 1, maxLength: 6 },
      ),
      (changes) => {
        const fields = [...row];
        for (const [i, field] of changes) fields[i] = field;
        run('aws-vpc-flow-log', `${VPC_HEADER.v5}\n${fields.join(' ')}\n`);
      },
    ),
    { numRuns: propertyRuns(300) },
  );
});
