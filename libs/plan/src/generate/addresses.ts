// Addresses as NetworkPolicy ipBlocks take them.
import { parseCidr, parseIp } from '@bulkhead/netpol';
import { compareStrings } from '../selectors';

/** `a.b.c.d` -> `a.b.c.d/32` (and /128 for IPv6); CIDRs pass through; anything else is dropped. */
export function hostCidr(address: string): string | undefined {
  if (address.includes('/')) return parseCidr(address) ? address : undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  return `${address}/${ip.family === 4 ? 32 : 128}`;
}

/** The distinct host CIDRs of the addresses, sorted. */
export function hostCidrsOf(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map(hostCidr).filter((cidr): cidr is string => cidr !== undefined))].sort(compareStrings);
}
