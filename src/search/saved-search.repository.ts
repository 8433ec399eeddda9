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

/** A saved search's thumbnail: the query photo's sha256, and the WebP when none is stored under it yet. */
export interface ThumbInput {
  sha256: string;
  bytes: Buffer | null;
}

export interface SaveInput extends Omit<SavedSearch, 'id' | 'createdAt' | 'hasThumb'> {
  thumb: ThumbInput | null;
  /** who saved it; each client keeps at most `perClient` searches (none for the CLI) */
  clientKey?: string | null | undefined;
}

/** Orphaned thumbnails younger than this stay: a search may be saving a reference to one right now. */
const THUMB_GRACE = "interval '1 hour'";

/**
 * Saved photo searches live in the catalog database so links survive restarts and work on every
 * web process. Storage is bounded three ways: every search expires (ttlDays) and purgeExpired
 * deletes it, identical query photos share one thumbnail, and a client keeps at most perClient.
 */
export function createSavedSearchRepository(db: Db, ttlDays: number, perClient = Number.MAX_SAFE_INTEGER) {
  return {
    async save(s: SaveInput): Promise<string> {
      const id = newId();
      await db.transaction(async (tx) => {
        let thumbSha: string | null = null;
        if (s.thumb?.bytes) {
          // do update (not nothing): locks the row, so a concurrent purge cannot remove it under us
          await tx.query(
            `insert into search_thumbs (sha256, thumb) values ($1, $2)
             on conflict (sha256) do update set used_at = now()`,
            [s.thumb.sha256, s.thumb.bytes],
          );
          thumbSha = s.thumb.sha256;
        } else if (s.thumb) {
          const { rowCount } = await tx.query('update search_thumbs set used_at = now() where sha256 = $1', [
            s.thumb.sha256,
          ]);
          thumbSha = rowCount ? s.thumb.sha256 : null;
        }
        await tx.query(
          `insert into saved_searches (id, kind, model, query_sha256, threshold, matches, thumb_sha256, client_key, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9))`,
          [
            id,
            s.kind,
            s.model,
            s.querySha256,
            s.threshold,
            JSON.stringify(s.matches),
            thumbSha,
            s.clientKey ?? null,
            ttlDays,
          ],
        );
        if (s.clientKey) {
          await tx.query(
            `delete from saved_searches where id in (
               select id from saved_searches where client_key = $1
               order by created_at desc, id desc offset $2)`,
            [s.clientKey, perClient],
          );
        }
      });
      return id;
    },

    /** Whether a thumbnail for this photo is stored (then the search need not make one). */
    async hasThumb(sha256: string): Promise<boolean> {
      const { rows } = await db.query('select 1 from search_thumbs where sha256 = $1', [sha256]);
      return rows.length > 0;
    },

    async get(id: string): Promise<SavedSearch | null> {
      const { rows } = await db.query<SavedSearch>(
        `select id, kind, model, query_sha256 as "querySha256", threshold, matches, created_at as "createdAt",
                thumb_sha256 is not null as "hasThumb"
         from saved_searches where id = $1 and (expires_at is null or expires_at > now())`,
        [id],
      );
      return rows[0] ?? null;
    },

    async thumb(id: string): Promise<Buffer | null> {
      const { rows } = await db.query<{ t: Buffer | null }>(
        `select t.thumb as t from saved_searches s join search_thumbs t on t.sha256 = s.thumb_sha256
         where s.id = $1 and (s.expires_at is null or s.expires_at > now())`,
        [id],
      );
      return rows[0]?.t ?? null;
    },

    /** Deletes expired searches, then thumbnails no search uses any more. */
    async purgeExpired(): Promise<{ searches: number; thumbs: number }> {
      const searches = await db.query('delete from saved_searches where expires_at < now()');
      const thumbs = await db.query(
        `delete from search_thumbs t where t.used_at < now() - ${THUMB_GRACE}
           and not exists (select 1 from saved_searches s where s.thumb_sha256 = t.sha256)`,
      );
      return { searches: searches.rowCount ?? 0, thumbs: thumbs.rowCount ?? 0 };
    },

    /** Rows and bytes held, for tests and the purge log. */
    async storage(): Promise<{ searches: number; thumbs: number; thumbBytes: number }> {
      const { rows } = await db.query<{ searches: number; thumbs: number; thumbBytes: number }>(
        `select (select count(*)::int from saved_searches) as searches,
                (select count(*)::int from search_thumbs) as thumbs,
                (select coalesce(sum(octet_length(thumb)), 0)::int from search_thumbs) as "thumbBytes"`,
      );
      return rows[0]!;
    },
  };
}

export type SavedSearchRepository = ReturnType<typeof createSavedSearchRepository>;
