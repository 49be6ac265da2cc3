import { createFlowReader, importFlowText, type FlowRecord } from '@bulkhead/flows';
import { inventoryOf } from '../../../test/fixtures/flows/inventory';
import { readSample, SAMPLE, VPC_HEADER, vpcVersion4 } from '../../../test/fixtures/flows/samples';

function records(text: string): FlowRecord[] {
  const reader = createFlowReader();
  return [...reader.feed(text), ...reader.end()];
}

const summary = (r: ReturnType<typeof importFlowText>) =>
  r.edges.map((e) => `${e.src.key} -> ${e.dst.key} ${e.protocol}/${e.port ?? ''} ${e.verdict} x${e.connections}`);

/** Pods at the addresses of the user guide's examples, as they would be on EKS with the VPC CNI. */
const vpc = inventoryOf([
  { namespace: 'ops', name: 'jump-6d9f7c8b5-x2k4q', ip: '172.31.16.139', workload: { kind: 'Deployment', name: 'jump' } },
  { namespace: 'ops', name: 'sshd-0', ip: '172.31.16.21', workload: { kind: 'StatefulSet', name: 'sshd' } },
  { namespace: 'perf', name: 'iperf-server-0', ip: '10.0.0.62', workload: { kind: 'StatefulSet', name: 'iperf-server' } },
  { namespace: 'apps', name: 'uploader-7c9d8f6b5-p9w2z', ip: '10.0.0.71', workload: { kind: 'Deployment', name: 'uploader' } },
]);

describe('AWS VPC Flow Logs, default version 2 format (no header)', () => {
  const r = importFlowText(readSample(SAMPLE.vpcV2), vpc);

  test('reads the 7 rows: NODATA and SKIPDATA skipped with a reason, 5 flows', () => {
    expect(r.reader.format).toBe('aws-vpc-flow-log');
    expect(r.reader.records).toBe(5);
    expect(r.reader.skippedByReason).toEqual({ 'no-data': { count: 2, lines: [3, 4] } });
  });

  test('pods are found by IP, public addresses are outside, and the row with unknown private addresses says so', () => {
    expect(summary(r)).toEqual([
      'external:2001:db8:1234:a100:8d6e:3477:df66:f105/128 -> external:2001:db8:1234:a102:3304:8879:34cf:4071/128 TCP/22 allowed x1',
      'external:203.0.113.12/32 -> workload:ops/jump ICMP/ allowed x1',
      'workload:ops/jump -> workload:ops/sshd TCP/22 allowed x1',
    ]);
    expect(r.aggregation.unattributedByReason).toEqual({ 'src:ip-not-in-inventory': 1 });
    expect(r.aggregation.unattributedSamples).toEqual([{ end: 'src', reason: 'ip-not-in-inventory', hint: '172.31.9.69', count: 1 }]);
  });

  test('a REJECT row is no edge but a blocked attempt, with its reason', () => {
    expect(r.blockedAttempts).toEqual([
      expect.objectContaining({
        key: 'workload:ops/jump|external:203.0.113.12/32|ICMP|',
        attempts: 1,
        reasons: ['REJECT (security group or network ACL)'],
        formats: ['aws-vpc-flow-log'],
      }),
    ]);
  });

  test('without flags, the lower port is the server: low confidence', () => {
    const ssh = r.edges.find((e) => e.port === 22 && e.src.kind === 'workload')!;
    expect(ssh.directionConfidence).toBe('low');
    expect(ssh.firstSeen).toBe('2014-12-14T04:06:50.000Z');
    expect(ssh.lastSeen).toBe('2014-12-14T04:07:50.000Z');
  });
});

describe('AWS VPC Flow Logs, custom version 3 format with TCP flags', () => {
  test('rows without their header are not guessed: each says the fields are unknown, and nothing parses', () => {
    expect(() => importFlowText(readSample(SAMPLE.vpcV3), vpc)).toThrow(/fields-unknown x8/);
  });

  const r = importFlowText(`${VPC_HEADER.v3}\n${readSample(SAMPLE.vpcV3)}`, vpc);

  test('with the header: SYN-ACK replies fold into the client edge, and only SYNs count', () => {
    expect(r.reader.records).toBe(8);
    expect(summary(r)).toEqual(['external:52.213.180.42/32 -> workload:perf/iperf-server TCP/5001 allowed x3']);
    expect(r.edges[0]?.observations).toBe(8);
    expect(r.edges[0]?.directionConfidence).toBe('high');
  });

  test('orientation per row: flags where there is a SYN, else the port', () => {
    const recs = records(`${VPC_HEADER.v3}\n${readSample(SAMPLE.vpcV3)}`);
    expect(recs.map((x) => [x.directionBasis, x.flipped, x.newConnection])).toEqual([
      ['tcp-flags', false, true], // 2: SYN
      ['tcp-flags', true, false], // 18: SYN-ACK
      ['tcp-flags', false, true],
      ['tcp-flags', true, false],
      ['port-heuristic', true, false], // 1: FIN from the server
      ['port-heuristic', false, false], // 1: FIN from the client
      ['tcp-flags', false, true], // 3: SYN+FIN
      ['tcp-flags', true, false], // 19: SYN-ACK+FIN (the row with a double space)
    ]);
    expect(recs[0]).toMatchObject({ node: 'i-01234567890123456', observationPoint: 'eni-1235b8ca123456789', srcPort: 43416 });
  });
});

describe('AWS VPC Flow Logs, custom version 5 format with flow direction', () => {
  const r = importFlowText(`${VPC_HEADER.v5}\n${readSample(SAMPLE.vpcV5)}`, vpc);

  test('the pod reaching S3: the ingress SYN-ACK row and the egress SYN row are one connection, seen at the client', () => {
    expect(summary(r)).toEqual(['workload:apps/uploader -> external:52.95.128.179/32 TCP/80 allowed x1']);
    expect(r.edges[0]?.reporters).toEqual(['src']);
  });

  test('pkt-srcaddr and pkt-dstaddr are preferred over the interface addresses', () => {
    const header = 'version srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol start end action tcp-flags log-status';
    const row = '5 10.0.0.5 10.0.0.9 172.31.16.139 172.31.16.21 40000 22 6 1616729292 1616729349 ACCEPT 2 OK';
    expect(summary(importFlowText(`${header}\n${row}\n`, vpc))).toEqual(['workload:ops/jump -> workload:ops/sshd TCP/22 allowed x1']);
  });

  test('rows of another length than the header are malformed', () => {
    const res = importFlowText(`${VPC_HEADER.v5}\n${readSample(SAMPLE.vpcV5)}5 10.0.0.71 52.95.128.179\n`, vpc);
    expect(res.reader.skippedByReason['malformed-line']).toEqual({ count: 1, lines: [4] });
  });
});

describe('AWS VPC Flow Logs, custom version 4 format (region and zone fields)', () => {
  const { header, rows } = vpcVersion4();

  test('reads by its header: the pod reaching S3, oriented by its flags alone, one connection', () => {
    const r = importFlowText(`${header}\n${rows.join('\n')}\n`, vpc);
    expect(header).toContain('region az-id sublocation-type sublocation-id');
    expect(r.reader.format).toBe('aws-vpc-flow-log');
    expect(r.reader.records).toBe(2);
    expect(summary(r)).toEqual(['workload:apps/uploader -> external:52.95.128.179/32 TCP/80 allowed x1']);
  });
});
