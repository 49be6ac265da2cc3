import { errorBodySchema, healthRoutes, type RouteContract, routes, urlOf } from '@bulkhead/contracts';
import type { Express } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type Harness, seedDemoCluster, startApi, untieredExclusions, USER_PASSWORD } from './support/harness';

/**
 * Every answer the API gives is what its route in libs/contracts declares: the answer of each GET route
 * and of the main writes on the demo cluster is parsed with the route's schema, whose objects are
 * strict, so a field the contract does not know fails as surely as a missing one.
 */
let api: Harness;
let clusterId: string;
beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 120_000);
afterAll(() => api?.close());

type Role = 'viewer' | 'operator' | 'approver' | 'admin';

/** Calls a route as `role` and checks the answer against the route's success statuses and schema. */
async function answerOf<R extends RouteContract>(
  route: R,
  role: Role | null,
  input: { params?: object; query?: object; body?: unknown } = {},
): Promise<any> {
  const res = await api.call(route.method, urlOf(route, input), { role, ...(input.body === undefined ? {} : { body: input.body }) });
  expect({ route: `${route.method} ${route.path}`, status: res.status, error: res.status >= 400 ? res.body : undefined }).toEqual({
    route: `${route.method} ${route.path}`,
    status: route.success.includes(res.status) ? res.status : route.success[0],
    error: undefined,
  });
  if (route.response) {
    const checked = route.response.safeParse(res.body);
    expect({ route: `${route.method} ${route.path}`, issues: checked.error?.issues.slice(0, 5) ?? [] }).toEqual({
      route: `${route.method} ${route.path}`,
      issues: [],
    });
  }
  return res.body;
}

const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

describe('answers match their declared schemas', () => {
  it('the reads of the demo cluster', async () => {
    await answerOf(routes.whoAmI, 'viewer');
    await answerOf(routes.listUsers, 'admin');
    await answerOf(routes.listTokens, 'admin');
    await answerOf(routes.listClusters, 'viewer');
    await answerOf(routes.getCluster, 'viewer', { params: { clusterId } });
    const [namespace] = await answerOf(routes.listNamespaces, 'viewer', { params: { clusterId } });
    await answerOf(routes.listWorkloads, 'viewer', { params: { clusterId }, query: { namespace: namespace.name } });
    await answerOf(routes.listPolicies, 'viewer', { params: { clusterId } });
    await answerOf(routes.listEdges, 'viewer', { params: { clusterId } });
    const {
      items: [flowImport],
    } = await answerOf(routes.listFlowImports, 'viewer', { params: { clusterId } });
    await answerOf(routes.getFlowImport, 'viewer', { params: { importId: flowImport.id } });
    await answerOf(routes.listDriftChecks, 'viewer', { params: { clusterId } });
    await answerOf(routes.listDriftFindings, 'viewer', { params: { clusterId } });
    await answerOf(routes.listDriftActions, 'viewer', { params: { clusterId } });
    const source = await answerOf(routes.createFlowSource, 'operator', {
      params: { clusterId },
      body: { name: 'relay', kind: 'hubble-relay', address: '10.0.0.9:4245', enabled: false },
    });
    await answerOf(routes.listFlowSources, 'viewer', { params: { clusterId } });
    await answerOf(routes.getFlowSource, 'viewer', { params: { clusterId, sourceId: source.id } });
    await answerOf(routes.updateFlowSource, 'operator', { params: { clusterId, sourceId: source.id }, body: { address: '10.0.0.9:4244' } });
    await answerOf(routes.deleteFlowSource, 'operator', { params: { clusterId, sourceId: source.id } });
    const simulated = await answerOf(routes.createFlowSource, 'operator', {
      params: { clusterId },
      body: { name: 'live', kind: 'simulated', simulation: { connectionsPerSecond: 1 }, enabled: false },
    });
    await answerOf(routes.updateFlowSource, 'operator', {
      params: { clusterId, sourceId: simulated.id },
      body: { simulation: { connectionsPerSecond: 2, hiddenDependencyEverySeconds: 60 } },
    });
    await answerOf(routes.observationCoverage, 'viewer', { params: { clusterId }, query: { limit: 5 } });
    await answerOf(routes.listAudit, 'viewer', { query: { limit: 50 } });
    await answerOf(routes.verifyAudit, 'approver');
  });

  it('edges, tiers, plans and a rollout through its approval', async () => {
    const { items: edges } = await answerOf(routes.listEdges, 'viewer', { params: { clusterId } });
    await answerOf(routes.listBlockedAttempts, 'viewer', { params: { clusterId } });
    await answerOf(routes.confirmEdge, 'operator', { params: { clusterId, edgeId: edges[0].id }, body: { comment: 'seen in production' } });
    await answerOf(routes.rejectEdge, 'operator', { params: { clusterId, edgeId: edges[1].id }, body: {} });
    await answerOf(routes.declareEdge, 'operator', {
      params: { clusterId },
      body: { from: edges[2].from, to: edges[2].to, port: 9999, comment: 'by hand' },
    });
    const [namespace] = await answerOf(routes.listNamespaces, 'viewer', { params: { clusterId } });
    await answerOf(routes.setNamespaceTier, 'approver', {
      params: { clusterId, namespace: namespace.name },
      body: { tier: namespace.tier },
    });

    const plan = await answerOf(routes.createPlan, 'operator', { params: { clusterId } });
    await answerOf(routes.listPlans, 'viewer', { params: { clusterId } });
    await answerOf(routes.getPlan, 'viewer', { params: { planId: plan.id } });
    await answerOf(routes.planReview, 'viewer', { params: { planId: plan.id } });
    await answerOf(routes.planYaml, 'viewer', { params: { planId: plan.id } });
    await answerOf(routes.planDiff, 'viewer', { params: { planId: plan.id }, query: { against: 'live' } });

    await answerOf(routes.previewWindows, 'viewer', {
      body: { config: { windows: { prod: [{ kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 180, timeZone: 'UTC' }] } } },
    });
    const draft = await answerOf(routes.createRollout, 'operator', {
      body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), config: FAST },
    });
    await answerOf(routes.startRollout, 'operator', { params: { rolloutId: draft.id } });
    const waiting = await api.waitFor(
      () => answerOf(routes.getRollout, 'viewer', { params: { rolloutId: draft.id } }),
      (r) => r.status === 'waiting_approval' || r.status === 'halted',
      60_000,
    );
    expect(waiting.status).toBe('waiting_approval');
    const digest = await answerOf(routes.getRolloutDigest, 'viewer', { params: { rolloutId: draft.id } });
    await answerOf(routes.listStepProbes, 'viewer', { params: { rolloutId: draft.id, namespace: digest.steps[0].namespace } });
    await answerOf(routes.listRollouts, 'viewer', { query: { clusterId } });
    const [item] = await answerOf(routes.listApprovals, 'approver');
    await answerOf(routes.approveStage, 'approver', {
      params: { rolloutId: draft.id },
      body: { tier: item.tier, comment: 'dev looks good' },
    });
    await answerOf(routes.pauseRollout, 'operator', {
      params: { rolloutId: draft.id },
      query: { view: 'digest' },
      body: { reason: 'a look first' },
    });
    await answerOf(routes.resumeRollout, 'operator', { params: { rolloutId: draft.id } });
    await answerOf(routes.abortRollout, 'operator', {
      params: { rolloutId: draft.id },
      body: { reason: 'done looking', restore: 'everything' },
    });
    await answerOf(routes.getRollout, 'viewer', { params: { rolloutId: draft.id } });
    await answerOf(routes.checkDrift, 'operator', { params: { clusterId } });
    await answerOf(routes.syncInventory, 'operator', { params: { clusterId } });
  });

  it('clusters, snapshots, simulation, users and tokens', async () => {
    const cluster = await answerOf(routes.createCluster, 'operator', { body: { name: 'contract-check', cni: 'calico' } });
    await answerOf(routes.updateCluster, 'operator', {
      params: { clusterId: cluster.id },
      body: { description: 'checked against its contract' },
    });
    const snapshot = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { tier: 'dev' } } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
          status: { podIP: '10.0.0.5' },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny-all', namespace: 'shop' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      ],
    };
    await answerOf(routes.importSnapshot, 'operator', { params: { clusterId: cluster.id }, body: snapshot });
    await answerOf(routes.simulate, 'viewer', { body: { snapshot, probes: [{ from: '10.0.0.9', to: 'shop/web-1', port: 80 }] } });
    await answerOf(routes.simulateCluster, 'viewer', {
      params: { clusterId: cluster.id },
      body: { probes: [{ from: '10.0.0.9', to: 'shop/web-1', port: 80 }] },
    });
    await answerOf(routes.deleteCluster, 'admin', { params: { clusterId: cluster.id } });

    const user = await answerOf(routes.createUser, 'admin', {
      body: { username: 'contract-checker', password: 'a long enough secret', role: 'viewer' },
    });
    await answerOf(routes.changeRole, 'admin', { params: { userId: user.id }, body: { role: 'operator' } });
    await answerOf(routes.resetPassword, 'admin', { params: { userId: user.id } });
    await answerOf(routes.disableUser, 'admin', { params: { userId: user.id } });
    await answerOf(routes.removeUser, 'admin', { params: { userId: user.id } });
    const passwords = { current: USER_PASSWORD, next: 'another long enough secret' };
    await answerOf(routes.changeOwnPassword, 'viewer', { body: passwords });
    await answerOf(routes.changeOwnPassword, 'viewer', { body: { current: passwords.next, next: passwords.current } });
    const token = await answerOf(routes.createToken, 'admin', { body: { name: 'contract-check', role: 'viewer' } });
    await answerOf(routes.revokeToken, 'admin', { params: { tokenId: token.id } });
  });

  it('a refusal and a missing object answer the error schema', async () => {
    for (const [path, status] of [
      [`/api/v1/clusters/${clusterId}/edges?review=maybe`, 400],
      ['/api/v1/clusters/00000000-0000-4000-8000-000000000000', 404],
    ] as const) {
      const res = await api.call('GET', path, { role: 'viewer' });
      expect(res.status).toBe(status);
      expect(errorBodySchema.safeParse(res.body).error?.issues ?? []).toEqual([]);
    }
  });

  it('the health checks', async () => {
    for (const route of Object.values(healthRoutes)) {
      const res = await api.call(route.method, route.path, { role: null });
      expect(route.response.safeParse(res.body).error?.issues ?? []).toEqual([]);
    }
  });
});

describe('the OpenAPI document', () => {
  const document = () => SwaggerModule.createDocument(api.app, new DocumentBuilder().build());
  /** Every route Express serves under /api/v1, as `METHOD /path/{param}`. */
  const servedRoutes = () =>
    (
      (api.app.getHttpAdapter().getInstance() as Express).router.stack as Array<{
        route?: { path: string; methods: Record<string, boolean> };
      }>
    )
      .flatMap((layer) =>
        layer.route ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`) : [],
      )
      .filter((route) => route.includes(' /api/v1/'));

  it('has every route the API serves, each from the contract', () => {
    const declared = new Set(Object.values(routes).map((route: RouteContract) => `${route.method} ${route.path}`));
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((route) => !declared.has(route))).toEqual([]);
    expect([...declared].filter((route) => !served.includes(route))).toEqual([]);
  });

  it('documents, for every route, the answer of each success status and the error answers', () => {
    const { paths } = document();
    const undocumented = servedRoutes().flatMap((served) => {
      const [method, path] = served.split(' ');
      if (!method || !path) throw new Error(`a served route is "<method> <path>", got ${served}`);
      const operation = paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase() as 'get'];
      const contract = Object.values(routes).find((route: RouteContract) => `${route.method} ${route.path}` === served)!;
      const responses = (operation?.responses ?? {}) as Record<string, { content?: Record<string, { schema?: object }> }>;
      const missing = contract.success
        .filter((status) => status !== 204 && !Object.values(responses[status]?.content ?? {})[0]?.schema)
        .map(String);
      if (!responses['4XX']?.content?.['application/json']?.schema) missing.push('4XX');
      return missing.map((status) => `${served} ${status}`);
    });
    expect(undocumented).toEqual([]);
  });
});
