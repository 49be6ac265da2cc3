import type { z } from 'zod';
import type { ErrorBody } from '../http/common';
import type { FieldProblem } from '../errors';
import type { RouteAnswer, RouteContract } from '../http/route';
import { accessRoutes } from '../http/access';

type Part<R, K extends 'params' | 'query' | 'body'> = R extends Record<K, infer S extends z.ZodType> ? z.input<S> : never;
type Given<T, Shape> = [T] extends [never] ? unknown : Shape;

/** What a call of a route sends: its path parameters and body when it has them, its query when it takes one. */
export type CallInput<R extends RouteContract> = Given<Part<R, 'params'>, { params: Part<R, 'params'> }> &
  Given<Part<R, 'query'>, { query?: Part<R, 'query'> }> &
  Given<Part<R, 'body'>, { body: Part<R, 'body'> }> & { signal?: AbortSignal };

/** The address of a route: `:name` segments filled in (escaped), and the query's given values. */
export function urlOf(route: RouteContract, input: { params?: object; query?: object } = {}): string {
  const params = (input.params ?? {}) as Record<string, unknown>;
  const path = route.path.replace(/:(\w+)/g, (_segment, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`${route.method} ${route.path} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(input.query ?? {})) if (value !== undefined && value !== '') query.set(key, String(value));
  return query.size > 0 ? `${path}?${query}` : path;
}

/** An answer other than a success: its status, code, message and, for a 400, the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The reason given for one field (`from`, `port`...), whatever prefix the API put before it. */
  problemFor(field: string): string | undefined {
    return this.problems.find((p) => p.field === field || p.field === `body.${field}` || p.field.endsWith(`.${field}`))?.reason;
  }
}

/** What a person reads when an answer carries no message of its own. */
export function fallbackMessage(status: number): string {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'Your role does not allow this.';
  if (status === 404) return 'This does not exist (any more).';
  if (status === 413) return 'This is larger than the API accepts.';
  if (status >= 500) return `The API failed (HTTP ${status}). Try again; if it persists, check the API's log.`;
  return `The API refused the request (HTTP ${status}).`;
}

const UNREACHABLE = 'The Bulkhead API cannot be reached. Check that it is running, then try again.';
const SAFE = new Set(['GET', 'HEAD']);

/**
 * The API as its routes (libs/contracts) describe it, over the fetch it is given (the browser's, or
 * Node's): same-origin with the session cookie, the session's CSRF token on every change, answers
 * typed by the route, and every other answer an ApiError. No Node API, and no I/O of its own.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly unauthenticatedListeners = new Set<() => void>();

  constructor(private readonly send: typeof fetch) {}

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** The headers every change carries: the session's CSRF token. */
  changeHeaders(): Record<string, string> {
    return this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {};
  }

  /** Called when the API answers 401 to a signed-in request: the session ended. */
  onUnauthenticated(listener: () => void): () => void {
    this.unauthenticatedListeners.add(listener);
    return () => this.unauthenticatedListeners.delete(listener);
  }

  async call<R extends RouteContract>(route: R, input: CallInput<R>): Promise<RouteAnswer<R>> {
    const parts = input as { params?: object; query?: object; body?: unknown; signal?: AbortSignal };
    const { body, signal } = parts;
    const headers: Record<string, string> = { accept: route.produces ? `${route.produces}, application/json` : 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE.has(route.method)) Object.assign(headers, this.changeHeaders());
    let res: Response;
    try {
      res = await this.send(urlOf(route, parts), {
        method: route.method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', UNREACHABLE);
    }
    return this.read(route, res);
  }

  /** The answer of a route: its body, typed by the route (text for a route that produces text), or an ApiError. */
  async read<R extends RouteContract>(route: R, res: Response): Promise<RouteAnswer<R>> {
    if (res.status === 204) return undefined as RouteAnswer<R>;
    const text = await res.text();
    if (res.ok && route.produces) return text as RouteAnswer<R>;
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return parsed as RouteAnswer<R>;
    const error = (parsed ?? {}) as Partial<ErrorBody>;
    const asksWhoItIs = [accessRoutes.signIn, accessRoutes.whoAmI].includes(route as RouteContract as typeof accessRoutes.signIn);
    if (res.status === 401 && !asksWhoItIs) for (const listener of this.unauthenticatedListeners) listener();
    throw new ApiError(res.status, error.code ?? `http.${res.status}`, error.message ?? fallbackMessage(res.status), error.problems ?? []);
  }
}
