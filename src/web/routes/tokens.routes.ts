import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/app.context.ts';
import { actorOf, allow } from '../../auth/auth.plugin.ts';
import { localHref } from '../views/layout.view.ts';
import { tokensPage, type TokensView } from '../views/tokens.view.ts';
import { formError, formFields, sendHtml } from './auth.routes.ts';
import { pageContext } from './catalog.routes.ts';

/** «Токены API»: administrators create tokens (shown once) and revoke them. */
export function registerTokensRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { tokens } = ctx;
  const render = async (request: FastifyRequest, extra: Omit<TokensView, 'tokens'> = {}) =>
    tokensPage(pageContext(request), { tokens: await tokens.list(), ...extra });

  app.get('/tokens', allow('admin'), async (request, reply) => sendHtml(reply, 200, await render(request)));

  app.post('/tokens', allow('admin'), async (request, reply) => {
    const form = formFields(request.body, ['name', 'role']);
    try {
      const created = await tokens.create({ name: form.name, role: form.role || 'viewer' }, actorOf(request));
      return sendHtml(reply, 201, await render(request, { created }));
    } catch (error) {
      const known = formError(error);
      return sendHtml(
        reply,
        known.status,
        await render(request, { error: known.in(pageContext(request).lang) }),
      );
    }
  });

  app.post('/tokens/:id/revoke', allow('admin'), async (request, reply) => {
    const id = Number((request.params as { id?: string }).id);
    try {
      await tokens.revoke({ id: Number.isSafeInteger(id) ? id : 0 }, actorOf(request));
      return reply.redirect(localHref(pageContext(request), '/tokens'), 303);
    } catch (error) {
      const known = formError(error, [404]);
      return sendHtml(
        reply,
        known.status,
        await render(request, { error: known.in(pageContext(request).lang) }),
      );
    }
  });
}
