import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/app.context.ts';
import { actorOf, allow } from '../../auth/auth.plugin.ts';
import { localHref } from '../views/layout.view.ts';
import { usersPage, type UsersView } from '../views/users.view.ts';
import { formError, formFields, sendHtml } from './auth.routes.ts';
import { pageContext } from './catalog.routes.ts';

const userId = (request: FastifyRequest) => {
  const id = Number((request.params as { id?: string }).id);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
};

/** Links go out by hand (copied from the page), so they carry this server's own address. */
export const absoluteUrl = (request: FastifyRequest, path: string) =>
  `${request.protocol}://${request.host}${path}`;

/** «Пользователи»: administrators add people (by invitation link), change roles, disable, send reset links. */
export function registerUsersRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { auth } = ctx;
  const render = async (
    request: FastifyRequest,
    status: number,
    extra: Omit<UsersView, 'users' | 'selfId'>,
  ) => {
    const self = request.principal.kind === 'user' ? request.principal.user.id : 0;
    return {
      status,
      body: usersPage(pageContext(request), { users: await auth.listUsers(), selfId: self, ...extra }),
    };
  };

  app.get('/users', allow('admin'), async (request, reply) => {
    const saved = (request.query as Record<string, unknown>).saved === '1';
    const page = await render(request, 200, { saved });
    return sendHtml(reply, page.status, page.body);
  });

  app.post('/users', allow('admin'), async (request, reply) => {
    const form = formFields(request.body, ['email', 'role']);
    try {
      const { user, link } = await auth.addUser(
        { email: form.email, role: form.role || 'viewer' },
        actorOf(request),
      );
      const page = await render(request, 201, {
        link: link ? { email: user.email, url: absoluteUrl(request, `/password/${link}`) } : undefined,
      });
      return sendHtml(reply, page.status, page.body);
    } catch (error) {
      const known = formError(error);
      const page = await render(request, known.status, {
        error: known.in(pageContext(request).lang),
      });
      return sendHtml(reply, page.status, page.body);
    }
  });

  const change = (
    path: string,
    apply: (id: number, request: FastifyRequest, form: Record<string, string>) => Promise<void>,
  ) =>
    app.post(`/users/:id/${path}`, allow('admin'), async (request, reply) => {
      try {
        await apply(userId(request), request, formFields(request.body, ['role']));
        return reply.redirect(localHref(pageContext(request), '/users?saved=1'), 303);
      } catch (error) {
        const known = formError(error, [400, 404, 409]);
        const page = await render(request, known.status, {
          error: known.in(pageContext(request).lang),
        });
        return sendHtml(reply, page.status, page.body);
      }
    });

  change('role', (id, request, form) => auth.setRole(id, form.role ?? '', actorOf(request)));
  change('disable', (id, request) => auth.setDisabled(id, true, actorOf(request)));
  change('enable', (id, request) => auth.setDisabled(id, false, actorOf(request)));

  app.post('/users/:id/link', allow('admin'), async (request, reply) => {
    try {
      const { email, link } = await auth.passwordLink(userId(request), actorOf(request));
      const page = await render(request, 201, {
        link: { email, url: absoluteUrl(request, `/password/${link}`) },
      });
      return sendHtml(reply, page.status, page.body);
    } catch (error) {
      const known = formError(error, [404]);
      const page = await render(request, known.status, {
        error: known.in(pageContext(request).lang),
      });
      return sendHtml(reply, page.status, page.body);
    }
  });
}
