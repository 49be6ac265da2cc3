import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'flow_imports' })
export class FlowImportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  @Column({ type: 'text' }) status!: 'queued' | 'running' | 'succeeded' | 'failed';
  @Column({ type: 'text', nullable: true }) format!: string | null;
  @Column({ name: 'file_name', type: 'text', nullable: true }) fileName!: string | null;
  @Column({ type: 'text' }) sha256!: string;
  @Column({ name: 'size_bytes', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) sizeBytes!: number;
  /** Where the uploaded file waits for the worker; cleared once it is imported. */
  @Column({ name: 'storage_path', type: 'text', nullable: true }) storagePath!: string | null;
  @Column({ type: 'jsonb' }) progress!: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  /** Why a finished import attributed nothing: `[{ code, message }]`. */
  @Column({ type: 'jsonb' }) warnings!: Array<{ code: string; message: string }>;
  /** Its unattributed flows kept in unattributed_flows, waiting for the inventory to change. */
  @Column({ name: 'unattributed_waiting', type: 'integer' }) unattributedWaiting!: number;
  /** Its unattributed flows not kept: the cluster held as many as it keeps. */
  @Column({ name: 'unattributed_not_kept', type: 'integer' }) unattributedNotKept!: number;
  /** Its flows attributed after it finished, when the inventory changed. */
  @Column({ name: 'attributed_later', type: 'integer' }) attributedLater!: number;
  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true }) duplicateOf!: string | null;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}

@Entity({ name: 'edges' })
@Index('uq_edges_cluster_key', ['clusterId', 'key'], { unique: true })
export class EdgeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'cluster_id', type: 'uuid' }) clusterId!: string;
  /** `<src>><dst>:<port>/<protocol>`: one row per dependency. */
  @Column({ type: 'text' }) key!: string;
  @Column({ name: 'src_key', type: 'text' }) srcKey!: string;
  @Column({ name: 'dst_key', type: 'text' }) dstKey!: string;
  @Column({ type: 'integer' }) port!: number;
  @Column({ type: 'text' }) protocol!: string;
  @Column({ type: 'text' }) origin!: 'observed' | 'declared' | 'manual';
  @Column({ type: 'text' }) review!: 'unreviewed' | 'confirmed' | 'rejected';
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) connections!: number;
  @Column({ name: 'first_seen', type: 'timestamptz', nullable: true }) firstSeen!: Date | null;
  @Column({ name: 'last_seen', type: 'timestamptz', nullable: true }) lastSeen!: Date | null;
  @Column({ type: 'text', array: true }) verdicts!: string[];
  /** For a DNS-named external destination: the IPs it was reached at. */
  @Column({ type: 'text', array: true }) addresses!: string[];
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy!: string | null;
  @Column({ name: 'reviewed_by', type: 'text', nullable: true }) reviewedBy!: string | null;
  @Column({ name: 'review_comment', type: 'text', nullable: true }) reviewComment!: string | null;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** What one import contributed to one edge: the evidence behind the edge, and what makes re-imports harmless. */
@Entity({ name: 'edge_observations' })
export class EdgeObservationEntity {
  @PrimaryColumn({ name: 'edge_id', type: 'uuid' }) edgeId!: string;
  @PrimaryColumn({ name: 'import_id', type: 'uuid' }) importId!: string;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) connections!: number;
  @Column({ name: 'first_seen', type: 'timestamptz', nullable: true }) firstSeen!: Date | null;
  @Column({ name: 'last_seen', type: 'timestamptz', nullable: true }) lastSeen!: Date | null;
  @Column({ type: 'text', array: true }) verdicts!: string[];
}
