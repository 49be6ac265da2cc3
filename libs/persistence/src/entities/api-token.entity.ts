import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'api_tokens' })
@Index('uq_api_tokens_hash', ['tokenHash'], { unique: true })
@Index('ix_api_tokens_owner', ['ownerId'])
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) role!: string;
  /** SHA-256 of the token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ type: 'text' }) prefix!: string;
  /** The user the token acts for (fk_api_tokens_owner). */
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
