import crypto from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/app/app.context.ts';
import { SESSION_COOKIE } from '../../src/auth/auth.plugin.ts';
import type { Role } from '../../src/auth/auth.types.ts';

export interface TestClient {
  via: 'cookie' | 'token';
  role: Role;
  /** the person's email and password (cookie clients), to sign in again or in a browser */
  email: string | null;
  password: string | null;
  /** the session cookie's value or the API token */
  secret: string;
  /** the header that authenticates this client: `cookie` or `authorization` */
  headers: Record<string, string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** a form post as a browser sends it (urlencoded) */
  postForm(url: string, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
}

const unique = () => crypto.randomBytes(4).toString('hex');

/** Reads the session cookie a sign-in set, if any. */
export function sessionFrom(response: LightMyRequestResponse): string | undefined {
  return response.cookies.find((c) => c.name === SESSION_COOKIE && c.value)?.value;
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * The one way tests get an authenticated client, through the same code as production: the user is
 * added by the service behind `vitrina user add` and the users page, then signs in through
 * POST /signin (cookie); or a token is made by the service behind `vitrina token create`.
 */
export async function signedInClient(
  app: FastifyInstance,
  ctx: AppContext,
  options: { role?: Role; via?: 'cookie' | 'token'; email?: string; password?: string } = {},
): Promise<TestClient> {
  const role = options.role ?? 'viewer';
  const via = options.via ?? 'cookie';
  const actor = { userId: null, label: 'test', address: null };
  let secret: string;
  let email: string | null = null;
  let password: string | null = null;
  if (via === 'token') {
    secret = (await ctx.tokens.create({ name: `test ${role} ${unique()}`, role }, actor)).token;
  } else {
    email = options.email ?? `${role}-${unique()}@test.example`;
    password = options.password ?? `Tested pass ${unique()}!`;
    await ctx.auth.addUser({ email, role, password }, actor);
    const response = await app.inject({
      method: 'POST',
      url: '/signin',
      headers: FORM_HEADERS,
      payload: form({ email, password }),
    });
    const cookie = sessionFrom(response);
    if (response.statusCode !== 303 || !cookie) {
      throw new Error(`sign-in failed for ${email}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    }
    secret = cookie;
  }
  const headers: Record<string, string> =
    via === 'token' ? { authorization: `Bearer ${secret}` } : { cookie: `${SESSION_COOKIE}=${secret}` };
  const inject = (o: InjectOptions) => app.inject({ ...o, headers: { ...headers, ...(o.headers ?? {}) } });
  return {
    via,
    role,
    email,
    password,
    secret,
    headers,
    inject,
    get: (url, extra = {}) => inject({ method: 'GET', url, headers: extra }),
    postForm: (url, fields = {}) =>
      inject({ method: 'POST', url, headers: FORM_HEADERS, payload: form(fields) }),
  };
}

/** A signed-in visitor of a server in another process (`vitrina serve`): headers for fetch. */
export interface HttpCredentials {
  email: string;
  password: string;
  headers: Record<string, string>;
}

async function cookieFrom(response: Response, what: string): Promise<Record<string, string>> {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (response.status !== 303 || !cookie) {
    throw new Error(`${what} failed: ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  return { cookie: cookie.split(';')[0]! };
}

/**
 * The first administrator of a fresh `vitrina serve`, made as a person does on first start:
 * through the one-time setup link the server printed.
 */
export async function adminFromSetupLink(setupUrl: string): Promise<HttpCredentials> {
  const email = `admin-${unique()}@test.example`;
  const password = `Tested pass ${unique()}!`;
  const response = await fetch(setupUrl, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: form({ email, password, confirm: password }),
    redirect: 'manual',
  });
  return { email, password, headers: await cookieFrom(response, 'the setup link') };
}

/** Signs in to a server in another process through its sign-in form. */
export async function signInOverHttp(
  base: string,
  email: string,
  password: string,
): Promise<HttpCredentials> {
  const response = await fetch(`${base}/signin`, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: form({ email, password }),
    redirect: 'manual',
  });
  return { email, password, headers: await cookieFrom(response, `sign-in as ${email}`) };
}
