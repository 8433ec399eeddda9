import type { FastifyInstance } from 'fastify';
import type { SearchService } from '../../search/search.service.ts';
import { searchesPage } from '../views/searches.view.ts';
import { pageContext } from './catalog.routes.ts';
import { historyIds } from './search.routes.ts';

export function registerSearchesPage(app: FastifyInstance, deps: { search: SearchService }): void {
  app.get('/searches', async (request, reply) => {
    const items = await deps.search.history(historyIds(request));
    return reply.type('text/html; charset=utf-8').send(searchesPage(pageContext(request), items));
  });
}
