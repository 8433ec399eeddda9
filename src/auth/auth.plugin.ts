import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AppError } from '../errors/app-error.ts';
import { appError } from '../errors/app-error.ts';
import type { AuthService, RequestMeta } from './auth.service.ts';
import { NOBODY, roleAtLeast, type Access, type Actor, type Principal } from './auth.types.ts';
import { prepareDummy } from './secrets.ts';
import type { TokenService } from './token.service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route; see Access. A route without it is refused. */
    access?: Access;
  }
  interface FastifyRequest {
    /** who is calling: resolved before the route runs (nobody on public routes) */
    principal: Principal;
  }
  interface FastifyInstance {
    /** every route with its declared access, for the tests that try them all */
    routeAccess(): RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

export const SESSION_COOKIE = 'vitrina_session';

/**
 * The one-line declaration every route carries:
 * `app.post('/import', allow('editor'), handler)`.
 */
export const allow = (access: Access) => ({ config: { access } });

/**
 * Declares the routes that plugins register themselves (static files), by path prefix, since
 * such plugins take no route options.
 */
export function allowPrefixes(app: FastifyInstance, prefixes: string[], access: Access): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.access && prefixes.some((p) => route.url.startsWith(p))) {
      route.config = { ...route.config, access };
    }
  });
}

export const requestMeta = (request: FastifyRequest): RequestMeta => ({
  address: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

/** The audit log's "who": the person, the token, or an anonymous visitor, with the address. */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  if (p.kind === 'user') return { userId: p.user.id, label: p.user.email, address: request.ip };
  if (p.kind === 'token') return { userId: null, label: `token ${p.token.name}`, address: request.ip };
  return { userId: null, label: 'anonymous', address: request.ip };
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  maxDays: number,
) {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // behind a proxy, request.protocol honours X-Forwarded-Proto only when TRUST_PROXY is set
    secure: request.protocol === 'https',
    maxAge: maxDays * 24 * 60 * 60,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
  });
}

type Problem = 'token' | 'session' | undefined;

async function resolvePrincipal(
  request: FastifyRequest,
  deps: { auth: AuthService; tokens: TokenService },
): Promise<{ principal: Principal; problem: Problem }> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const token = bearer ? await deps.tokens.resolve(bearer, request.ip) : null;
    return token
      ? { principal: { kind: 'token', token }, problem: undefined }
      : { principal: NOBODY, problem: 'token' };
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (secret) {
    const user = await deps.auth.session(secret);
    if (user) return { principal: { kind: 'user', user, sessionSecret: secret }, problem: undefined };
    return { principal: NOBODY, problem: 'session' };
  }
  return { principal: NOBODY, problem: undefined };
}

/** Null when the principal may call a route with this access; else the error to reply with. */
export function accessError(
  access: Access | undefined,
  principal: Principal,
  problem: Problem,
  publicCatalog: boolean,
): AppError | null {
  if (access === undefined) return appError('ACCESS_UNDECLARED');
  if (access === 'public') return null;
  if (principal.kind === 'nobody') {
    if (access === 'catalog' && publicCatalog && problem !== 'token') return null;
    if (problem === 'token') return appError('TOKEN_INVALID');
    return appError(problem === 'session' ? 'SESSION_ENDED' : 'AUTH_REQUIRED');
  }
  if (access === 'account') return principal.kind === 'user' ? null : appError('PERSON_REQUIRED');
  if (access === 'catalog') return null;
  const role = principal.kind === 'user' ? principal.user.role : principal.token.role;
  return roleAtLeast(role, access) ? null : appError('ROLE_REQUIRED', { needed: access, role });
}

/**
 * Resolves who calls (session cookie or `Authorization: Bearer`) and enforces each route's declared
 * access before its body is read. Deny by default: a route that declares nothing is refused.
 * `onDenied` renders refusals that deserve more than the error page (the sign-in form for 401s).
 */
export async function installAuth(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    tokens: TokenService;
    publicCatalog: boolean;
    onDenied?: (
      request: FastifyRequest,
      reply: FastifyReply,
      error: AppError,
    ) => Promise<FastifyReply | undefined>;
  },
): Promise<void> {
  prepareDummy();
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  // HTML forms (sign-in, the admin pages): a megabyte is plenty for any form without files
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  }

  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => void routes.push(route));
  app.decorate('routeAccess', () =>
    routes.flatMap((r) =>
      [r.method].flat().map((method) => ({ method, url: r.url, access: r.config?.access })),
    ),
  );
  app.addHook('onReady', async () => {
    const undeclared = app.routeAccess().filter((r) => !r.access);
    for (const r of undeclared) app.log.error(`route ${r.method} ${r.url} declares no access: it is refused`);
  });

  app.decorateRequest<Principal | null>('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    request.principal = NOBODY;
    const access = request.routeOptions.config.access;
    // Public routes never touch the database here (health checks keep working through outages).
    if (access === 'public') return;
    // Unknown URLs get the plain 404 whoever asks; the page still shows who is signed in.
    if (request.is404) {
      if (request.headers.cookie || request.headers.authorization) {
        request.principal = (await resolvePrincipal(request, deps)).principal;
      }
      return;
    }
    const { principal, problem } = await resolvePrincipal(request, deps);
    request.principal = principal;
    if (problem === 'session') clearSessionCookie(request, reply);
    const error = accessError(access, principal, problem, deps.publicCatalog);
    if (!error) return;
    if (access === undefined)
      request.log.error(`refused ${request.method} ${request.url}: no access declared`);
    const handled = await deps.onDenied?.(request, reply, error);
    if (handled) return handled;
    throw error;
  });
}
