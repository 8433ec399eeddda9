import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A random secret for a cookie, link or API token: 256 bits, URL-safe. */
export const newSecret = (prefix = '') => `${prefix}${crypto.randomBytes(32).toString('base64url')}`;

/**
 * Secrets are stored only as their sha256: a copy of the database does not sign anyone in. A fast
 * hash is enough here (unlike passwords) because the secret itself has 256 random bits.
 */
export const digest = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

// @node-rs/argon2's defaults are argon2id, m=19 MiB, t=2, p=1 (the OWASP recommendation).
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

let dummy: Promise<string> | undefined;

/** Makes the dummy hash ahead (web processes), so the first unknown email costs no extra time either. */
export function prepareDummy(): void {
  dummy ??= hash(newSecret());
}

/**
 * For unknown or passwordless accounts: spend the same time as a real check, so the reply's
 * timing does not tell which emails have accounts.
 */
export async function verifyDummy(password: string): Promise<false> {
  prepareDummy();
  await verifyPassword(await dummy!, password);
  return false;
}
