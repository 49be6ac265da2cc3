import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Port as the inventory keeps it: a container port of a pod or a workload template. */
export interface PortRow {
  name?: string;
  port: number;
  protocol: string;
}

@Entity({ name: 'namespaces' })
@Index('uq_namespaces_cluster_name', ['clusterId', 'name'], { unique: true })
export class NamespaceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'jsonb' }) labels!: Record<string, string>;
  /** The tier read from the labels at import time (null when the labels say nothing). */
  @Column({ name: 'label_tier', type: 'text', nullable: true }) labelTier!: string | null;
  /** A person's choice; wins over the labels and survives re-imports. */
  @Column({ name: 'tier_override', type: 'text', nullable: true }) tierOverride!: string | null;
}

@Entity({ name: 'workloads' })
@Index('uq_workloads_cluster_ns_kind_name', ['clusterId', 'namespace', 'kind', 'name'], { unique: true })
export class WorkloadEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'jsonb' }) labels!: Record<string, string>;
  @Column({ type: 'jsonb' }) ports!: PortRow[];
  @Column({ name: 'pod_count', type: 'integer' }) podCount!: number;
  /** No pod was listed: the workload is known from its object's template alone. */
  @Column({ name: 'from_template', type: 'boolean' }) fromTemplate!: boolean;
}

@Entity({ name: 'pods' })
@Index('uq_pods_cluster_ns_name', ['clusterId', 'namespace', 'name'], { unique: true })
export class PodEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'jsonb' }) labels!: Record<string, string>;
  @Column({ type: 'text', array: true }) ips!: string[];
  @Column({ type: 'text', nullable: true }) phase!: string | null;
  @Column({ name: 'workload_kind', type: 'text' }) workloadKind!: string;
  @Column({ name: 'workload_name', type: 'text' }) workloadName!: string;
  @Column({ type: 'jsonb' }) ports!: PortRow[];
  /** The stand-in pod of a workload listed without pods (it has the template's labels and ports). */
  @Column({ type: 'boolean' }) synthetic!: boolean;
  /** spec.hostNetwork: its IPs are its node's. */
  @Column({ name: 'host_network', type: 'boolean' }) hostNetwork!: boolean;
  @Column({ name: 'node_name', type: 'text', nullable: true }) nodeName!: string | null;
}

@Entity({ name: 'nodes' })
@Index('uq_nodes_cluster_name', ['clusterId', 'name'], { unique: true })
export class NodeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'jsonb' }) labels!: Record<string, string>;
  /** InternalIP and ExternalIP addresses, and the IPs of the host-network pods on it. */
  @Column({ type: 'jsonb' }) addresses!: Array<{ type: 'InternalIP' | 'ExternalIP'; address: string }>;
  /** No Node object was listed: a host-network pod implied it. */
  @Column({ type: 'boolean' }) implicit!: boolean;
}

@Entity({ name: 'network_policies' })
@Index('uq_network_policies_cluster_ns_name', ['clusterId', 'namespace', 'name'], { unique: true })
export class NetworkPolicyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  /** The whole object as the API server holds it. */
  @Column({ type: 'jsonb' }) manifest!: Record<string, unknown>;
}

@Entity({ name: 'cluster_policies' })
@Index('uq_cluster_policies_cluster_kind_name', ['clusterId', 'kind', 'name'], { unique: true })
export class ClusterPolicyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  /** ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy. */
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) name!: string;
  /** The whole object as the API server holds it. */
  @Column({ type: 'jsonb' }) manifest!: Record<string, unknown>;
}
