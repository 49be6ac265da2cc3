import { importFlowText, type InventoryIndexInput } from '@bulkhead/flows';
import { items, type KubeObject } from '../../../test/support/demo/observed-edges';
import { demoCluster } from './demo-cluster';
import { DemoLiveTraffic, type LiveFlow } from './live-traffic';

const windowStart = new Date('2026-11-20T00:00:00Z');
const liveFrom = Date.parse('2026-11-27T00:00:00Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const options = { windowStart, connectionsPerSecond: 5, hiddenDependencyEveryMs: 6 * HOUR_MS };
const traffic = new DemoLiveTraffic(options);

const times = (flows: LiveFlow[]) => flows.map((f) => f.atMs);
const lines = (flows: LiveFlow[]) => flows.map((f) => JSON.stringify(f.line));

/** The seeded snapshot as the importer's inventory: each pod under its top owner. */
function demoInventory(): InventoryIndexInput {
  const cluster = demoCluster({ start: windowStart });
  const byUid = new Map(items(cluster).map((o) => [o.metadata.uid, o]));
  const top = (object: KubeObject): KubeObject => {
    const owner = object.metadata.ownerReferences?.[0];
    const next = owner ? byUid.get(owner.uid) : undefined;
    return next ? top(next) : object;
  };
  const pods = items(cluster, 'Pod').map((pod) => ({
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name,
    ips: pod.status?.podIP ? [pod.status.podIP] : [],
    workload: { kind: top(pod).kind, name: top(pod).metadata.name },
    labels: pod.metadata.labels ?? {},
  }));
  const workloads = [...new Map(pods.map((p) => [`${p.namespace}/${p.workload.name}`, p])).values()].map((p) => ({
    namespace: p.namespace,
    name: p.workload.name,
    kind: p.workload.kind,
    labels: p.labels,
  }));
  return { pods, workloads };
}

describe('the demo cluster live traffic', () => {
  it('gives the same flows for the same seed and window, and different ones for another seed', () => {
    const again = new DemoLiveTraffic(options).between(liveFrom, liveFrom + 60_000);
    expect(lines(traffic.between(liveFrom, liveFrom + 60_000))).toEqual(lines(again));
    const reseeded = new DemoLiveTraffic({ ...options, seed: 7 }).between(liveFrom, liveFrom + 60_000);
    expect(lines(reseeded)).not.toEqual(lines(again));
  });

  it('gives a window the flows of its parts, however it is cut: a resumed stream has no gap and no double', () => {
    const whole = traffic.between(liveFrom, liveFrom + 30_000);
    const cuts = [liveFrom, liveFrom + 1, liveFrom + 999, liveFrom + 7_345, liveFrom + 7_346, liveFrom + 20_000, liveFrom + 30_000];
    const parts = cuts.slice(1).flatMap((to, i) => traffic.between(cuts[i]!, to));
    expect(lines(parts)).toEqual(lines(whole));
  });

  it('keeps its flows inside the window, in time order, at about the rate asked for', () => {
    const flows = traffic.between(liveFrom + 500, liveFrom + 60_500);
    expect(Math.min(...times(flows))).toBeGreaterThanOrEqual(liveFrom + 500);
    expect(Math.max(...times(flows))).toBeLessThan(liveFrom + 60_500);
    expect(times(flows)).toEqual([...times(flows)].sort((a, b) => a - b));
    // 5 connections a second, each seen 3 or 4 times.
    expect(flows.length).toBeGreaterThan(60 * 5 * 2.5);
    expect(flows.length).toBeLessThan(60 * 5 * 4.5);
    expect(new Set(flows.map((f) => f.line.flow.uuid)).size).toBe(flows.length);
  });

  it('runs the nightly report at 01:30 UTC every night and the weekly report once a week, at 02:00 on its day', () => {
    const calls = traffic.rareCallsBetween(liveFrom, liveFrom + 14 * DAY_MS);
    const nightly = calls.filter((c) => c.caller === 'nightly-report').map((c) => new Date(c.atMs).toISOString());
    expect(nightly).toHaveLength(14);
    expect(nightly[0]).toBe('2026-11-27T01:30:00.000Z');
    expect(nightly[1]).toBe('2026-11-28T01:30:00.000Z');
    const weekly = calls.filter((c) => c.caller === 'weekly-report');
    expect(weekly.map((c) => c.atMs - weekly[0]!.atMs)).toEqual([0, 7 * DAY_MS]);
    // On the weekday and at the hour of the week's run (day 4 of the seeded window).
    expect(new Date(weekly[0]!.atMs).getUTCDay()).toBe(new Date('2026-11-24T02:00:00Z').getUTCDay());
    expect(new Date(weekly[0]!.atMs).toISOString().slice(11)).toBe('02:00:00.000Z');
    expect(weekly[0]!.dependencies.map((d) => `${d.to}:${d.port}`)).toEqual(['kube-system/coredns:53', 'postgres-prod/postgres:5432']);
  });

  it('calls the hidden dependency once per period, and says when it calls next', () => {
    const calls = traffic.rareCallsBetween(liveFrom, liveFrom + DAY_MS).filter((c) => c.caller === 'hidden-dependency');
    expect(calls).toHaveLength(4);
    expect(calls.map((c) => c.atMs - calls[0]!.atMs)).toEqual([0, 6 * HOUR_MS, 12 * HOUR_MS, 18 * HOUR_MS]);
    expect(calls[0]!.dependencies).toEqual([
      { from: 'notifications-staging/notifications-worker', to: 'payments-staging/payments-api', port: 8080, protocol: 'TCP' },
    ]);
    expect(traffic.nextHiddenCall(liveFrom)).toBe(calls[0]!.atMs);
    expect(traffic.nextHiddenCall(calls[0]!.atMs + 1)).toBe(calls[1]!.atMs);
    // Its flows are in the stream then, and not in the minutes before.
    const at = calls[0]!.atMs;
    const hidden = (flows: LiveFlow[]) =>
      flows.filter((f) => (f.line.flow.destination as { pod_name?: string }).pod_name?.startsWith('payments-api-') && f.line.flow.source);
    const before = traffic.between(at - 120_000, at);
    const during = traffic.between(at, at + 10_000);
    const fromNotifications = (flows: LiveFlow[]) =>
      hidden(flows).filter((f) => JSON.stringify(f.line.flow.source).includes('notifications-worker'));
    expect(fromNotifications(before)).toEqual([]);
    expect(fromNotifications(during).length).toBeGreaterThan(0);
  });

  it('attributes every flow to the seeded inventory: rare runs included, a new pod name for each CronJob run', () => {
    const inventory = demoInventory();
    const weekly = traffic.rareCallsBetween(liveFrom, liveFrom + 7 * DAY_MS).find((c) => c.caller === 'weekly-report')!;
    const nightly = traffic.rareCallsBetween(liveFrom, liveFrom + DAY_MS).find((c) => c.caller === 'nightly-report')!;
    const hidden = traffic.nextHiddenCall(liveFrom);
    const flows = [
      ...traffic.between(liveFrom, liveFrom + 120_000),
      ...traffic.between(nightly.atMs, nightly.atMs + 5 * 60_000),
      ...traffic.between(weekly.atMs, weekly.atMs + 5 * 60_000),
      ...traffic.between(hidden, hidden + 10_000),
    ];
    const result = importFlowText(lines(flows).join('\n'), inventory);
    expect(result.aggregation.unattributed).toBe(0);
    const edges = result.edges.map((e) => e.key);
    expect(edges).toContain('workload:legacy-reporting/report-builder|workload:orders-prod/orders-api|TCP|8080');
    expect(edges).toContain('workload:orders-prod/orders-weekly-report|workload:postgres-prod/postgres|TCP|5432');
    expect(edges).toContain('workload:notifications-staging/notifications-worker|workload:payments-staging/payments-api|TCP|8080');
    // The incident was a one-off in the seeded week: the live stream does not repeat it.
    expect(edges).not.toContain('workload:orders-dev/orders-debug|workload:postgres-prod/postgres|TCP|5432');
    const weeklyPods = flows
      .map((f) => (f.line.flow.source as { pod_name?: string }).pod_name)
      .filter((name) => name?.startsWith('orders-weekly-report-'));
    expect(new Set(weeklyPods)).toEqual(new Set([`orders-weekly-report-${Math.floor(weekly.atMs / 60_000)}-${weeklyPods[0]!.slice(-5)}`]));
  });
});
