import type { ErrorBody } from '@bulkhead/contracts';

/**
 * The one way the dashboard talks to the API: same-origin fetch with the session cookie, the
 * session's CSRF token on every change, and error bodies turned into an ApiError that says what
 * went wrong in words (plus the field problems of a 400, to show next to the fields).
 */
export interface FieldProblem {
  field: string;
  reason: string;
}

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

/** Human words for an error, whatever threw it. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return error.message;
    if (error.problems.length && !error.message) return error.problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

type Listener = () => void;

const SAFE = new Set(['GET', 'HEAD']);

class ApiClient {
  private csrfToken: string | null = null;
  private unauthenticatedListeners = new Set<Listener>();

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** Called when the API answers 401 to a signed-in request: the session ended. */
  onUnauthenticated(listener: Listener): () => void {
    this.unauthenticatedListeners.add(listener);
    return () => this.unauthenticatedListeners.delete(listener);
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  /** A text answer (the plan's YAML); errors still come as JSON. */
  async text(path: string, signal?: AbortSignal): Promise<string> {
    let res: Response;
    try {
      res = await fetch(path, { headers: { accept: 'text/plain, application/yaml, application/json' }, credentials: 'same-origin', signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'The Bulkhead API cannot be reached. Check that it is running, then try again.');
    }
    if (res.ok) return res.text();
    return this.read<string>(res, path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'The Bulkhead API cannot be reached. Check that it is running, then try again.');
    }
    return this.read<T>(res, path);
  }

  /**
   * Sends a file as the raw request body (flow imports), reporting how much is sent. XHR rather
   * than fetch because only XHR reports upload progress.
   */
  upload<T>(path: string, file: Blob, onProgress?: (sent: number, total: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.withCredentials = true;
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      if (this.csrfToken) xhr.setRequestHeader('x-csrf-token', this.csrfToken);
      xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted: the Bulkhead API cannot be reached.'));
      xhr.onload = () => {
        const res = new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } });
        this.read<T>(res, path).then(resolve, reject);
      };
      xhr.send(file);
    });
  }

  private async read<T>(res: Response, path: string): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (res.ok) return parsed as T;
    const body = (parsed ?? {}) as Partial<ErrorBody>;
    if (res.status === 401 && !path.endsWith('/auth/login') && !path.endsWith('/auth/me')) {
      for (const listener of this.unauthenticatedListeners) listener();
    }
    throw new ApiError(res.status, body.code ?? `http.${res.status}`, body.message ?? fallbackMessage(res.status), body.problems ?? []);
  }
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'Your role does not allow this.';
  if (status === 404) return 'This does not exist (any more).';
  if (status === 413) return 'This is larger than the API accepts.';
  if (status >= 500) return `The API failed (HTTP ${status}). Try again; if it persists, check the API's log.`;
  return `The API refused the request (HTTP ${status}).`;
}

export const api = new ApiClient();
