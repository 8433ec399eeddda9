import crypto from 'node:crypto';
import type { Db } from '../db/db.client.ts';

export interface SavedMatch {
  productId: number;
  imageId: number;
  score: number;
}

export interface SavedSearch {
  id: string;
  kind: 'image' | 'url' | 'similar' | 'text';
  model: string;
  querySha256: string | null;
  threshold: number;
  matches: SavedMatch[];
  createdAt: Date;
  hasThumb: boolean;
}

const newId = () => crypto.randomBytes(9).toString('base64url');

/** Saved photo searches live in the catalog database so links survive restarts and work on every web process. */
export function createSavedSearchRepository(db: Db, ttlDays: number) {
  return {
    async save(
      s: Omit<SavedSearch, 'id' | 'createdAt' | 'hasThumb'> & { thumb: Buffer | null },
    ): Promise<string> {
      const id = newId();
      await db.query(
        `insert into saved_searches (id, kind, model, query_sha256, threshold, matches, query_thumb, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8))`,
        [id, s.kind, s.model, s.querySha256, s.threshold, JSON.stringify(s.matches), s.thumb, ttlDays],
      );
      return id;
    },

    async get(id: string): Promise<SavedSearch | null> {
      const { rows } = await db.query<SavedSearch>(
        `select id, kind, model, query_sha256 as "querySha256", threshold, matches, created_at as "createdAt",
                query_thumb is not null as "hasThumb"
         from saved_searches where id = $1 and (expires_at is null or expires_at > now())`,
        [id],
      );
      return rows[0] ?? null;
    },

    async thumb(id: string): Promise<Buffer | null> {
      const { rows } = await db.query<{ t: Buffer | null }>(
        'select query_thumb as t from saved_searches where id = $1 and (expires_at is null or expires_at > now())',
        [id],
      );
      return rows[0]?.t ?? null;
    },

    async list(
      ids: string[],
    ): Promise<(Pick<SavedSearch, 'id' | 'kind' | 'createdAt' | 'hasThumb'> & { count: number })[]> {
      const { rows } = await db.query<
        Pick<SavedSearch, 'id' | 'kind' | 'createdAt' | 'hasThumb'> & { count: number }
      >(
        `select id, kind, created_at as "createdAt", query_thumb is not null as "hasThumb", jsonb_array_length(matches) as count
         from saved_searches where id = any($1::text[]) and (expires_at is null or expires_at > now())
         order by created_at desc`,
        [ids],
      );
      return rows;
    },

    async purgeExpired(): Promise<number> {
      const { rowCount } = await db.query('delete from saved_searches where expires_at < now()');
      return rowCount ?? 0;
    },
  };
}

export type SavedSearchRepository = ReturnType<typeof createSavedSearchRepository>;
