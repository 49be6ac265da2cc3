import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Unique without regard to case (index uq_users_username on lower(username)). */
  @Column({ type: 'text' }) username!: string;
  /** scrypt, with its parameters and salt: `scrypt$N$r$p$salt$hash`. */
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column({ type: 'text' }) role!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
}

@Entity({ name: 'sessions' })
@Index('uq_sessions_token_hash', ['tokenHash'], { unique: true })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  /** SHA-256 of the session cookie; the cookie itself is never stored. */
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  /** Sent back by the dashboard in X-CSRF-Token on every change. */
  @Column({ name: 'csrf_token', type: 'text' }) csrfToken!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
}
