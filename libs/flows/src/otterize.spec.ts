import { createFlowReader, importFlowText, normalizeClientIntents, type FlowRecord } from '@bulkhead/flows';
import { stringify } from 'yaml';
import { inventoryOf } from '../../../test/fixtures/flows/inventory';
import { readSample, SAMPLE } from '../../../test/fixtures/flows/samples';

function records(text: string): FlowRecord[] {
  const reader = createFlowReader();
  return [...reader.feed(text), ...reader.end()];
}

const keys = (r: ReturnType<typeof importFlowText>) => r.edges.map((e) => e.key);

/** The clusters of Otterize's two tutorials, with the ports their servers serve. */
const tutorials = inventoryOf([
  {
    namespace: 'otterize-tutorial-mapper',
    name: 'client-5f6d7c8b9-abcde',
    ip: '10.244.0.10',
    workload: { kind: 'Deployment', name: 'client' },
  },
  {
    namespace: 'otterize-tutorial-mapper',
    name: 'client2-5f6d7c8b9-bcdfg',
    ip: '10.244.0.11',
    workload: { kind: 'Deployment', name: 'client2' },
  },
  {
    namespace: 'otterize-tutorial-mapper',
    name: 'server-7c9d8f6b5-x2k4q',
    ip: '10.244.0.12',
    workload: { kind: 'Deployment', name: 'server' },
    ports: [{ port: 80, protocol: 'TCP' }],
  },
  {
    namespace: 'otterize-tutorial-kafka-mapping',
    name: 'client-6b746f74dc-9rcxx',
    ip: '10.244.1.10',
    workload: { kind: 'Deployment', name: 'client' },
  },
  {
    namespace: 'otterize-tutorial-kafka-mapping',
    name: 'client-2-6b746f74dc-m4j4k',
    ip: '10.244.1.11',
    workload: { kind: 'Deployment', name: 'client-2' },
  },
  {
    namespace: 'kafka',
    name: 'kafka-0',
    ip: '10.244.2.10',
    workload: { kind: 'StatefulSet', name: 'kafka' },
    ports: [
      { port: 9092, protocol: 'TCP' },
      { port: 9093, protocol: 'TCP' },
    ],
  },
]);

describe('Otterize ClientIntents, the simple tutorial export (JSON)', () => {
  test('each intent declares its client workload calling its targets, with no port of its own', () => {
    const recs = records(readSample(SAMPLE.otterizeSimple));
    expect(recs.map((x) => [x.src.workload?.name, x.dst.namespace, x.dst.workload?.name, x.declared, x.portFromInventory])).toEqual([
      ['client', 'otterize-tutorial-mapper', 'server', true, true],
      ['client2', 'otterize-tutorial-mapper', 'server', true, true],
    ]);
    expect(recs[0]).toMatchObject({
      line: 2,
      format: 'otterize-intents',
      src: { kind: 'workload', namespace: 'otterize-tutorial-mapper' },
    });
  });

  test('the edges take the ports the server serves, as declared edges', () => {
    const r = importFlowText(readSample(SAMPLE.otterizeSimple), tutorials);
    expect(r.reader.format).toBe('otterize-intents');
    expect(keys(r)).toEqual([
      'workload:otterize-tutorial-mapper/client2|workload:otterize-tutorial-mapper/server|TCP|80',
      'workload:otterize-tutorial-mapper/client|workload:otterize-tutorial-mapper/server|TCP|80',
    ]);
    expect(r.edges.every((e) => e.declared && e.connections === 0 && e.formats[0] === 'otterize-intents')).toBe(true);
  });

  test('when the inventory knows no port of the server, the intent stays unattributed and says why', () => {
    const portless = inventoryOf([
      { namespace: 'otterize-tutorial-mapper', name: 'client', ip: '10.0.0.1' },
      { namespace: 'otterize-tutorial-mapper', name: 'client2', ip: '10.0.0.2' },
      { namespace: 'otterize-tutorial-mapper', name: 'server', ip: '10.0.0.3' },
    ]);
    const r = importFlowText(readSample(SAMPLE.otterizeSimple), portless);
    expect(r.edges).toEqual([]);
    expect(r.aggregation.unattributedByReason).toEqual({ 'dst:ports-not-in-inventory': 2 });
    expect(r.aggregation.unattributedSamples[0]?.hint).toBe('workload:otterize-tutorial-mapper/server');
  });
});

describe('Otterize ClientIntents, the Kafka tutorial export', () => {
  test('`kafka.kafka` is the workload kafka in namespace kafka; the kafka and kubernetes targets meet on its ports', () => {
    const r = importFlowText(readSample(SAMPLE.otterizeKafka), tutorials);
    expect(keys(r)).toEqual([
      'workload:otterize-tutorial-kafka-mapping/client-2|workload:kafka/kafka|TCP|9092',
      'workload:otterize-tutorial-kafka-mapping/client-2|workload:kafka/kafka|TCP|9093',
      'workload:otterize-tutorial-kafka-mapping/client|workload:kafka/kafka|TCP|9092',
      'workload:otterize-tutorial-kafka-mapping/client|workload:kafka/kafka|TCP|9093',
    ]);
    expect(r.edges[0]?.observations).toBe(2);
    expect(r.edges[0]?.attribution).toEqual(['workload-name']);
  });

  test('the same export as a YAML stream (--format=yaml) reads alike', () => {
    const intents = JSON.parse(readSample(SAMPLE.otterizeKafka)) as unknown[];
    const yaml = intents.map((doc) => `---\n${stringify(doc)}`).join('');
    const r = importFlowText(yaml, tutorials);
    expect(r.reader.framing).toBe('yaml-documents');
    expect(keys(r)).toEqual(keys(importFlowText(readSample(SAMPLE.otterizeKafka), tutorials)));
  });
});

describe('ClientIntents targets', () => {
  const intent = (targets: unknown[]) => ({
    kind: 'ClientIntents',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { workload: { name: 'web', kind: 'Deployment' }, targets },
  });

  test('internet targets with ports name addresses outside; http and sql targets name no network peer', () => {
    const recs = normalizeClientIntents(
      intent([{ internet: { domains: ['API.Stripe.com'], ips: ['8.8.8.8', '10.0.0.0/8'], ports: [443] } }, { sql: { name: 'db' } }]),
      1,
    ) as FlowRecord[];
    expect(recs.map((x) => [x.dst.dnsNames?.[0] ?? x.dst.ip ?? x.dst.cidr, x.dstPort])).toEqual([
      ['api.stripe.com', 443],
      ['8.8.8.8', 443],
      ['10.0.0.0/8', 443],
    ]);
  });

  test('a service target is looked up as the workload of that name; other kinds and missing names are skipped', () => {
    expect(normalizeClientIntents(intent([{ service: { name: 'cart' } }]), 1)).toMatchObject([
      { dst: { namespace: 'shop', workload: { name: 'cart' }, service: { namespace: 'shop', name: 'cart' } } },
    ]);
    expect(normalizeClientIntents({ kind: 'ConfigMap' }, 1)).toBe('unrecognized-object');
    expect(normalizeClientIntents({ kind: 'ClientIntents', metadata: {}, spec: {} }, 1)).toBe('missing-endpoint');
  });
});
