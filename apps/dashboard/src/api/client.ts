import { ApiClient, ApiError, type CallInput, type RouteAnswer, type RouteContract, urlOf } from '@bulkhead/contracts';

export { ApiError };

/** The one way the dashboard talks to the API: the contract's client (libs/contracts), typed by its routes. */
export const api = new ApiClient((input, init) => window.fetch(input, init));

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

/**
 * Sends a file as the raw request body of a route (flow imports), reporting how much is sent. XHR
 * rather than fetch because only XHR reports upload progress; the answer is read as every other is.
 */
export function upload<R extends RouteContract>(
  route: R,
  input: Omit<CallInput<R>, 'signal'>,
  file: Blob,
  onProgress?: (sent: number, total: number) => void,
): Promise<RouteAnswer<R>> {
  return new Promise<RouteAnswer<R>>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(route.method, urlOf(route, input));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    for (const [name, value] of Object.entries(api.changeHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted: the Bulkhead API cannot be reached.'));
    xhr.onload = () => {
      const res = new Response(xhr.status === 204 ? null : xhr.responseText, {
        status: xhr.status,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
      });
      api.read(route, res).then(resolve, reject);
    };
    xhr.send(file);
  });
}
