import { resolvedWebhookRefusal, webhookAddressRefusal, type WebhookTransport } from '@bulkhead/notifications';
import { lookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** How long one attempt may take, answer included. */
const ATTEMPT_TIMEOUT_MS = 10_000;

const refused = (why: string) => new Error(`the webhook address is refused: ${why}`);

/**
 * Resolves the receiver's name, refuses the connection when an address may not receive webhooks, and
 * hands the socket exactly the addresses it checked: a name that resolves elsewhere the next time (DNS
 * rebinding) cannot slip in between the check and the connection.
 */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', undefined);
      const reason = resolvedWebhookRefusal(
        hostname,
        addresses.map((a) => a.address),
        allowLoopback,
      );
      if (reason) return callback(refused(reason), '', undefined);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      // dns.lookup answers an error or at least one address.
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Posts webhooks over Node's HTTP client: no redirects followed, the receiver's address checked at
 * connect time as the API checked it when the URL was configured, one attempt bounded in time. Errors
 * name the host at most, never the URL's path or query (a Slack URL's path is its credential).
 */
export function httpWebhookTransport(allowLoopback: boolean): WebhookTransport {
  return {
    post: (target, headers, body) =>
      new Promise((resolve, reject) => {
        const url = new URL(target);
        const literal = url.hostname.replace(/^\[|\]$/g, '');
        const literalRefusal = webhookAddressRefusal(literal, allowLoopback);
        if (literalRefusal) return reject(refused(literalRefusal));
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = send(
          url,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            lookup: guardedLookup(allowLoopback),
            timeout: ATTEMPT_TIMEOUT_MS,
          },
          (res) => {
            res.resume(); // the answer's body is not read, only drained
            res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
            res.on('error', (error) => reject(new Error(`the answer of ${url.host} broke off: ${error.message}`)));
          },
        );
        const timer = setTimeout(
          () => req.destroy(new Error(`${url.host} did not answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`)),
          ATTEMPT_TIMEOUT_MS,
        );
        req.on('close', () => clearTimeout(timer));
        req.on('timeout', () => req.destroy(new Error(`${url.host} went silent for ${ATTEMPT_TIMEOUT_MS / 1000} s`)));
        req.on('error', (error) => reject(new Error(`${url.host}: ${error.message}`)));
        req.end(body);
      }),
  };
}
