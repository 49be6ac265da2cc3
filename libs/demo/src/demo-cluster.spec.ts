import { demoCluster } from './demo-cluster';

const start = new Date('2026-11-20T00:00:00Z');

describe('demoCluster: determinism and options', () => {
  it('gives byte-identical output for the same options', () => {
    expect(JSON.stringify(demoCluster({ start, seed: 5 }))).toEqual(JSON.stringify(demoCluster({ start, seed: 5 })));
  });

  it('uses a default seed, so two calls without one agree', () => {
    expect(demoCluster({ start }).hubbleFlows).toEqual(demoCluster({ start }).hubbleFlows);
  });

  it('changes names, IPs and times with the seed', () => {
    const a = demoCluster({ start, seed: 1 });
    const b = demoCluster({ start, seed: 2 });
    expect(a.hubbleFlows[0]).not.toEqual(b.hubbleFlows[0]);
    expect(JSON.stringify(a.snapshot)).not.toEqual(JSON.stringify(b.snapshot));
  });

  it('takes the window from the start it is given, not from the clock', () => {
    const later = new Date('2027-03-01T08:30:00Z');
    const cluster = demoCluster({ start: later });
    expect(cluster.window).toEqual({ start: '2027-03-01T08:30:00.000Z', end: '2027-03-08T08:30:00.000Z' });
    const first = JSON.parse(cluster.hubbleFlows[0]!) as { time: string };
    expect(first.time >= cluster.window.start).toBe(true);
  });

  it.each(['2027-03-01T23:59:59.999Z', '2026-01-01T02:00:00.000Z', '2026-06-15T13:37:00.000Z'])(
    'keeps every flow, the incident and the weekly report inside the window starting %s',
    (iso) => {
      const cluster = demoCluster({ start: new Date(iso) });
      const times = cluster.hubbleFlows.map((l) => (JSON.parse(l) as { time: string }).time);
      const startMs = Date.parse(iso);
      const endMs = startMs + 7 * 24 * 3600 * 1000;
      expect(times.every((t) => Date.parse(t) >= startMs && Date.parse(t) < endMs)).toBe(true);
      expect(cluster.hubbleFlows.some((l) => l.includes('"pod_name":"orders-debug-') && l.includes('postgres-prod'))).toBe(true);
      expect(cluster.hubbleFlows.some((l) => l.includes('"pod_name":"orders-weekly-report-'))).toBe(true);
    },
  );

  it('does not change the input Date', () => {
    const d = new Date(start.getTime());
    demoCluster({ start: d });
    expect(d.getTime()).toBe(start.getTime());
  });

  it.each([
    ['an invalid date', { start: new Date('not a date') }],
    ['a non-integer seed', { start, seed: 1.5 }],
  ])('rejects %s', (_label, options) => {
    expect(() => demoCluster(options)).toThrow(/demoCluster/);
  });

  it('describes itself: a flat Cilium cluster named demo-flat', () => {
    const cluster = demoCluster({ start });
    expect(cluster.name).toBe('demo-flat');
    expect(cluster.cni).toBe('cilium');
    expect(cluster.snapshot.apiVersion).toBe('v1');
    expect(cluster.snapshot.kind).toBe('List');
  });
});
