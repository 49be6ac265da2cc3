import { createFlowReader } from '@bulkhead/flows';

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
