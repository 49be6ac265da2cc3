import type { ClusterDelivery } from '@bulkhead/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'clusters' })
@Index('uq_clusters_name', ['name'], { unique: true })
export class ClusterEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) cni!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text' }) driver!: 'simulated' | 'kubernetes';
  /** Sealed with SecretBox; never selected unless asked for. */
  @Column({ type: 'bytea', nullable: true, select: false }) credentials!: Buffer | null;
  /** How rollouts deliver changes; a git delivery's credentials are apart, in `deliveryCredentials`. */
  @Column({ type: 'jsonb' }) delivery!: ClusterDelivery;
  /** Sealed with SecretBox; never selected unless asked for. */
  @Column({ name: 'delivery_credentials', type: 'bytea', nullable: true, select: false }) deliveryCredentials!: Buffer | null;
  @Column({ name: 'inventory_imported_at', type: 'timestamptz', nullable: true }) inventoryImportedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
