import { internalRangeOf } from '@bulkhead/inventory';
import ipaddr from 'ipaddr.js';

const LOOPBACK_FLAG = 'BULKHEAD_WEBHOOK_ALLOW_LOOPBACK';

/**
 * Why one address may not receive webhooks, or null. Loopback only with the allow flag; link-local
 * (the cloud metadata service at 169.254.169.254 among them) and unspecified addresses never: the same
 * ranges, in any spelling, as a cluster's API server (`internalRangeOf`).
 */
export function webhookAddressRefusal(address: string, allowLoopback: boolean): string | null {
  const range = internalRangeOf(address);
  if (!range || (range === 'loopback' && allowLoopback)) return null;
  return range === 'loopback'
    ? `${address} is a loopback address (allowed only with ${LOOPBACK_FLAG})`
    : `${address} is a ${range} address`;
}

/** Why a resolved name may not receive webhooks (its first refused address), or null. */
export function resolvedWebhookRefusal(host: string, addresses: readonly string[], allowLoopback: boolean): string | null {
  for (const address of addresses) {
    const reason = webhookAddressRefusal(address, allowLoopback);
    if (reason) return `${host} resolves to ${reason}`;
  }
  return null;
}

/**
 * Judges a webhook URL as written: refused (why), or a host name whose addresses must still be judged
 * once resolved. https only, or http to a loopback address with the allow flag; no credentials in the
 * URL (the secret signs instead).
 */
export function judgeWebhookUrl(text: string, allowLoopback: boolean): { reason: string } | { host?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { reason: 'must be an https:// URL' };
  if (url.username || url.password) return { reason: 'carries credentials; the secret signs each delivery instead' };
  // The WHATWG parser has already turned every IPv4 spelling into dotted decimal, and IPv6 into its bracketed form.
  const literal = url.hostname.startsWith('[')
    ? url.hostname.slice(1, -1)
    : ipaddr.IPv4.isValidFourPartDecimal(url.hostname)
      ? url.hostname
      : null;
  const name = url.hostname.replace(/\.+$/, '');
  const loopback = literal !== null ? internalRangeOf(literal) === 'loopback' : name === 'localhost' || name.endsWith('.localhost');
  if (url.protocol === 'http:' && !(loopback && allowLoopback))
    return { reason: `must be an https:// URL (http:// only to a loopback address, with ${LOOPBACK_FLAG})` };
  if (literal !== null) {
    const reason = webhookAddressRefusal(literal, allowLoopback);
    return reason ? { reason: `points to ${reason}` } : {};
  }
  if (loopback && !allowLoopback) return { reason: `points to ${name}, a loopback name (allowed only with ${LOOPBACK_FLAG})` };
  return loopback ? {} : { host: name };
}
