import type { Db, DbTx } from '../db/db.client.ts';
import type { Actor } from './auth.types.ts';

/** What the log records; issue-specific actions (catalog edits, imports) add their own names. */
export type AuditAction =
  | 'signin'
  | 'signin.failed'
  | 'signout'
  | 'setup'
  | 'user.add'
  | 'user.role'
  | 'user.disable'
  | 'user.enable'
  | 'user.link'
  | 'user.password'
  | 'token.create'
  | 'token.revoke'
  | 'import'
  | 'catalog.change';

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: AuditAction;
  subject: string | null;
  details: Record<string, unknown> | null;
  address: string | null;
}

export const AUDIT_PAGE = 50;

/** The audit log's SQL: append-only, read newest first. */
export function createAuditRepository(db: Db) {
  return {
    async record(
      actor: Actor,
      action: AuditAction,
      what: { subject?: string | null; details?: Record<string, unknown> } = {},
      tx: DbTx = db,
    ): Promise<void> {
      await tx.query(
        `insert into audit_log (actor_id, actor, action, subject, details, address)
         values ($1, $2, $3, $4, $5, $6)`,
        [
          actor.userId,
          actor.label.slice(0, 300),
          action,
          what.subject?.slice(0, 500) ?? null,
          what.details ? JSON.stringify(what.details) : null,
          actor.address,
        ],
      );
    },

    /** One page, newest first; `before` is the last id of the previous page. */
    async list(filter: { action?: string; before?: number } = {}): Promise<AuditEntry[]> {
      const { rows } = await db.query<AuditEntry>(
        `select id, at, actor, action, subject, details, address from audit_log
         where ($1::text is null or action = $1) and ($2::bigint is null or id < $2)
         order by id desc limit $3`,
        [filter.action ?? null, filter.before ?? null, AUDIT_PAGE],
      );
      return rows;
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
