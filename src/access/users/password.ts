import { type Algorithm, hash, verify } from '@node-rs/argon2';

/** Argon2id as OWASP recommends it: 19 MiB, 2 passes, 1 lane (about 20–40 ms a hash here). */
const OPTIONS = {
  // Algorithm is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing a body's worth costs nothing. */
export const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Whether `password` matches `stored`. Without a stored hash (an unknown email, a user who never
 * set a password) a dummy hash is checked instead, so the answer takes as long either way and the
 * timing does not tell whether the email exists.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummy ??= hashPassword('not a password anyone has: the timing stand-in');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Why `password` may not be used by the person with `email`; empty when it may. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH)
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    problems.push('must not be the email address');
  return problems;
}
