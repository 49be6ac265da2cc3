import ipaddr from 'ipaddr.js';
import type { BulkheadRequest } from './request-context';

/**
 * The form of an address that limits count against: IPv4 as is (also when written IPv4-mapped),
 * IPv6 by its /64, since one host is usually given a whole /64 and could otherwise change address
 * at will.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}

/** Where the request came from (as Express sees it, so behind the configured trust proxy), keyed by addressKey. */
export const clientAddress = (req: BulkheadRequest): string => addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
