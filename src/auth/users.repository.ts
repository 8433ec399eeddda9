import type { Db, DbTx } from '../db/db.client.ts';
import type { Role, SessionUser } from './auth.types.ts';

export interface UserRow {
  id: number;
  email: string;
  role: Role;
  passwordHash: string | null;
  disabledAt: Date | null;
  lastSigninAt: Date | null;
  createdAt: Date;
}

export type LinkPurpose = 'setup' | 'invite' | 'reset';

const USER_COLUMNS = `id, email, role, password_hash as "passwordHash", disabled_at as "disabledAt",
  last_signin_at as "lastSigninAt", created_at as "createdAt"`;

/** All SQL of users, their sessions, their one-time links and sign-in attempts. */
export function createUsersRepository(db: Db) {
  return {
    db,

    async count(tx: DbTx = db): Promise<number> {
      const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from users');
      return rows[0]!.n;
    },

    async byEmail(email: string, tx: DbTx = db): Promise<UserRow | null> {
      const { rows } = await tx.query<UserRow>(
        `select ${USER_COLUMNS} from users where lower(email) = lower($1)`,
        [email],
      );
      return rows[0] ?? null;
    },

    async byId(id: number, tx: DbTx = db): Promise<UserRow | null> {
      const { rows } = await tx.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [id]);
      return rows[0] ?? null;
    },

    async list(): Promise<(UserRow & { sessions: number; pendingLink: boolean })[]> {
      const { rows } = await db.query<UserRow & { sessions: number; pendingLink: boolean }>(
        `select ${USER_COLUMNS},
           (select count(*)::int from sessions s where s.user_id = users.id and s.expires_at > now()) as sessions,
           exists (select 1 from account_links l where l.user_id = users.id
                   and (l.expires_at is null or l.expires_at > now())) as "pendingLink"
         from users order by lower(email)`,
      );
      return rows;
    },

    async insert(
      tx: DbTx,
      user: { email: string; role: Role; passwordHash: string | null },
    ): Promise<UserRow | null> {
      const { rows } = await tx.query<UserRow>(
        `insert into users (email, role, password_hash) values ($1, $2, $3)
         on conflict ((lower(email))) do nothing returning ${USER_COLUMNS}`,
        [user.email, user.role, user.passwordHash],
      );
      return rows[0] ?? null;
    },

    async update(
      tx: DbTx,
      id: number,
      changes: { role?: Role; passwordHash?: string; disabled?: boolean },
    ): Promise<void> {
      await tx.query(
        `update users set
           role = coalesce($2, role),
           password_hash = coalesce($3, password_hash),
           disabled_at = case when $4::boolean is null then disabled_at
                              when $4 then coalesce(disabled_at, now()) else null end,
           updated_at = now()
         where id = $1`,
        [id, changes.role ?? null, changes.passwordHash ?? null, changes.disabled ?? null],
      );
    },

    /** Active administrators, locked so two concurrent demotions cannot both pass the last-admin check. */
    async activeAdminIds(tx: DbTx): Promise<number[]> {
      const { rows } = await tx.query<{ id: number }>(
        "select id from users where role = 'admin' and disabled_at is null for update",
      );
      return rows.map((r) => r.id);
    },

    /** Serializes first-admin creation across processes. */
    async lockSetup(tx: DbTx): Promise<void> {
      await tx.query("select pg_advisory_xact_lock(hashtext('vitrina-first-admin'))");
    },

    // ── sessions ──────────────────────────────────────────────────────────────────────────────
    async insertSession(
      tx: DbTx,
      s: { id: string; userId: number; maxDays: number; address: string | null; userAgent: string | null },
    ): Promise<void> {
      await tx.query(
        `insert into sessions (id, user_id, expires_at, address, user_agent)
         values ($1, $2, now() + make_interval(days => $3), $4, $5)`,
        [s.id, s.userId, s.maxDays, s.address, s.userAgent?.slice(0, 300) ?? null],
      );
      await tx.query('update users set last_signin_at = now() where id = $1', [s.userId]);
    },

    /**
     * The session's user when the session is within both its absolute and its idle limit and the
     * user is active. Marks it seen at most once a minute, so reading pages is not a write each time.
     */
    async sessionUser(id: string, idleSeconds: number): Promise<SessionUser | null> {
      const { rows } = await db.query<SessionUser & { stale: boolean }>(
        `select u.id, u.email, u.role, s.last_seen_at < now() - interval '1 minute' as stale
         from sessions s join users u on u.id = s.user_id
         where s.id = $1 and s.expires_at > now()
           and s.last_seen_at > now() - make_interval(secs => $2) and u.disabled_at is null`,
        [id, idleSeconds],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.stale) await db.query('update sessions set last_seen_at = now() where id = $1', [id]);
      return { id: row.id, email: row.email, role: row.role };
    },

    async deleteSession(id: string): Promise<void> {
      await db.query('delete from sessions where id = $1', [id]);
    },

    async deleteSessionsOf(tx: DbTx, userId: number): Promise<number> {
      const { rowCount } = await tx.query('delete from sessions where user_id = $1', [userId]);
      return rowCount ?? 0;
    },

    async purgeSessions(idleSeconds: number): Promise<void> {
      await db.query(
        'delete from sessions where expires_at < now() or last_seen_at < now() - make_interval(secs => $1)',
        [idleSeconds],
      );
    },

    // ── one-time links ────────────────────────────────────────────────────────────────────────
    async insertLink(
      tx: DbTx,
      link: { id: string; purpose: LinkPurpose; userId: number | null; validDays: number | null },
    ): Promise<void> {
      if (link.userId !== null) await tx.query('delete from account_links where user_id = $1', [link.userId]);
      await tx.query(
        `insert into account_links (id, purpose, user_id, expires_at)
         values ($1, $2, $3, case when $4::int is null then null else now() + make_interval(days => $4::int) end)`,
        [link.id, link.purpose, link.userId, link.validDays],
      );
    },

    async link(
      id: string,
      tx: DbTx = db,
    ): Promise<{ purpose: LinkPurpose; userId: number | null; email: string | null } | null> {
      const { rows } = await tx.query<{ purpose: LinkPurpose; userId: number | null; email: string | null }>(
        `select l.purpose, l.user_id as "userId", u.email from account_links l
         left join users u on u.id = l.user_id
         where l.id = $1 and (l.expires_at is null or l.expires_at > now())`,
        [id],
      );
      return rows[0] ?? null;
    },

    async deleteLinks(tx: DbTx, where: { id?: string; purpose?: LinkPurpose }): Promise<void> {
      await tx.query('delete from account_links where id = $1 or purpose = $2', [
        where.id ?? null,
        where.purpose ?? null,
      ]);
    },

    // ── sign-in attempts ──────────────────────────────────────────────────────────────────────
    /**
     * Counts this attempt before the password is checked, so parallel attempts (on any process)
     * see each other; returns the attempts in the window per account and per address.
     */
    async recordAttempt(
      account: string,
      address: string,
      windowMinutes: number,
    ): Promise<{ id: number; account: number; address: number; oldest: Date }> {
      const { rows: inserted } = await db.query<{ id: number }>(
        'insert into signin_attempts (account, address) values ($1, $2) returning id',
        [account, address],
      );
      const { rows } = await db.query<{ account: number; address: number; oldest: Date }>(
        `select count(*) filter (where account = $1)::int as account,
                count(*) filter (where address = $2)::int as address,
                min(at) as oldest
         from signin_attempts
         where at > now() - make_interval(mins => $3) and (account = $1 or address = $2)`,
        [account, address, windowMinutes],
      );
      const id = inserted[0]!.id;
      // a flood of failures without a single success still gets its old rows cleared
      if (id % 100 === 0) await db.query("delete from signin_attempts where at < now() - interval '1 day'");
      return { id, ...rows[0]! };
    },

    /** A successful sign-in clears the account's failures (not the address's). */
    async clearAttempts(account: string): Promise<void> {
      await db.query('delete from signin_attempts where account = $1', [account]);
      await db.query("delete from signin_attempts where at < now() - interval '1 day'");
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
