import type { AuditRepository } from './audit.repository.ts';
import { appError } from '../errors/app-error.ts';
import { isRole, type Actor, type Role, type TokenIdentity } from './auth.types.ts';
import { digest, newSecret } from './secrets.ts';
import type { TokensRepository } from './tokens.repository.ts';

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
export const TOKEN_PREFIX = 'vtr_';

/** API tokens for scripts: made by administrators, shown once, stored hashed, revocable. */
export function createTokenService(deps: { tokens: TokensRepository; audit: AuditRepository }) {
  const { tokens, audit } = deps;
  return {
    /** The token text is returned here and never again. */
    async create(
      input: { name: string; role: string },
      actor: Actor,
    ): Promise<{ id: number; token: string; name: string; role: Role }> {
      const name = input.name.trim();
      if (!name || name.length > 100) throw appError('TOKEN_NAME_INVALID');
      if (!isRole(input.role)) throw appError('ROLE_INVALID', { role: input.role });
      const token = newSecret(TOKEN_PREFIX);
      const row = await tokens.insert({
        name,
        role: input.role,
        hash: digest(token),
        createdBy: actor.label,
      });
      if (!row) throw appError('TOKEN_NAME_TAKEN', { name });
      await audit.record(actor, 'token.create', { subject: name, details: { role: row.role } });
      return { id: row.id, token, name: row.name, role: row.role };
    },

    /** The token behind an `Authorization: Bearer` value, or null when unknown or revoked. */
    async resolve(token: string, address: string | null): Promise<TokenIdentity | null> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
      return tokens.use(digest(token), address);
    },

    list: () => tokens.list(),

    /** By id (the page) or by name (the CLI). */
    async revoke(ref: { id?: number; name?: string }, actor: Actor) {
      const row = await tokens.revoke(ref);
      if (!row) throw appError('TOKEN_NOT_FOUND', { token: ref.name ?? `#${ref.id}` });
      await audit.record(actor, 'token.revoke', { subject: row.name });
      return row;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
