import {
  errorBodySchema,
  fieldPath,
  identifierCharacterProblem,
  controlCharacterProblems,
  type RouteContract,
  type RouteInput,
} from '@bulkhead/contracts';
import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  Injectable,
  type PipeTransform,
  RequestMapping,
  RequestMethod,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { BodyReader, methodReadsBody, readDocument } from './body';
import { RequestError } from './request-error';
import type { BulkheadRequest } from './request-context';

const ROUTE = 'bulkhead:route';

/** The contract a handler serves (see Route), or undefined for a handler that has none. */
export const routeOf = (handler: object): RouteContract | undefined => Reflect.getMetadata(ROUTE, handler) as RouteContract | undefined;

/**
 * Serves a route of the contract (libs/contracts): binds the handler to the route's method, path and
 * usual status, puts the BodyReader in front of it when its method carries a body, and describes it in
 * the OpenAPI document from the same schemas, its answers and its error answers included. `@Input()`
 * gives the handler the request, checked against the route.
 */
export function Route(contract: RouteContract): MethodDecorator {
  return applyDecorators(
    SetMetadata(ROUTE, contract),
    RequestMapping({ method: RequestMethod[contract.method], path: contract.path }),
    HttpCode(contract.success[0]),
    ...(methodReadsBody(contract.method) ? [UseInterceptors(BodyReader)] : []),
    ...documentation(contract),
  );
}

interface UncheckedInput {
  req: BulkheadRequest;
  contract: RouteContract;
}

const requestOfRoute = createParamDecorator((_data: unknown, context: ExecutionContext): UncheckedInput => {
  const contract = routeOf(context.getHandler());
  if (!contract) throw new Error(`${context.getClass().name}.${context.getHandler().name} takes @Input() without a @Route()`);
  return { req: context.switchToHttp().getRequest<BulkheadRequest>(), contract };
});

/**
 * Checks a request against its route, in the order a reader would: path parameters (a name or an id:
 * no invisible or control character, then the route's schema), the query (no control character, then
 * the schema), then the body (a bounded JSON or YAML document, then the schema). The first part that
 * fails is a 400 naming its fields (`params.clusterId`, `query.namespace`, `body.port`), before any
 * use case or database sees the request. The checked body is kept as req.body, for the audit entry.
 */
@Injectable()
export class ContractPipe implements PipeTransform<UncheckedInput, RouteInput<RouteContract>> {
  transform({ req, contract }: UncheckedInput): RouteInput<RouteContract> {
    const nameProblems = Object.entries(req.params ?? {}).flatMap(([name, value]) => {
      const reason = typeof value === 'string' ? identifierCharacterProblem(value) : null;
      return reason ? [{ field: `params.${name}`, reason }] : [];
    });
    if (nameProblems.length > 0) throw new RequestError('request.invalid_params', nameProblems);
    const params = contract.params ? check(contract.params, req.params, 'params') : {};
    let query = {};
    if (contract.query) {
      const textProblems = controlCharacterProblems(req.query, 'query');
      if (textProblems.length > 0) throw new RequestError('request.invalid_query', textProblems);
      query = check(contract.query, req.query, 'query');
    }
    if (contract.body) req.body = check(contract.body, readDocument(req), 'body');
    return { params, query, body: req.body } as RouteInput<RouteContract>;
  }
}

/** The request of a `@Route()` handler, checked against its route: `{ params, query, body }` as the route's schemas parse them. */
export const Input = () => requestOfRoute(undefined, ContractPipe);

/** Checks a value against a schema; problems name the field (`body.port`, `query.namespace`, `body.edges[2].port`, an unknown `body.config.freezes[0].extra`). */
function check<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RequestError(
    `request.invalid_${where}`,
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: fieldPath(where, [...issue.path, key]), reason: 'is not a known field' }))
        : [{ field: fieldPath(where, issue.path), reason: issue.message }],
    ),
  );
}

// ---------------------------------------------------------------- OpenAPI, from the same schemas

/** A zod schema as OpenAPI 3.0 reads it: what a client sends (`input`, defaults optional) or what the server answers (`output`). */
export const openApiSchemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

/** Errors are JSON whatever the route produces on success. */
const errorAnswer = { 'application/json': { schema: openApiSchemaOf(errorBodySchema, 'output') } };

function documentation(contract: RouteContract): MethodDecorator[] {
  const decorators: MethodDecorator[] = [ApiOperation({ summary: contract.summary })];
  for (const [name, schema] of Object.entries(contract.params?.shape ?? {}))
    decorators.push(ApiParam({ name, required: true, schema: openApiSchemaOf(schema as z.ZodType, 'input') }));
  for (const [name, schema] of Object.entries(contract.query?.shape ?? {})) {
    const field = schema as z.ZodType;
    decorators.push(ApiQuery({ name, required: !field.safeParse(undefined).success, schema: openApiSchemaOf(field, 'input') }));
  }
  if (contract.body) decorators.push(ApiBody({ schema: openApiSchemaOf(contract.body, 'input') }));
  if (contract.rawBody)
    decorators.push(ApiConsumes(...contract.rawBody.contentTypes), ApiBody({ schema: openApiSchemaOf(contract.rawBody.schema, 'input') }));
  if (contract.produces) decorators.push(ApiProduces(contract.produces));
  for (const status of contract.success) {
    decorators.push(
      contract.response
        ? ApiResponse({ status, schema: openApiSchemaOf(contract.response, 'output') })
        : ApiResponse({ status, description: 'No content' }),
    );
  }
  const checksInput = contract.params || contract.query || contract.body;
  if (checksInput)
    decorators.push(
      ApiResponse({ status: 400, description: 'A field of the request is not valid: `problems` names each', content: errorAnswer }),
    );
  decorators.push(
    ApiResponse({
      status: '4XX',
      description:
        'Refused: not signed in (401), not allowed (403), not found (404), in conflict (409), too large (413), too many attempts (429)',
      content: errorAnswer,
    }),
  );
  decorators.push(
    ApiResponse({
      status: '5XX',
      description: 'Failed or busy: an error id to quote (500), or try again after Retry-After (503)',
      content: errorAnswer,
    }),
  );
  return decorators;
}
