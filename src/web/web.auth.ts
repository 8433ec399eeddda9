import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/app.context.ts';
import { installAuth } from '../auth/auth.plugin.ts';
import { registerAuditRoutes } from './routes/audit.routes.ts';
import { registerAuthRoutes, renderDenied } from './routes/auth.routes.ts';
import { registerTokensRoutes } from './routes/tokens.routes.ts';
import { registerUsersRoutes } from './routes/users.routes.ts';

/**
 * Accounts in the web app: the access check on every route (installed before any route exists,
 * so none escapes it), then sign-in, profile and the administrators' pages.
 */
export async function installWebAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await installAuth(app, {
    auth: ctx.auth,
    tokens: ctx.tokens,
    publicCatalog: ctx.config.publicCatalog,
    onDenied: renderDenied(ctx),
  });
  registerAuthRoutes(app, ctx);
  registerUsersRoutes(app, ctx);
  registerTokensRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
}
