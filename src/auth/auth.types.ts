export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** viewer < editor < admin: each role may do everything the one below it may. */
export const roleAtLeast = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/**
 * Who may call a route, declared on every route (deny by default: a route without one is refused).
 * - public: anyone, always (sign-in, setup links, /api/health, static assets)
 * - catalog: browsing and searching read-only; a viewer, or anyone when PUBLIC_CATALOG=1
 * - account: a signed-in person of any role (own profile, own history); not an API token
 * - viewer / editor / admin: at least that role, by session or by API token
 */
export type Access = 'public' | 'catalog' | 'account' | Role;

export interface SessionUser {
  id: number;
  email: string;
  role: Role;
}

export interface TokenIdentity {
  id: number;
  name: string;
  role: Role;
}

export type Principal =
  | { kind: 'nobody' }
  | { kind: 'user'; user: SessionUser; sessionSecret: string }
  | { kind: 'token'; token: TokenIdentity };

export const NOBODY: Principal = { kind: 'nobody' };

export function roleOf(principal: Principal): Role | null {
  if (principal.kind === 'user') return principal.user.role;
  if (principal.kind === 'token') return principal.token.role;
  return null;
}

/** Who did something, for the audit log. */
export interface Actor {
  userId: number | null;
  /** an email, `token <name>` or `cli (<os user>)` */
  label: string;
  address: string | null;
}
