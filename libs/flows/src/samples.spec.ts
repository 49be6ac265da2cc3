// Facts of the real published samples in test/fixtures/flows/samples (see the README there).
import { createFlowReader, importFlowText, InventoryIndex, type DependencyEdge, type FlowRecord } from '@bulkhead/flows';
import { kindBookinfoInventory, readSample, SAMPLE } from '../../../test/fixtures/flows/samples';

function records(text: string): FlowRecord[] {
  const reader = createFlowReader();
  return [...reader.feed(text), ...reader.end()];
}

function summary(edges: DependencyEdge[]): string[] {
  return edges.map((e) => `${e.src.key} -> ${e.dst.key} ${e.protocol}/${e.port ?? ''}`);
}

const kind = InventoryIndex.from(kindBookinfoInventory());

describe('Hubble 400-tcp sample (kind + bookinfo, 2021)', () => {
  const result = importFlowText(readSample(SAMPLE.hubbleTcp400), kind);

  test('reads all 400 lines: 399 flows and one cilium-health probe skipped', () => {
    expect(result.reader.format).toBe('hubble');
    expect(result.reader.lines).toBe(400);
    expect(result.reader.records).toBe(399);
    expect(result.reader.skippedByReason).toEqual({ 'cilium-health': { count: 1, lines: [22] } });
    expect(result.aggregation.attributed).toBe(399);
    expect(result.aggregation.unattributed).toBe(0);
  });

  test('collapses to 13 edges, none of them reversed; the control-plane node is named, the other is not known', () => {
    expect(summary(result.edges)).toEqual([
      'node:kind-control-plane -> workload:bookinfo/productpage-v1 TCP/9080',
      'node:kind-control-plane -> workload:bookinfo/reviews-v2 TCP/9080',
      'node:kind-control-plane -> workload:jaeger/jaeger-default TCP/14269',
      'reserved:remote-node -> workload:bookinfo/ratings-v1 TCP/9080',
      'workload:bookinfo/productpage-v1 -> workload:bookinfo/details-v1 TCP/9080',
      'workload:bookinfo/productpage-v1 -> workload:bookinfo/reviews-v1 TCP/9080',
      'workload:bookinfo/productpage-v1 -> workload:bookinfo/reviews-v2 TCP/9080',
      'workload:bookinfo/productpage-v1 -> workload:bookinfo/reviews-v3 TCP/9080',
      'workload:bookinfo/ratings-v1 -> workload:bookinfo/productpage-v1 TCP/9080',
      'workload:bookinfo/reviews-v2 -> workload:bookinfo/ratings-v1 TCP/9080',
      'workload:bookinfo/reviews-v3 -> workload:bookinfo/ratings-v1 TCP/9080',
      'workload:kube-system/otelcol-hubble-collector -> node:kind-control-plane TCP/4244',
      'workload:kube-system/otelcol-hubble-collector -> workload:jaeger/jaeger-default TCP/14250',
    ]);
    // the is_reply:true lines (details -> productpage:ephemeral, ...) made no edge of their own
    for (const e of result.edges) expect(e.port).toBeLessThan(32768);
    // reserved:host at the node's address, and at its cilium_host address (10.244.0.148) on the node that saw it
    const toNode = result.edges.find((e) => e.dst.key === 'node:kind-control-plane')!;
    expect(toNode).toMatchObject({ attribution: ['pod-name', 'node-address'], dstAddresses: ['172.19.0.3'] });
    const probe = result.edges.find((e) => e.dst.key === 'workload:jaeger/jaeger-default' && e.port === 14269)!;
    expect(probe.attribution).toContain('observing-node');
  });

  test('remote endpoints known only by labels are attributed through the inventory', () => {
    const edge = result.edges.find((e) => e.src.key === 'workload:bookinfo/reviews-v3' && e.dst.key === 'workload:bookinfo/ratings-v1')!;
    expect(edge.attribution).toEqual(expect.arrayContaining(['labels', 'pod-name']));
  });

  test('a connection seen at several observation points and by a proxy counts once', () => {
    const edge = result.edges.find(
      (e) => e.src.key === 'workload:bookinfo/ratings-v1' && e.dst.key === 'workload:bookinfo/productpage-v1',
    )!;
    // 9 SYNs at TO_PROXY + 9 policy verdicts (same 5-tuples) on the client node, 9 SYNs at TO_ENDPOINT on the server node
    expect(edge.connections).toBe(9);
    expect(edge.observations).toBe(120);
    expect(edge.reporters).toEqual(['src', 'dst']);
    expect(edge.firstSeen).toBe('2021-11-10T10:40:56.482Z');
    expect(edge.verdict).toBe('allowed');
  });

  test('the 50 TO_OVERLAY events without is_reply are oriented by flags or ports', () => {
    const overlay = records(readSample(SAMPLE.hubbleTcp400)).filter((r) => r.observationPoint === 'TO_OVERLAY');
    expect(overlay).toHaveLength(49); // plus one cilium-health probe, skipped
    expect(new Set(overlay.map((r) => r.directionBasis))).toEqual(new Set(['tcp-flags', 'port-heuristic']));
    for (const r of overlay) expect(r.dstPort).toBeLessThan(32768);
  });

  test('a pod that Hubble labelled reserved:world keeps its pod identity', () => {
    const conflicted = records(readSample(SAMPLE.hubbleTcp400)).filter((r) => r.src.identityConflict || r.dst.identityConflict);
    expect(conflicted.length).toBeGreaterThan(0);
    for (const r of conflicted) expect([r.src.kind, r.dst.kind]).toContain('pod');
  });
});

describe('Hubble samples with inferred workloads (GKE clusters without an inventory here)', () => {
  const infer = { inferUnknownWorkloads: true };

  test('10-flows: the reply:true (deprecated field) lines flip; host probes and scrapes go to the server port', () => {
    const r = importFlowText(readSample(SAMPLE.hubble10), InventoryIndex.empty(), infer);
    expect(r.reader.records).toBe(10);
    expect(summary(r.edges)).toEqual([
      'reserved:host -> workload:bookinfo/reviews-v1 TCP/15020',
      'reserved:host -> workload:kube-system/kube-dns TCP/10054',
      'workload:istio-system/istio-telemetry -> workload:istio-system/istio-galley TCP/9901',
      'workload:istio-system/prometheus -> workload:bookinfo/reviews-v1 TCP/15090',
      'workload:kube-system/event-exporter-gke -> external:35.246.31.234/32 TCP/443',
    ]);
    const flippedByReply = records(readSample(SAMPLE.hubble10)).filter((x) => x.directionBasis === 'reply');
    expect(flippedByReply).toHaveLength(5);
    expect(flippedByReply.every((x) => x.flipped)).toBe(true);
  });

  test('330 DNS flows: requests and responses are one edge to kube-dns on port 53', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleDns330), InventoryIndex.empty(), infer);
    expect(r.reader.records).toBe(330);
    expect(summary(r.edges)).toEqual(['workload:kube-system/node-local-dns -> workload:kube-system/kube-dns TCP/53']);
    expect(r.edges[0]?.observations).toBe(330);
    expect(r.edges[0]?.connections).toBe(0); // L7 events are requests, not connection starts
  });

  test('348 HTTP flows: 173 is_reply:true responses add no reversed edge', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleHttp348), InventoryIndex.empty(), infer);
    const recs = records(readSample(SAMPLE.hubbleHttp348));
    expect(recs.filter((x) => x.flipped)).toHaveLength(173);
    expect(r.edges).toHaveLength(12);
    expect(r.edges.filter((e) => e.src.key === 'workload:istio-system/prometheus')).toHaveLength(10);
    expect(r.edges.every((e) => (e.port ?? 0) < 32768)).toBe(true);
    // world-labelled ends with a pod_name are pods; world without one is external by IP
    expect(summary(r.edges)).toContain('workload:bookinfo/ratings-v1 -> workload:bookinfo/productpage-v1 TCP/9080');
    expect(summary(r.edges)).toContain('workload:istio-system/prometheus -> external:10.128.0.3/32 TCP/9990');
  });

  test('5-dns and 5-http', () => {
    expect(summary(importFlowText(readSample(SAMPLE.hubbleDns5), InventoryIndex.empty(), infer).edges)).toEqual([
      'workload:kube-system/node-local-dns -> workload:kube-system/kube-dns TCP/53',
    ]);
    expect(importFlowText(readSample(SAMPLE.hubbleHttp5), InventoryIndex.empty(), infer).edges).toHaveLength(3);
  });
});

describe('Hubble samples against the kind inventory', () => {
  test('400 UDP flows: DNS to coredns, 148 replies folded in', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleUdp400), kind);
    expect(r.reader.records).toBe(400);
    expect(summary(r.edges)).toEqual([
      'reserved:remote-node -> workload:kube-system/coredns UDP/53',
      'workload:bookinfo/productpage-v1 -> workload:kube-system/coredns UDP/53',
      'workload:bookinfo/ratings-v1 -> workload:kube-system/coredns UDP/53',
    ]);
    const remote = r.edges[0];
    expect(remote?.directionConfidence).toBe('low'); // TO_OVERLAY without is_reply: port heuristic
  });

  test('400 L7-redirected policy verdicts: one connection each, 7 edges', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleL7Redirected), kind);
    expect(r.edges).toHaveLength(7);
    expect(r.aggregation.connections).toBe(400);
    expect(r.edges.every((e) => e.verdict === 'allowed')).toBe(true);
  });

  test('400-icmpv4 (18 lines): all cilium-health noise, dropped', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleIcmp), kind);
    expect(r.reader.lines).toBe(18);
    expect(r.reader.records).toBe(0);
    expect(r.reader.skippedByReason['cilium-health']?.count).toBe(18);
    expect(r.edges).toEqual([]);
  });
});

describe('Hubble exporter output with a field mask', () => {
  test('the "source":{} line is skipped with a reason; the POLICY_DENIED line is a blocked attempt, not an edge', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleFieldMask), InventoryIndex.empty(), { inferUnknownWorkloads: true });
    expect(r.reader.skippedByReason).toEqual({ 'empty-endpoint': { count: 1, lines: [1] } });
    expect(r.edges).toEqual([]);
    expect(r.blockedAttempts).toMatchObject([
      { key: 'workload:default/xwing|workload:default/deathstar|TCP|80', attempts: 1, reasons: ['POLICY_DENIED'], formats: ['hubble'] },
    ]);
    expect(r.aggregation).toMatchObject({ refused: 1, blockedAttempts: 1, edges: 0 });
    const [rec] = records(readSample(SAMPLE.hubbleFieldMask));
    expect(rec?.verdictReason).toBe('POLICY_DENIED');
    expect(rec?.node).toBe('kind-kind/kind-worker');
  });
});

describe('Calico samples', () => {
  test('the Elasticsearch document with a trailing comma parses after repair', () => {
    const r = importFlowText(readSample(SAMPLE.calicoNoAggregation), InventoryIndex.empty(), { inferUnknownWorkloads: true });
    expect(r.reader.format).toBe('calico-json');
    expect(r.reader.repairedTrailingCommas).toBe(1);
    expect(summary(r.edges)).toEqual(['workload:policy-demo/access -> workload:policy-demo/nginx TCP/80']);
    const [rec] = records(readSample(SAMPLE.calicoNoAggregation));
    expect(rec?.reporter).toBe('dst');
    expect(rec?.src.labels).toEqual({ app: 'access' }); // pod-template-hash dropped
    expect(rec?.src.pod).toBe('access-6b687c8dcb-zn5s2');
    expect(rec?.time).toBe('2020-08-11T17:14:43.000Z');
    expect(r.edges[0]?.lastSeen).toBe('2020-08-11T17:19:43.000Z');
  });

  test('host-forwarded example 1: "dst, fwd" is a dst report between two workloads', () => {
    const [rec] = records(readSample(SAMPLE.calicoHostForwarded1));
    expect(rec?.reporter).toBe('dst');
    expect(rec?.src.workload?.name).toBe('client-pods');
    expect(rec?.dst.workload?.name).toBe('maintenance-server');
    expect(rec?.dstPort).toBe(22);
  });

  test('host-forwarded example 2: pub network to pub network, reported by fwd', () => {
    const r = importFlowText(readSample(SAMPLE.calicoHostForwarded2), InventoryIndex.empty());
    expect(summary(r.edges)).toEqual(['external:34.0.113.100/32 -> external:66.11.155.1/32 TCP/30080']);
    expect(r.edges[0]?.reporters).toEqual(['fwd']);
  });

  test('the legacy space-delimited line', () => {
    const r = importFlowText(readSample(SAMPLE.calicoLegacy), InventoryIndex.empty(), { inferUnknownWorkloads: true });
    expect(r.reader.format).toBe('calico-legacy');
    expect(summary(r.edges)).toEqual(['workload:dev/rails -> workload:dev/memcached TCP/3000']);
    expect(r.edges[0]?.connections).toBe(3); // numFlowsStarted
    expect(r.edges[0]?.reporters).toEqual(['src']); // "out"
  });
});
