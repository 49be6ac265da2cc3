import { detectFlowFormat, detectFraming, FlowFormatError } from '@bulkhead/flows';
import { readSample, SAMPLE, VPC_HEADER } from '../../../test/fixtures/flows/samples';

const head = (name: string) => readSample(name).slice(0, 8192);

describe('format detection from content', () => {
  test.each([
    [SAMPLE.hubble10, 'hubble', 'lines'],
    [SAMPLE.hubbleTcp400, 'hubble', 'lines'],
    [SAMPLE.hubbleFieldMask, 'hubble', 'lines'],
    [SAMPLE.calicoNoAggregation, 'calico-json', 'documents'],
    [SAMPLE.calicoHostForwarded1, 'calico-json', 'documents'],
    [SAMPLE.calicoHostForwarded2, 'calico-json', 'documents'],
    [SAMPLE.calicoLegacy, 'calico-legacy', 'lines'],
    [SAMPLE.envoyText, 'envoy-access-log', 'lines'],
    [SAMPLE.vpcV2, 'aws-vpc-flow-log', 'lines'],
    [SAMPLE.vpcV3, 'aws-vpc-flow-log', 'lines'],
    [SAMPLE.vpcV5, 'aws-vpc-flow-log', 'lines'],
    [SAMPLE.igTraceTcp, 'ig-trace-tcp', 'lines'],
    [SAMPLE.igAdvise, 'ig-advise-networkpolicy', 'yaml-documents'],
    [SAMPLE.otterizeSimple, 'otterize-intents', 'documents'],
    [SAMPLE.otterizeKafka, 'otterize-intents', 'documents'],
  ])('sample %s -> %s (%s)', (name, format, framing) => {
    expect(detectFlowFormat(head(name))).toEqual({ format, framing });
  });

  test.each([
    ['jsonpb wrapper', '{"flow":{"verdict":"FORWARDED"},"node_name":"n","time":"2026-01-01T00:00:00Z"}\n', 'hubble', 'lines'],
    ['lost_events first', '{"lost_events":{"num_events_lost":"3"}}\n{"flow":{}}\n', 'hubble', 'lines'],
    ['bare -o json flow', '{"time":"2026-01-01T00:00:00Z","verdict":"DROPPED","IP":{"source":"10.0.0.1"}}\n', 'hubble', 'lines'],
    ['pretty hubble', '{\n  "flow": {\n    "verdict": "FORWARDED"\n  }\n}\n', 'hubble', 'documents'],
    ['BOM + CRLF', '\uFEFF{"flow":{"verdict":"FORWARDED"}}\r\n', 'hubble', 'lines'],
    ['truncated long hubble line', `{"flow":{"verdict":"FORWARDED","Summary":"${'x'.repeat(9000)}`.slice(0, 8192), 'hubble', 'lines'],
    [
      'calico flows.log line',
      '{"start_time":1,"end_time":2,"source_namespace":"a","dest_namespace":"b","reporter":"src","action":"allow"}\n',
      'calico-json',
      'lines',
    ],
    ['calico ES array', '[\n {\n  "source_name_aggr": "a-*",\n  "dest_name_aggr": "b-*"\n }\n]', 'calico-json', 'documents'],
    [
      'edge list array',
      '[{"from":"orders/orders-api","to":"payments/payments-api","port":8080,"protocol":"TCP"}]',
      'edge-list',
      'documents',
    ],
    ['edge list pretty array', '[\n  {\n    "from": "a/b",\n    "to": "8.8.8.8",\n    "port": 53\n  }\n]\n', 'edge-list', 'documents'],
    ['edge list lines', '{"from":"a/b","to":"c/d","port":80}\n{"from":"a/b","to":"c/e","port":80}\n', 'edge-list', 'lines'],
    ['a single compact edge without newline', '{"from":"a/b","to":"c/d","port":80}', 'edge-list', 'lines'],
    ['a damaged first line before Hubble lines', 'xx garbage {\n{"flow":{"verdict":"FORWARDED"}}\n{"flow":{}}\n', 'hubble', 'lines'],
    [
      'calico legacy header',
      'startTime endTime srcType srcNamespace srcName srcLabels dstType dstNamespace dstName dstLabels srcIP dstIP proto srcPort dstPort numFlows numFlowsStarted numFlowsCompleted reporter packetsIn packetsOut bytesIn bytesOut action\n',
      'calico-legacy',
      'lines',
    ],
  ])('%s', (_name, text, format, framing) => {
    expect(detectFlowFormat(text)).toEqual({ format, framing });
  });

  test.each([
    ['a VPC header line', `${VPC_HEADER.v5}\n`, 'aws-vpc-flow-log', 'lines'],
    [
      'an Envoy JSON line',
      '{"start_time":"2026-01-01T00:00:00.000Z","upstream_cluster":"outbound|80||a.b.svc.cluster.local","downstream_remote_address":"10.0.0.1:5000"}\n',
      'envoy-access-log',
      'lines',
    ],
    [
      'a ClientIntents YAML stream',
      '# exported\n---\napiVersion: k8s.otterize.com/v2beta1\nkind: ClientIntents\n',
      'otterize-intents',
      'yaml-documents',
    ],
    ['a ClientIntents JSON line', '{"kind":"ClientIntents","spec":{}}\n', 'otterize-intents', 'lines'],
    [
      'a NetworkPolicy List in JSON',
      '{"apiVersion":"v1","kind":"List","items":[{"kind":"NetworkPolicy","spec":{"egress":[{"to":[]}]}}]}\n',
      'ig-advise-networkpolicy',
      'lines',
    ],
    [
      'a newer trace_tcp event (nested proc, string proto)',
      '{"proc":{"comm":"curl"},"src":{"addr":"10.0.0.1","port":40000,"proto":"TCP"},"dst":{"addr":"10.0.0.2","port":80,"proto":"TCP"},"type":"connect"}\n',
      'ig-trace-tcp',
      'lines',
    ],
  ])('%s', (_name, text, format, framing) => {
    expect(detectFlowFormat(text)).toEqual({ format, framing });
  });

  test('YAML of another kind is named in the error', () => {
    expect(() => detectFlowFormat('apiVersion: v1\nkind: ConfigMap\n')).toThrow(/YAML of another kind/);
  });

  test.each([
    ['{\n  "source_namespace": "a"\n}\n', 'calico-json', 'documents'],
    ['{"source_namespace": "a"}\n', 'calico-json', 'lines'],
    ['[{"from":"a/b"}]', 'edge-list', 'documents'],
    ['\n\n{"flow":{}}\n', 'hubble', 'lines'],
    ['a b c', 'calico-legacy', 'lines'],
  ])('framing of %j as %s: %s', (text, format, framing) => {
    expect(detectFraming(text, format as 'hubble')).toBe(framing);
  });

  test('unknown content names what was seen', () => {
    try {
      detectFlowFormat('id,source,destination\n1,a,b\n');
      throw new Error('expected a FlowFormatError');
    } catch (e) {
      expect(e).toBeInstanceOf(FlowFormatError);
      expect((e as FlowFormatError).seen).toBe('id,source,destination');
      expect((e as Error).message).toMatch(/Unknown flow format.*First line: id,source,destination/);
    }
    expect(() => detectFlowFormat('   \n')).toThrow(/empty/);
    expect(() => detectFlowFormat('{"hello":"world"}\n')).toThrow(/Unknown flow format/);
  });
});
