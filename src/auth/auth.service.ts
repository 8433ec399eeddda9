import type { DbTx } from '../db/db.client.ts';
import type { AuditRepository } from './audit.repository.ts';
import { appError } from '../errors/app-error.ts';
import { isRole, type Actor, type Role, type SessionUser } from './auth.types.ts';
import { checkPasswordPolicy, PASSWORD_MAX } from './password.policy.ts';
import { digest, hashPassword, newSecret, verifyDummy, verifyPassword } from './secrets.ts';
import type { UsersRepository } from './users.repository.ts';

export interface SessionLimits {
  /** a session unused this long ends */
  sessionIdleHours: number;
  /** a session ends this long after sign-in, used or not */
  sessionMaxDays: number;
}

/** Sign-in attempts per account and per address within the window, then refused until it slides. */
export const SIGNIN_WINDOW_MINUTES = 15;
export const SIGNIN_MAX_PER_ACCOUNT = 10;
export const SIGNIN_MAX_PER_ADDRESS = 30;
const INVITE_DAYS = 7;

/** Where a request came from; recorded on sessions and in the audit log. */
export interface RequestMeta {
  address: string | null;
  userAgent?: string | null;
}

export interface StartedSession {
  /** the cookie's value; only its sha256 is stored */
  secret: string;
  user: SessionUser;
}

export interface NewPassword {
  password: string;
  /** the repeated password of a form; checked when given */
  confirm?: string | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !EMAIL.test(e)) throw appError('EMAIL_INVALID');
  return e;
}

export const userActor = (user: SessionUser, meta: RequestMeta): Actor => ({
  userId: user.id,
  label: user.email,
  address: meta.address,
});

/**
 * People: the first administrator, sign-in and sessions, passwords, and the administrators' user
 * management. Every change that affects who may do what ends the person's sessions.
 */
export function createAuthService(deps: {
  users: UsersRepository;
  audit: AuditRepository;
  limits: SessionLimits;
}) {
  const { users, audit, limits } = deps;
  const db = users.db;
  const idleSeconds = Math.round(limits.sessionIdleHours * 3600);

  function checkNewPassword(p: NewPassword, email: string) {
    if (p.confirm !== undefined && p.confirm !== p.password) throw appError('PASSWORD_MISMATCH');
    checkPasswordPolicy(p.password, email);
  }

  async function startSession(tx: DbTx, user: SessionUser, meta: RequestMeta): Promise<StartedSession> {
    const secret = newSecret();
    await users.insertSession(tx, {
      id: digest(secret),
      userId: user.id,
      maxDays: limits.sessionMaxDays,
      address: meta.address,
      userAgent: meta.userAgent ?? null,
    });
    return { secret, user };
  }

  async function requireUser(id: number, tx: DbTx = db) {
    const user = await users.byId(id, tx);
    if (!user) throw appError('USER_NOT_FOUND', { user: `#${id}` });
    return user;
  }

  /** Refuses a change that would leave no active administrator. */
  async function keepAnAdmin(tx: DbTx, losing: number) {
    const admins = await users.activeAdminIds(tx);
    if (admins.length === 1 && admins[0] === losing) throw appError('LAST_ADMIN');
  }

  const service = {
    needsSetup: async () => (await users.count()) === 0,

    /**
     * A one-time link for the first administrator. Every process that starts without users makes
     * one; all of them stop working once anyone has an account.
     */
    async createSetupLink(): Promise<string> {
      const secret = newSecret();
      await db.transaction((tx) =>
        users.insertLink(tx, { id: digest(secret), purpose: 'setup', userId: null, validDays: null }),
      );
      return secret;
    },

    /** Throws unless this is a live first-administrator link. */
    async checkSetupLink(secret: string): Promise<void> {
      if (!(await service.needsSetup())) throw appError('SETUP_DONE');
      if ((await users.link(digest(secret)))?.purpose !== 'setup') throw appError('LINK_INVALID');
    },

    /** Whom a live invitation or reset link is for. */
    async checkPasswordLink(secret: string): Promise<{ purpose: 'invite' | 'reset'; email: string }> {
      const link = await users.link(digest(secret));
      if (!link || link.purpose === 'setup' || !link.email) throw appError('LINK_INVALID');
      return { purpose: link.purpose, email: link.email };
    },

    /** The setup link's form: creates the first administrator and signs them in. */
    async completeSetup(
      secret: string,
      form: { email: string } & NewPassword,
      meta: RequestMeta,
    ): Promise<StartedSession> {
      await service.checkSetupLink(secret);
      const email = normalizeEmail(form.email);
      checkNewPassword(form, email);
      const passwordHash = await hashPassword(form.password);
      return db.transaction(async (tx) => {
        await users.lockSetup(tx);
        if ((await users.count(tx)) > 0) throw appError('SETUP_DONE');
        const link = await users.link(digest(secret), tx);
        if (link?.purpose !== 'setup') throw appError('LINK_INVALID');
        const user = (await users.insert(tx, { email, role: 'admin', passwordHash }))!;
        await users.deleteLinks(tx, { purpose: 'setup' });
        const session = await startSession(tx, user, meta);
        await audit.record(userActor(user, meta), 'setup', { subject: email }, tx);
        return session;
      });
    },

    /** An invitation or reset link's form: sets the password, ends other sessions, signs in. */
    async useLink(secret: string, form: NewPassword, meta: RequestMeta): Promise<StartedSession> {
      const link = await users.link(digest(secret));
      if (!link || link.purpose === 'setup' || link.userId === null) throw appError('LINK_INVALID');
      const user = await requireUser(link.userId);
      if (user.disabledAt) throw appError('LINK_INVALID');
      checkNewPassword(form, user.email);
      const passwordHash = await hashPassword(form.password);
      return db.transaction(async (tx) => {
        // re-read inside the transaction: two tabs submitting the same link use it once
        const again = await users.link(digest(secret), tx);
        if (!again) throw appError('LINK_INVALID');
        await users.deleteLinks(tx, { id: digest(secret) });
        await users.update(tx, user.id, { passwordHash });
        await users.deleteSessionsOf(tx, user.id);
        await audit.record(
          userActor(user, meta),
          'user.password',
          { subject: user.email, details: { via: link.purpose } },
          tx,
        );
        return startSession(tx, user, meta);
      });
    },

    /**
     * Neutral on every failure (unknown email, wrong password, disabled account, no password yet),
     * in words and in timing. Attempts are counted in the database first, so the limits hold
     * across web processes and against parallel attempts.
     */
    async signIn(form: { email: string; password: string }, meta: RequestMeta): Promise<StartedSession> {
      const account = form.email.trim().toLowerCase().slice(0, 254);
      const address = meta.address ?? 'unknown';
      const counts = await users.recordAttempt(account, address, SIGNIN_WINDOW_MINUTES);
      if (counts.account > SIGNIN_MAX_PER_ACCOUNT || counts.address > SIGNIN_MAX_PER_ADDRESS) {
        // one log line when the limit is reached, not one per refused attempt
        if (counts.account === SIGNIN_MAX_PER_ACCOUNT + 1 || counts.address === SIGNIN_MAX_PER_ADDRESS + 1) {
          await audit.record(
            { userId: null, label: account || '—', address: meta.address },
            'signin.failed',
            {
              subject: account,
              details: { throttled: true },
            },
          );
        }
        const seconds = Math.max(
          1,
          Math.ceil((new Date(counts.oldest).getTime() + SIGNIN_WINDOW_MINUTES * 60_000 - Date.now()) / 1000),
        );
        throw appError('SIGNIN_THROTTLED', { seconds });
      }
      const password = form.password.slice(0, PASSWORD_MAX * 4);
      const user = account ? await users.byEmail(account) : null;
      const ok =
        user?.passwordHash && !user.disabledAt
          ? await verifyPassword(user.passwordHash, password)
          : await verifyDummy(password);
      if (!ok || !user) {
        await audit.record({ userId: null, label: account || '—', address: meta.address }, 'signin.failed', {
          subject: account,
        });
        throw appError('SIGNIN_FAILED');
      }
      await users.clearAttempts(account);
      await users.purgeSessions(idleSeconds);
      return db.transaction(async (tx) => {
        const session = await startSession(tx, user, meta);
        await audit.record(userActor(user, meta), 'signin', { subject: user.email }, tx);
        return session;
      });
    },

    /** The user of a session cookie's secret, or null when it has ended. */
    session: (secret: string) => users.sessionUser(digest(secret), idleSeconds),

    async signOut(secret: string, user: SessionUser | null, meta: RequestMeta): Promise<void> {
      await users.deleteSession(digest(secret));
      if (user) await audit.record(userActor(user, meta), 'signout', { subject: user.email });
    },

    async signOutEverywhere(user: SessionUser, meta: RequestMeta): Promise<void> {
      const ended = await db.transaction((tx) => users.deleteSessionsOf(tx, user.id));
      await audit.record(userActor(user, meta), 'signout', {
        subject: user.email,
        details: { sessions: ended },
      });
    },

    /** Own password change: every session ends, this browser gets a fresh one. */
    async changePassword(
      user: SessionUser,
      form: { current: string } & NewPassword,
      meta: RequestMeta,
    ): Promise<StartedSession> {
      const row = await requireUser(user.id);
      if (!row.passwordHash || !(await verifyPassword(row.passwordHash, form.current))) {
        throw appError('PASSWORD_WRONG');
      }
      checkNewPassword(form, row.email);
      const passwordHash = await hashPassword(form.password);
      return db.transaction(async (tx) => {
        await users.update(tx, user.id, { passwordHash });
        await users.deleteSessionsOf(tx, user.id);
        await audit.record(userActor(user, meta), 'user.password', { subject: user.email }, tx);
        return startSession(tx, user, meta);
      });
    },

    async profile(id: number): Promise<{ email: string; role: Role; lastSigninAt: Date | null }> {
      const user = await requireUser(id);
      return { email: user.email, role: user.role, lastSigninAt: user.lastSigninAt };
    },

    // ── administration (web page and CLI) ─────────────────────────────────────────────────────
    listUsers: () => users.list(),

    /**
     * Adds a person. With a password (CLI) the account is ready; without one (the page) the
     * result carries a one-time invitation link for the person to set their own.
     */
    async addUser(
      input: { email: string; role: string; password?: string },
      actor: Actor,
    ): Promise<{ user: SessionUser; link: string | null }> {
      const email = normalizeEmail(input.email);
      if (!isRole(input.role)) throw appError('ROLE_INVALID', { role: input.role });
      const role: Role = input.role;
      if (input.password !== undefined) checkNewPassword({ password: input.password }, email);
      const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
      return db.transaction(async (tx) => {
        await users.lockSetup(tx); // the first user here and through a setup link never both win
        const user = await users.insert(tx, { email, role, passwordHash });
        if (!user) throw appError('USER_EXISTS', { email });
        let link: string | null = null;
        if (!passwordHash) {
          link = newSecret();
          await users.insertLink(tx, {
            id: digest(link),
            purpose: 'invite',
            userId: user.id,
            validDays: INVITE_DAYS,
          });
        }
        await users.deleteLinks(tx, { purpose: 'setup' });
        await audit.record(actor, 'user.add', { subject: email, details: { role } }, tx);
        return { user: { id: user.id, email: user.email, role: user.role }, link };
      });
    },

    async setRole(id: number, role: string, actor: Actor): Promise<void> {
      if (!isRole(role)) throw appError('ROLE_INVALID', { role });
      await db.transaction(async (tx) => {
        const user = await requireUser(id, tx);
        if (user.role === role) return;
        if (user.role === 'admin') await keepAnAdmin(tx, id);
        await users.update(tx, id, { role });
        await users.deleteSessionsOf(tx, id);
        await audit.record(
          actor,
          'user.role',
          { subject: user.email, details: { from: user.role, to: role } },
          tx,
        );
      });
    },

    async setDisabled(id: number, disabled: boolean, actor: Actor): Promise<void> {
      await db.transaction(async (tx) => {
        const user = await requireUser(id, tx);
        if (Boolean(user.disabledAt) === disabled) return;
        if (disabled && user.role === 'admin') await keepAnAdmin(tx, id);
        await users.update(tx, id, { disabled });
        await users.deleteSessionsOf(tx, id);
        await audit.record(actor, disabled ? 'user.disable' : 'user.enable', { subject: user.email }, tx);
      });
    },

    /** A new one-time link for the person to set a password; the old password stays until it is used. */
    async passwordLink(id: number, actor: Actor): Promise<{ email: string; link: string }> {
      const link = newSecret();
      const email = await db.transaction(async (tx) => {
        const user = await requireUser(id, tx);
        const purpose = user.passwordHash ? 'reset' : 'invite';
        await users.insertLink(tx, { id: digest(link), purpose, userId: id, validDays: INVITE_DAYS });
        await audit.record(actor, 'user.link', { subject: user.email, details: { purpose } }, tx);
        return user.email;
      });
      return { email, link };
    },

    /** CLI: sets a password directly (a locked-out administrator's way back in); ends every session. */
    async setPassword(emailInput: string, password: string, actor: Actor): Promise<SessionUser> {
      const email = normalizeEmail(emailInput);
      const user = await users.byEmail(email);
      if (!user) throw appError('USER_NOT_FOUND', { user: email });
      checkNewPassword({ password }, email);
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        await users.update(tx, user.id, { passwordHash });
        await users.deleteSessionsOf(tx, user.id);
        await audit.record(actor, 'user.password', { subject: email }, tx);
      });
      await users.clearAttempts(email);
      return { id: user.id, email: user.email, role: user.role };
    },
  };
  return service;
}

export type AuthService = ReturnType<typeof createAuthService>;
