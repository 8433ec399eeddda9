import type { FastifyInstance } from 'fastify';
import { allow } from '../../auth/auth.plugin.ts';
import type { SearchHistoryRepository } from '../../search/search-history.repository.ts';
import { searchesPage } from '../views/searches.view.ts';
import { pageContext } from './catalog.routes.ts';

export function registerSearchesPage(app: FastifyInstance, deps: { history: SearchHistoryRepository }): void {
  app.get('/searches', allow('account'), async (request, reply) => {
    const userId = request.principal.kind === 'user' ? request.principal.user.id : 0;
    const items = await deps.history.list(userId);
    return reply.type('text/html; charset=utf-8').send(searchesPage(pageContext(request), items));
  });
}
