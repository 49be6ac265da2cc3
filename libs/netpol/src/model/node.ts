import type { Labels } from './types';

/** The address types of `Node.status.addresses` that traffic can carry (`Hostname` is a name, not an address). */
export type NodeAddressType = 'InternalIP' | 'ExternalIP';

export interface NodeAddress {
  type: NodeAddressType;
  address: string;
}

/**
 * A cluster node: its labels (for `nodes` peers of cluster-scoped policies) and the addresses traffic to or from it
 * carries: its InternalIP and ExternalIP, and, in an inventory, the address of every host-network pod scheduled to it
 * (such a pod's IP is its node's). Node addresses are not cluster-external.
 */
export interface InventoryNode {
  name: string;
  labels: Labels;
  /** Sorted by address in an inventory; an address a host-network pod showed but the Node did not list is an `InternalIP`. */
  addresses: NodeAddress[];
  /** True when no Node object was listed and a host-network pod implied it. */
  implicit?: boolean;
}
