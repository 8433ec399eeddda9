import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/app.context.ts';
import { AUDIT_PAGE } from '../../auth/audit.repository.ts';
import { allow } from '../../auth/auth.plugin.ts';
import { auditPage } from '../views/audit.view.ts';
import { sendHtml } from './auth.routes.ts';
import { pageContext } from './catalog.routes.ts';

const auditQuery = z.object({
  action: z
    .string()
    .regex(/^[a-z.]{1,40}$/)
    .optional()
    .catch(undefined),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

/** The audit log for administrators: newest first, by action, in pages. */
export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/audit', allow('admin'), async (request, reply) => {
    const query = auditQuery.parse(request.query);
    const action = query.action || undefined;
    const entries = await ctx.audit.list({ action, before: query.before });
    const nextBefore = entries.length === AUDIT_PAGE ? entries.at(-1)!.id : undefined;
    return sendHtml(reply, 200, auditPage(pageContext(request), { entries, action, nextBefore }));
  });
}
