import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Sign-in attempts per email (lower-case, known or not), so every instance counts the same
 * failures: at most 5 in a 15-minute window, then 15 minutes locked. A success clears the row.
 */
@Entity()
@Check('sign_in_throttle_attempts_check', 'attempts >= 0')
export class SignInThrottle {
  @PrimaryColumn({ type: 'varchar', length: 254 })
  email: string;

  /** Attempts in the current window not yet followed by a success, those in flight included. */
  @Column({ type: 'int' })
  attempts: number;

  @Column({ type: 'timestamptz', precision: 3 })
  windowStartedAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lockedUntil: Date | null;
}
