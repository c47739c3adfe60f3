import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { createdAtColumn } from '../../database/columns';

/**
 * A single sign-on under way: what the callback needs to finish it (state, nonce, PKCE verifier),
 * kept in PostgreSQL so any instance can finish what another started. The browser holds the key
 * to it in a short-lived cookie; only the key's hash is stored. Used once, then deleted.
 */
@Entity()
@Index('oidc_login_created_at_idx', ['createdAt'])
export class OidcLogin {
  /** SHA-256 of the flow cookie's value, hex. */
  @PrimaryColumn({ type: 'char', length: 64 })
  flowHash: string;

  @Column({ type: 'varchar', length: 100 })
  state: string;

  @Column({ type: 'varchar', length: 100 })
  nonce: string;

  @Column({ type: 'varchar', length: 100 })
  codeVerifier: string;

  @Column(createdAtColumn)
  createdAt: Date;
}
