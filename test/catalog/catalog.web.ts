import assert from 'node:assert/strict';
import path from 'node:path';
import type { AppContext } from '../../src/app/app.context.ts';
import type { ProductQuery } from '../../src/catalog/catalog.types.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp } from '../../src/web/web.app.ts';
import { writeTinyClip } from '../embedding/tiny-clip.ts';
import { signedInClient } from '../helpers/auth-client.ts';
import { tempDir } from '../helpers/test-env.ts';

/** What the catalog tests read from a list, whichever way it was asked for. */
export interface Listed {
  items: { id: number; name: string; price: number | null; imageSha256: string | null }[];
  total: number;
  fuzzy?: boolean | undefined;
}
export type ListFn = (query: ProductQuery) => Promise<Listed>;

/**
 * The catalog list as people get it: GET /api/products of the web app (and the page, for the
 * "near spelling" note the JSON does not carry), with the tiny generated CLIP towers loaded and
 * the catalog's photos indexed, so every English query may also go through the text tower.
 * `threshold` replaces the model's own text → image threshold (-1: every photo is a candidate).
 */
export async function listThroughWebWithClip(
  ctx: AppContext,
  options: { threshold?: number } = {},
): Promise<{ list: ListFn; close(): Promise<void> }> {
  const tiny = await writeTinyClip(path.join(await tempDir(), 'model'));
  const entry = { ...tiny.entry, defaultThreshold: options.threshold ?? tiny.entry.defaultThreshold };
  const config = { ...ctx.config, model: entry.id, modelDir: tiny.dir };
  const embedder = await createEmbedder({ config, entry });
  assert.deepEqual([embedder.info.hasTextTower, embedder.info.textLanguages], [true, ['en']]);
  const vectors = createVectorRepository(ctx.stores.vectors!);
  const indexed = await createIndexer({
    catalog: ctx.repository,
    vectors,
    media: ctx.media,
    embedder,
    exclusive: vectors.db.kind === 'embedded',
  }).run();
  assert.equal(indexed.failed, 0);
  assert.ok(indexed.embedded > 0, 'the photos are indexed');
  const models = createModelProvider(config, async () => embedder);
  await models.get(entry.id);
  const web = await createWebApp({ ...ctx, config }, { logger: false, models, indexOnStart: false });
  const viewer = await signedInClient(web.app, ctx);

  const list: ListFn = async (query) => {
    const params = new URLSearchParams();
    const set = (key: string, value: string | number | undefined) =>
      value !== undefined && params.set(key, String(value));
    set('q', query.q);
    set('category', query.category);
    set('supplier', query.supplier);
    set('price_min', query.priceMin);
    set('price_max', query.priceMax);
    set('sort', query.sort);
    set('page', query.page);
    set('per_page', query.perPage);
    const res = await viewer.get(`/api/products?${params}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as {
      items: { id: number; name: string; price: number | null; image_url: string | null }[];
      total: number;
    };
    const page = query.q ? (await viewer.get(`/products?${params}`)).body : '';
    return {
      items: body.items.map((i) => ({
        id: i.id,
        name: i.name,
        price: i.price,
        imageSha256: i.image_url?.split('/').pop() ?? null,
      })),
      total: body.total,
      fuzzy: query.q ? page.includes('data-testid="fuzzy-note"') : undefined,
    };
  };
  return { list, close: () => web.close() };
}
