import { appError } from '../errors/app-error.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN = 10;
// argon2 takes any length, but a megabyte "password" would be a cheap way to burn server CPU.
export const PASSWORD_MAX = 256;

/** Throws the first rule a new password breaks: length, then the common-password list. */
export function checkPasswordPolicy(password: string, email?: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw appError('PASSWORD_TOO_SHORT', { min: PASSWORD_MIN });
  if (length > PASSWORD_MAX) throw appError('PASSWORD_TOO_LONG', { max: PASSWORD_MAX });
  const lower = password.toLowerCase();
  const local = email?.toLowerCase().split('@')[0];
  if (
    COMMON_PASSWORDS.has(lower) ||
    new Set(lower).size <= 2 || // "aaaaaaaaaa", "ababababab"
    (email && (lower === email.toLowerCase() || (local && local.length >= 4 && lower.includes(local))))
  ) {
    throw appError('PASSWORD_TOO_COMMON');
  }
}
