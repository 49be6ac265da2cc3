import { createFlowReader } from '@bulkhead/flows';
import { readSample, SAMPLE } from '../../../test/fixtures/flows/samples';

/** A Hubble flow from web/frontend to api/orders-api:8080, with one field changed. */
function hubbleLine(change: (flow: any) => void = () => undefined): string {
  const flow = {
    time: '2026-11-20T10:00:00.000Z',
    verdict: 'FORWARDED',
    IP: { source: '10.244.1.10', destination: '10.244.2.20', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 41000, destination_port: 8080, flags: { SYN: true } } },
    source: { namespace: 'web', labels: ['k8s:app=frontend'], pod_name: 'frontend-7c9d8f6b5-x2k4q' },
    destination: { namespace: 'api', labels: ['k8s:app=orders-api'], pod_name: 'orders-api-5f6d7c8b9-abcde' },
    Type: 'L3_L4',
    is_reply: false,
    traffic_direction: 'EGRESS',
  };
  change(flow);
  return JSON.stringify({ flow });
}

describe('flow records whose names hold control characters', () => {
  it.each([
    ['NUL in a pod name', (f: any) => (f.source.pod_name = 'frontend\u0000')],
    ['an escape sequence in a namespace', (f: any) => (f.destination.namespace = 'api\u001b[2J')],
    ['a C1 control in a DNS name', (f: any) => (f.destination_names = ['db\u0085.example.com'])],
  ])('are skipped with the reason control-character: %s', (_name, change) => {
    const reader = createFlowReader({ format: 'hubble' });
    const records = [...reader.feed([hubbleLine(), hubbleLine(change), hubbleLine()].join('\n')), ...reader.end()];
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(reader.stats().skippedByReason).toEqual({ 'control-character': { count: 1, lines: [2] } });
  });

  it('are well-formed records: a file of nothing but them is read, every record skipped', () => {
    const reader = createFlowReader({ format: 'hubble' });
    reader.feed(hubbleLine((f) => (f.source.pod_name = '\u0000')));
    expect(reader.end()).toEqual([]);
    expect(reader.stats().skipped).toBe(1);
  });
});

describe('hostile input to the text and YAML sources', () => {
  const envoy = readSample(SAMPLE.envoyText).split('\n');

  it('a line past the limit, NUL and bad UTF-8 cost only their own line in an access log', () => {
    const reader = createFlowReader({ maxUnitChars: 4096 });
    const text = [
      envoy[0],
      `${envoy[0]} ${'x'.repeat(10_000)}`,
      envoy[0]!.replace('10.44.1.23:46520', '10.44.1.23\u0000:46520'),
      envoy[0]!.replace('10.44.1.23:46520', '10.44.1\uFFFD.23:46520'),
      envoy[1],
    ].join('\n');
    const records = [...reader.feed(text), ...reader.end()];
    expect(reader.format).toBe('envoy-access-log');
    expect(records.map((r) => r.line)).toEqual([1, 5]);
    expect(reader.stats().skippedByReason).toEqual({
      'line-too-long': { count: 1, lines: [2] },
      'missing-endpoint': { count: 2, lines: [3, 4] },
    });
  });

  it('a YAML alias bomb is refused before it expands, and the next document is still read', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const advised = readSample(SAMPLE.igAdvise);
    const reader = createFlowReader({ format: 'ig-advise-networkpolicy' });
    const records = [...reader.feed(`kind: NetworkPolicy\n${bomb.join('\n')}\n---\n${advised}`), ...reader.end()];
    expect(reader.stats().skippedByReason['invalid-yaml']).toEqual({ count: 1, lines: [1] });
    expect(records).toHaveLength(5);
  });

  it('a YAML document past the limit is skipped whole', () => {
    const reader = createFlowReader({ format: 'otterize-intents', maxUnitChars: 1000 });
    const padded = `kind: ClientIntents\n${Array.from({ length: 100 }, (_, i) => `k${i}: ${'v'.repeat(20)}`).join('\n')}\n`;
    reader.feed(`${padded}---\n${padded}`);
    expect(() => reader.end()).toThrow(/document-too-large x2/);
  });
});
