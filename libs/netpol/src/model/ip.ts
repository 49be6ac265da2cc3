/**
 * IPv4 and IPv6 addresses and CIDRs, parsed the way Go's net.ParseCIDR does (with the "sloppy" leading
 * zeros that Kubernetes still accepts in legacy fields). Addresses are bigints so both families share code;
 * an IPv4 address never falls inside an IPv6 CIDR and vice versa.
 */

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
  /** IPv4 only: the address as an unsigned 32-bit number (fast path); 0 for IPv6. */
  v4: number;
}

export interface Cidr {
  family: 4 | 6;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** Whether the text had host bits set (Go accepts it and masks them). */
  hostBitsSet: boolean;
  /** IPv4 only: network and mask as unsigned 32-bit numbers (fast path). */
  v4Network: number;
  v4Mask: number;
}

function parseIPv4Number(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

function parseIPv4(text: string): bigint | undefined {
  const n = parseIPv4Number(text);
  return n === undefined ? undefined : BigInt(n);
}

function parseIPv6(text: string): bigint | undefined {
  if (text.length === 0 || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  let groups: number[] = [];
  const [before, after, ...more] = text.split('::');
  if (more.length > 0) return undefined;
  const parseHalf = (half: string, allowV4Tail: boolean): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (allowV4Tail && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  if (before !== undefined && after !== undefined) {
    const head = parseHalf(before, false);
    const tail = parseHalf(after, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseHalf(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const value = parseIPv6(text);
    if (value === undefined) return undefined;
    // IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are the IPv4 address, as in Go.
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn, v4: Number(value & 0xffffffffn) };
    return { family: 6, value, v4: 0 };
  }
  const v4 = parseIPv4Number(text);
  return v4 === undefined ? undefined : { family: 4, value: BigInt(v4), v4 };
}

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash === -1 || slash !== text.lastIndexOf('/')) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  // A mapped IPv4 address written in IPv6 form keeps an IPv6 prefix length; keep it simple and refuse it.
  if (address.family === 4 && text.slice(0, slash).includes(':')) return undefined;
  const prefix = Number(prefixText);
  const bits = address.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const network = (address.value >> hostBits) << hostBits;
  const v4Mask = address.family === 4 && prefix > 0 ? (0xffffffff << (32 - prefix)) >>> 0 : 0;
  const v4Network = address.family === 4 ? Number(network) : 0;
  return { family: address.family, network, prefix, hostBitsSet: network !== address.value, v4Network, v4Mask };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  if (ip.family === 4) return (ip.v4 & cidr.v4Mask) >>> 0 === cidr.v4Network;
  const hostBits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return ip.value >> hostBits === cidr.network >> hostBits;
}

/** Whether `inner` is a strict subset of `outer` (same family, inside it, longer prefix). */
export function cidrStrictlyInside(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix > outer.prefix &&
    cidrContains(outer, { family: inner.family, value: inner.network, v4: inner.v4Network })
  );
}

/** A compiled ipBlock: the IP must be in `cidr` and in none of `except`. */
export interface CompiledIpBlock {
  cidr: Cidr;
  except: Cidr[];
}

export function compileIpBlock(block: { cidr: string; except?: string[] }): CompiledIpBlock | undefined {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return undefined;
  const except = (block.except ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return { cidr, except };
}

export function ipBlockContains(block: CompiledIpBlock, ip: IpAddress): boolean {
  return cidrContains(block.cidr, ip) && !block.except.some((e) => cidrContains(e, ip));
}
