import type { Db } from '../db/db.client.ts';
import type { Role, TokenIdentity } from './auth.types.ts';

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, name, role, created_by as "createdBy", created_at as "createdAt",
  last_used_at as "lastUsedAt", last_used_address as "lastUsedAddress", revoked_at as "revokedAt"`;

/** All SQL of API tokens. Only the sha256 of a token is stored. */
export function createTokensRepository(db: Db) {
  return {
    async insert(t: { name: string; role: Role; hash: string; createdBy: string }): Promise<TokenRow | null> {
      const { rows } = await db.query<TokenRow>(
        `insert into api_tokens (name, role, token_hash, created_by) values ($1, $2, $3, $4)
         on conflict (lower(name)) where revoked_at is null do nothing returning ${COLUMNS}`,
        [t.name, t.role, t.hash, t.createdBy],
      );
      return rows[0] ?? null;
    },

    /** The active token with this hash; records its use at most once a minute. */
    async use(hash: string, address: string | null): Promise<TokenIdentity | null> {
      const { rows } = await db.query<TokenIdentity & { stale: boolean }>(
        `select id, name, role, last_used_at is null or last_used_at < now() - interval '1 minute' as stale
         from api_tokens where token_hash = $1 and revoked_at is null`,
        [hash],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.stale) {
        await db.query('update api_tokens set last_used_at = now(), last_used_address = $2 where id = $1', [
          row.id,
          address,
        ]);
      }
      return { id: row.id, name: row.name, role: row.role };
    },

    async list(): Promise<TokenRow[]> {
      const { rows } = await db.query<TokenRow>(
        `select ${COLUMNS} from api_tokens order by revoked_at is not null, created_at desc`,
      );
      return rows;
    },

    /** Revokes by id or by active name; returns the revoked token. */
    async revoke(ref: { id?: number; name?: string }): Promise<TokenRow | null> {
      const { rows } = await db.query<TokenRow>(
        `update api_tokens set revoked_at = now()
         where revoked_at is null and (id = $1 or lower(name) = lower($2)) returning ${COLUMNS}`,
        [ref.id ?? null, ref.name ?? null],
      );
      return rows[0] ?? null;
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
