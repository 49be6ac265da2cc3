import { AccessError } from '@bulkhead/access';
import { InventoryError } from '@bulkhead/inventory';
import { PlanningError } from '@bulkhead/planning';
import { RolloutError } from '@bulkhead/rollout';
import { routes, type ErrorBody } from '@bulkhead/contracts';
import type { Logger } from '@bulkhead/platform';
import type { Response } from 'express';
import { AllExceptionsFilter, inputPartOf } from './exception.filter';
import type { RefusalAudit } from './refusal-audit';
import type { BulkheadRequest } from './request-context';
import { RequestError } from './request-error';

/** A request as Express hands it over once a route matched: its method and the route's path. */
const requestTo = (route: { method: string; path: string }) =>
  ({ method: route.method, route: { path: route.path }, requestId: 'r1' }) as BulkheadRequest;

/** What the filter answers, with the headers it set. */
function answer(error: unknown, req: BulkheadRequest) {
  const logged: unknown[] = [];
  const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
  const sent: { status?: number; body?: ErrorBody; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: ErrorBody) => (sent.body = body),
  } as unknown as Response;
  new AllExceptionsFilter(logger, { record: () => undefined } as unknown as RefusalAudit).answer(error, req, res);
  return { ...sent, logged };
}

describe('the part of the request that carries a route input', () => {
  it.each([
    ['a body', routes.createUser, 'body'],
    ['a body read as bytes', routes.importSnapshot, 'body'],
    ['a query and no body', routes.planDiff, 'query'],
    ['only the path', routes.disableUser, 'params'],
  ])('is the body, the query or the path: a route with %s', (_name, route, part) => {
    expect(inputPartOf(requestTo(route))).toBe(part);
  });

  it('is the body for a request no route of the contract matched', () => {
    expect(inputPartOf({ method: 'GET', route: undefined })).toBe('body');
  });
});

describe('an error answered', () => {
  it('names the fields of a module error under the part of the request, in its problems and its message', () => {
    const weak = new AccessError('user.weak_password', [{ field: 'password', reason: 'must be at least 10 characters' }]);
    expect(answer(weak, requestTo(routes.createUser)).body).toEqual({
      statusCode: 400,
      code: 'user.weak_password',
      message: 'body.password: must be at least 10 characters',
      problems: [{ field: 'body.password', reason: 'must be at least 10 characters' }],
      requestId: 'r1',
    });
  });

  it('names the input as a whole by the part, and an index under it without a dot', () => {
    const empty = new InventoryError('flow_import.empty', [
      { field: '', reason: 'is empty' },
      { field: '[0]', reason: 'is first' },
    ]);
    expect(answer(empty, requestTo(routes.uploadFlows)).body?.problems).toEqual([
      { field: 'body', reason: 'is empty' },
      { field: 'body[0]', reason: 'is first' },
    ]);
  });

  it('names a query field as the query', () => {
    const against = new PlanningError('plan.diff_against', [{ field: 'against', reason: 'must be previous or live' }]);
    expect(answer(against, requestTo(routes.planDiff)).body).toMatchObject({
      statusCode: 400,
      message: 'query.against: must be previous or live',
    });
  });

  it('keeps a message of its own, and the status of its code', () => {
    const taken = new InventoryError('cluster.name_taken', 'a cluster named "prod" already exists', {
      problems: [{ field: 'name', reason: 'is already taken' }],
    });
    expect(answer(taken, requestTo(routes.createCluster)).body).toMatchObject({
      statusCode: 409,
      message: 'a cluster named "prod" already exists',
      problems: [{ field: 'body.name', reason: 'is already taken' }],
    });
    expect(
      answer(new RolloutError('rollout.illegal_state', 'a completed rollout cannot be paused'), requestTo(routes.pauseRollout)).status,
    ).toBe(409);
  });

  it("leaves the edge's own fields as they are: they already name the part", () => {
    const refused = new RequestError('request.invalid_params', [{ field: 'params.clusterId', reason: 'must be a UUID' }]);
    expect(answer(refused, requestTo(routes.createRollout)).body).toMatchObject({
      message: 'params.clusterId: must be a UUID',
      problems: [{ field: 'params.clusterId', reason: 'must be a UUID' }],
    });
  });

  it('sends Retry-After for an error that says when to come back', () => {
    const throttled = new AccessError('auth.throttled', 'too many failed sign-ins; try again in 30 s', { retryAfterSeconds: 30 });
    const sent = answer(throttled, requestTo(routes.signIn));
    expect([sent.status, sent.headers['Retry-After']]).toEqual([429, '30']);
  });

  it('answers a code that has no row with a 500 and an error id in the log, not a made-up status', () => {
    class StrayError extends RequestError {}
    const stray = new StrayError('unheard.of' as never, 'a code nobody declared');
    const sent = answer(stray, requestTo(routes.createUser));
    expect(sent.body).toMatchObject({ statusCode: 500, code: 'internal', errorId: expect.any(String) });
    expect(sent.logged).toHaveLength(1);
  });
});
