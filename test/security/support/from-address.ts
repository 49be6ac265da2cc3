import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** The session cookie set by the answer, as `name=value`, or ''. */
  cookie: string;
}

/**
 * A request to the API from a chosen loopback address (127.0.0.0/8 is all this host's), so that a
 * test can be several clients: an attacker at one address, the account's owner at another.
 */
export function fromAddress(
  localAddress: string,
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method, localAddress, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0] ?? '';
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, cookie: setCookie.split(';')[0]! });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST /api/v1/auth/login from an address. */
export const signInFrom = (localAddress: string, baseUrl: string, username: string, password: string) =>
  fromAddress(localAddress, baseUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });
