import type { Db } from '../db/db.client.ts';

export interface HistoryEntry {
  id: string;
  kind: string;
  count: number;
  createdAt: Date;
  hasThumb: boolean;
}

export const HISTORY_SIZE = 48;

/**
 * Each person's photo searches, in the catalog database: they follow the person to any browser and
 * any web process. The searches themselves stay shared, so a link opens for every signed-in user.
 */
export function createSearchHistoryRepository(db: Db) {
  return {
    async add(userId: number, searchId: string): Promise<void> {
      await db.query(
        `insert into search_history (user_id, search_id) values ($1, $2)
         on conflict (user_id, search_id) do update set searched_at = now()`,
        [userId, searchId],
      );
    },

    async list(userId: number, limit = HISTORY_SIZE): Promise<HistoryEntry[]> {
      const { rows } = await db.query<HistoryEntry>(
        `select s.id, s.kind, s.created_at as "createdAt", s.thumb_sha256 is not null as "hasThumb",
                jsonb_array_length(s.matches) as count
         from search_history h join saved_searches s on s.id = h.search_id
         where h.user_id = $1 and (s.expires_at is null or s.expires_at > now())
         order by h.searched_at desc limit $2`,
        [userId, limit],
      );
      return rows;
    },
  };
}

export type SearchHistoryRepository = ReturnType<typeof createSearchHistoryRepository>;
