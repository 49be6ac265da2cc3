// The public entry points: an ingress controller reached from outside is opened, on the ports it was
// reached on, to the whole internet less the private ranges (where pods live). Clients seen from private
// ranges (a load balancer that SNATs to node addresses) stay allowed by their own CIDR.
import { type IPBlock, type NetworkPolicyPort, cidrContains, parseCidr } from '@bulkhead/netpol';
import { compareStrings } from '../selectors';
import type { EdgeEvidence } from '../types';
import type { PolicyBook } from './policy-book';

/** Private, shared and link-local ranges: a public entry point never opens to them. */
const PRIVATE_V4 = ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
const PRIVATE_V6 = ['fc00::/7', 'fe80::/10'];
const PRIVATE_RANGES = [...PRIVATE_V4, ...PRIVATE_V6].map((cidr) => parseCidr(cidr)!);

interface PublicEntry {
  /** The client CIDRs seen. */
  cidrs: Set<string>;
  ports: NetworkPolicyPort[];
  edges: EdgeEvidence[];
}

/** What the edges to each ingress controller from outside showed, by `ns/name` of the controller. */
export class PublicEntries {
  readonly byController = new Map<string, PublicEntry>();

  add(controller: string, cidrs: readonly string[], port: NetworkPolicyPort, evidence: EdgeEvidence): void {
    let entry = this.byController.get(controller);
    if (!entry) this.byController.set(controller, (entry = { cidrs: new Set(), ports: [], edges: [] }));
    for (const cidr of cidrs) entry.cidrs.add(cidr);
    entry.ports.push(port);
    entry.edges.push(evidence);
  }
}

export function openPublicEntries(book: PolicyBook, entries: PublicEntries): void {
  for (const [controller, entry] of [...entries.byController].sort(([a], [b]) => compareStrings(a, b))) {
    const draft = book.workloadPolicy(controller, 'public-entry', 'public-entry');
    const families = new Set([...entry.cidrs].map((cidr) => parseCidr(cidr)?.family ?? 4));
    if (families.size === 0) families.add(4);
    for (const family of [...families].sort()) {
      const internet: IPBlock = family === 4 ? { cidr: '0.0.0.0/0', except: PRIVATE_V4 } : { cidr: '::/0', except: PRIVATE_V6 };
      for (const evidence of entry.edges) book.addRule(draft, 'ingress', { ipBlock: internet }, entry.ports, evidence);
    }
    for (const cidr of [...entry.cidrs].sort(compareStrings)) {
      if (!isPrivate(cidr)) continue;
      for (const evidence of entry.edges.filter((edge) => edge.key.startsWith(`external:${cidr}|`)))
        book.addRule(draft, 'ingress', { ipBlock: { cidr } }, entry.ports, evidence);
    }
  }
}

/** The CIDR lies inside one of the private ranges. */
function isPrivate(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return (
    !!parsed &&
    PRIVATE_RANGES.some(
      (range) =>
        range.family === parsed.family &&
        range.prefix <= parsed.prefix &&
        cidrContains(range, { family: parsed.family, value: parsed.network, v4: parsed.v4Network }),
    )
  );
}
