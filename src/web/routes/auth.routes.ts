import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/app.context.ts';
import {
  allow,
  clearSessionCookie,
  requestMeta,
  SESSION_COOKIE,
  setSessionCookie,
} from '../../auth/auth.plugin.ts';
import type { StartedSession } from '../../auth/auth.service.ts';
import { isAppError, type AppError } from '../../errors/app-error.ts';
import { passwordLinkPage, profilePage, setupNeededPage, setupPage, signinPage } from '../views/auth.view.ts';
import { localHref } from '../views/layout.view.ts';
import { pageContext } from './catalog.routes.ts';

/** A form's fields as strings ('' when missing): a browser's urlencoded body, or JSON from a script. */
export function formFields<K extends string>(body: unknown, keys: readonly K[]): Record<K, string> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const value = Array.isArray(source[key]) ? (source[key] as unknown[])[0] : source[key];
    out[key] = typeof value === 'string' ? value.slice(0, 4096) : '';
  }
  return out;
}

/** Only paths on this site: `//evil.example` and `/\evil.example` would leave it. */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 2000) return undefined;
  return /^\/(?![/\\])/.test(next) && !next.startsWith('/signin') ? next : undefined;
}

const secretParams = (request: FastifyRequest) => {
  const token = (request.params as { token?: string }).token ?? '';
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : '';
};

export const sendHtml = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').send(body);

/** A person's mistake in a form (4xx) is shown on the form again; anything else goes to the error handler. */
export function formError(error: unknown, statuses: number[] = [400, 401, 409, 429]): AppError {
  if (isAppError(error) && statuses.includes(error.status)) return error;
  throw error;
}

/**
 * Sign-in and sign-out, the one-time links (first administrator, invitations, resets) and the
 * person's own profile.
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { auth } = ctx;
  const maxDays = ctx.config.sessionMaxDays;
  const signedIn = (request: FastifyRequest, reply: FastifyReply, session: StartedSession, to: string) => {
    setSessionCookie(request, reply, session.secret, maxDays);
    return reply.redirect(to, 303);
  };

  app.get('/', allow('public'), async (request, reply) => {
    const page = pageContext(request);
    if (await auth.needsSetup()) return sendHtml(reply, 200, setupNeededPage(page));
    return reply.redirect(localHref(page, '/products'), 302);
  });

  app.get('/signin', allow('public'), async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    return sendHtml(
      reply,
      200,
      signinPage(pageContext(request), { next, setupPending: await auth.needsSetup() }),
    );
  });

  app.post('/signin', allow('public'), async (request, reply) => {
    const form = formFields(request.body, ['email', 'password', 'next']);
    const page = pageContext(request);
    const next = safeNext(form.next);
    try {
      const session = await auth.signIn(form, requestMeta(request));
      return signedIn(request, reply, session, next ?? localHref(page, '/products'));
    } catch (error) {
      const known = formError(error, [401, 429]);
      if (known.code === 'SIGNIN_THROTTLED') {
        const seconds = Number(known.params.seconds);
        reply.header('retry-after', String(seconds));
      }
      return sendHtml(
        reply,
        known.status,
        signinPage(page, { error: known.in(page.lang), email: form.email, next }),
      );
    }
  });

  app.post('/signout', allow('public'), async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await auth.signOut(secret, await auth.session(secret), requestMeta(request));
    clearSessionCookie(request, reply);
    return reply.redirect(localHref(pageContext(request), '/signin'), 303);
  });

  // ── the first administrator ───────────────────────────────────────────────────────────────
  app.get('/setup/:token', allow('public'), async (request, reply) => {
    const token = secretParams(request);
    await auth.checkSetupLink(token);
    return sendHtml(reply, 200, setupPage(pageContext(request), { action: `/setup/${token}` }));
  });

  app.post('/setup/:token', allow('public'), async (request, reply) => {
    const token = secretParams(request);
    const form = formFields(request.body, ['email', 'password', 'confirm']);
    const page = pageContext(request);
    try {
      const session = await auth.completeSetup(token, form, requestMeta(request));
      return signedIn(request, reply, session, localHref(page, '/users'));
    } catch (error) {
      const known = formError(error, [400]);
      return sendHtml(
        reply,
        400,
        setupPage(page, { action: `/setup/${token}`, error: known.in(page.lang), email: form.email }),
      );
    }
  });

  // ── invitations and password resets ───────────────────────────────────────────────────────
  app.get('/password/:token', allow('public'), async (request, reply) => {
    const token = secretParams(request);
    const link = await auth.checkPasswordLink(token);
    return sendHtml(
      reply,
      200,
      passwordLinkPage(pageContext(request), { action: `/password/${token}`, ...link }),
    );
  });

  app.post('/password/:token', allow('public'), async (request, reply) => {
    const token = secretParams(request);
    const link = await auth.checkPasswordLink(token);
    const form = formFields(request.body, ['password', 'confirm']);
    const page = pageContext(request);
    try {
      const session = await auth.useLink(token, form, requestMeta(request));
      return signedIn(request, reply, session, localHref(page, '/products'));
    } catch (error) {
      const known = formError(error, [400]);
      return sendHtml(
        reply,
        400,
        passwordLinkPage(page, { action: `/password/${token}`, ...link, error: known.in(page.lang) }),
      );
    }
  });

  // ── own profile ───────────────────────────────────────────────────────────────────────────
  const me = (request: FastifyRequest) => {
    if (request.principal.kind !== 'user') throw new Error('account routes run for people only');
    return request.principal.user;
  };

  app.get('/profile', allow('account'), async (request, reply) => {
    const profile = await auth.profile(me(request).id);
    const done = (request.query as Record<string, unknown>).changed === '1';
    return sendHtml(reply, 200, profilePage(pageContext(request), { ...profile, done }));
  });

  app.post('/profile/password', allow('account'), async (request, reply) => {
    const form = formFields(request.body, ['current', 'password', 'confirm']);
    const page = pageContext(request);
    try {
      const session = await auth.changePassword(me(request), form, requestMeta(request));
      return signedIn(request, reply, session, localHref(page, '/profile?changed=1'));
    } catch (error) {
      const known = formError(error, [400]);
      const profile = await auth.profile(me(request).id);
      return sendHtml(reply, 400, profilePage(page, { ...profile, error: known.in(page.lang) }));
    }
  });

  app.post('/profile/signout-everywhere', allow('account'), async (request, reply) => {
    await auth.signOutEverywhere(me(request), requestMeta(request));
    clearSessionCookie(request, reply);
    return reply.redirect(localHref(pageContext(request), '/signin'), 303);
  });
}

/** The refusal a person sees in a browser: the sign-in form itself (401), then back to where they were. */
export function renderDenied(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply, error: AppError) => {
    if (error.status !== 401 || request.url.startsWith('/api/')) return undefined;
    const page = pageContext(request);
    const next = request.method === 'GET' ? safeNext(request.url) : undefined;
    const setupPending = await ctx.auth.needsSetup();
    return sendHtml(reply, 401, signinPage(page, { error: error.in(page.lang), next, setupPending }));
  };
}
