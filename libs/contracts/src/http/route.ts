import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A body the API reads as bytes rather than as a JSON document (a snapshot, a flow upload): the
 * handler reads it, so no schema checks it on the way in; `schema` only describes it.
 */
export interface RawBody {
  contentTypes: readonly string[];
  schema: z.ZodType;
}

/**
 * One route of the API, as both ends see it: where it is, what it reads and what it answers. The API
 * validates requests and documents itself from it; the dashboard's client is typed from it.
 * `path` is Express-style (`/api/v1/clusters/:clusterId`), with one `params` entry per `:name`.
 */
export interface RouteContract {
  method: HttpMethod;
  path: string;
  /** What the route does, in a sentence (the OpenAPI summary). */
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  rawBody?: RawBody;
  /** The success statuses, the usual one first (it is the route's default HTTP code). */
  success: readonly [number, ...number[]];
  /** The success answer's body; null for 204. */
  response: z.ZodType | null;
  /** The success answer's content type when it is not JSON. */
  produces?: 'application/yaml' | 'text/event-stream';
}

/** Keeps a route's literal types (its schemas, its path) for the client while checking its shape. */
export const route = <const R extends RouteContract>(contract: R): R => contract;

type Part<R, K extends 'params' | 'query' | 'body'> = R extends Record<K, infer S extends z.ZodType> ? S : never;

/** What a handler receives once the request is checked: its path parameters, query and body, as parsed. */
export type RouteInput<R extends RouteContract> = {
  params: [Part<R, 'params'>] extends [never] ? Record<string, never> : z.output<Part<R, 'params'>>;
  query: [Part<R, 'query'>] extends [never] ? Record<string, never> : z.output<Part<R, 'query'>>;
  body: [Part<R, 'body'>] extends [never] ? undefined : z.output<Part<R, 'body'>>;
};

/** The answer of a route, as sent. */
export type RouteAnswer<R extends RouteContract> = R['response'] extends z.ZodType ? z.output<R['response']> : void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a path: any UUID spelling, read in lower case, so a malformed one is a 400 naming the parameter, not a 500 from the database. */
export const idParam = z
  .string()
  .regex(UUID, 'must be a UUID')
  .transform((id) => id.toLowerCase());

/** An ISO 8601 instant, as every answer writes times. */
export const instantSchema = z.string();

/** What a route answers when it only queues work. */
export const queuedSchema = z.strictObject({ queued: z.literal(true) });
