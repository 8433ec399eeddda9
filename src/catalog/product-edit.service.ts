import type { Db } from '../db/db.client.ts';
import { appError, isAppError } from '../errors/app-error.ts';
import type { VectorRepository } from '../search/vector.repository.ts';
import { NO_AUDIT, type Actor, type CatalogAudit } from './catalog.audit.ts';
import { MAX_IMAGES_PER_PRODUCT, parseProduct } from './catalog.import.ts';
import type { CatalogRepository } from './catalog.repository.ts';
import type { ImageInput, ProductDetail, ProductInput } from './catalog.types.ts';
import type { MediaCollector } from './media.collector.ts';
import type { MediaStore } from './media.store.ts';

export interface EditLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The fields a person edits on the product form, as text. */
export interface ProductForm {
  sku?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  category?: string | undefined;
  supplier?: string | undefined;
  price?: string | undefined;
  currency?: string | undefined;
  /** one "name: value" per line */
  attributes?: string | undefined;
}

/**
 * Changes people make to a product: its fields, its photos (add, reorder, remove) and the product
 * itself. Photo search stays consistent: a removed photo's or product's vectors go with it (in the
 * vector store, which may be another database, so after the catalog commits; the indexer's sync
 * removes any it missed), new photos are queued for indexing, and files nothing references any
 * more are collected. Every change is recorded in the audit log with who made it.
 */
export function createProductEditService(deps: {
  db: Db;
  repository: CatalogRepository;
  media: MediaStore;
  collector: MediaCollector;
  vectors: VectorRepository | null;
  maxImagePixels: number;
  audit?: CatalogAudit | undefined;
  logger?: EditLogger | undefined;
  /** photos were added: index them soon */
  onImagesChanged?: (() => void) | undefined;
}) {
  const { db, repository, media, collector } = deps;
  const audit = deps.audit ?? NO_AUDIT;

  async function existing(id: number): Promise<ProductDetail> {
    const product = await repository.get(id);
    if (!product) throw appError('PRODUCT_NOT_FOUND');
    return product;
  }

  /** Vectors of removed images or products; a vector store that is down leaves them to the indexer's sync. */
  async function dropVectors(what: { imageIds?: number[]; productIds?: number[] }) {
    if (!deps.vectors) return;
    try {
      if (what.imageIds?.length) await deps.vectors.removeImages(what.imageIds);
      if (what.productIds?.length) await deps.vectors.removeProducts(what.productIds);
    } catch (error) {
      deps.logger?.warn(
        { ...what, err: (error as Error).message },
        'vectors not removed yet; the indexer will',
      );
    }
  }

  async function collect(shas: string[]) {
    await collector.collect(shas).catch((error: unknown) => {
      deps.logger?.warn({ err: (error as Error).message }, 'unreferenced media files not collected yet');
    });
  }

  const subject = (p: { id: number; sku: string }) => `product #${p.id} ${p.sku}`;

  return {
    /** The form's fields, validated as an import row is; the product keeps its photos. */
    async update(id: number, form: ProductForm, actor: Actor): Promise<ProductDetail> {
      const before = await existing(id);
      const input: ProductInput = parseProduct({
        sku: form.sku,
        name: form.name,
        description: form.description,
        category: form.category,
        supplier: form.supplier,
        price: form.price,
        currency: form.currency,
        attributes: parseAttributes(form.attributes ?? ''),
      });
      await db.transaction(async (tx) => {
        if (!(await repository.updateProduct(tx, id, input))) throw appError('PRODUCT_NOT_FOUND');
      });
      const changed = (
        ['sku', 'name', 'description', 'category', 'supplier', 'price', 'currency'] as const
      ).filter((k) => before[k] !== input[k]);
      if (JSON.stringify(before.attributes) !== JSON.stringify(input.attributes))
        changed.push('attributes' as never);
      await audit.record(actor, 'catalog.change', {
        subject: subject(before),
        details: {
          event: 'product.update',
          changed,
          ...(input.sku !== before.sku ? { sku: input.sku } : {}),
        },
      });
      return existing(id);
    },

    /** New photos at the end; each checked by content like an upload. */
    async addImages(
      id: number,
      files: { bytes: Buffer; name: string }[],
      actor: Actor,
    ): Promise<ProductDetail> {
      const product = await existing(id);
      if (product.images.length + files.length > MAX_IMAGES_PER_PRODUCT) {
        throw appError('TOO_MANY_IMAGES', { max: MAX_IMAGES_PER_PRODUCT });
      }
      const stored: ImageInput[] = [];
      for (const file of files) {
        try {
          stored.push({
            source: `upload ${file.name}`.slice(0, 300),
            ...(await media.put(file.bytes, deps.maxImagePixels)),
          });
        } catch (error) {
          throw isAppError(error) ? error.about(file.name) : error;
        }
      }
      const imageIds = await db.transaction(async (tx) => {
        const rows = await repository.lockImages(tx, id);
        if (!rows) throw appError('PRODUCT_NOT_FOUND');
        if (rows.length + stored.length > MAX_IMAGES_PER_PRODUCT) {
          throw appError('TOO_MANY_IMAGES', { max: MAX_IMAGES_PER_PRODUCT });
        }
        const ids: number[] = [];
        for (const img of stored) ids.push(await repository.addImage(tx, id, img));
        return ids;
      });
      await audit.record(actor, 'catalog.change', {
        subject: subject(product),
        details: { event: 'image.add', images: imageIds, files: files.map((f) => f.name) },
      });
      deps.onImagesChanged?.();
      return existing(id);
    },

    /** The photos in a new order: every photo of the product, each once. The first is the main one. */
    async orderImages(id: number, imageIds: number[], actor: Actor): Promise<ProductDetail> {
      const product = await existing(id);
      await db.transaction(async (tx) => {
        const rows = await repository.lockImages(tx, id);
        if (!rows) throw appError('PRODUCT_NOT_FOUND');
        const current = rows.map((r) => r.id).sort((a, b) => a - b);
        const wanted = [...imageIds].sort((a, b) => a - b);
        if (current.length !== wanted.length || current.some((v, i) => v !== wanted[i])) {
          throw appError('IMAGE_ORDER_INVALID');
        }
        await repository.orderImages(tx, id, imageIds);
      });
      await audit.record(actor, 'catalog.change', {
        subject: subject(product),
        details: { event: 'image.order', images: imageIds },
      });
      return existing(id);
    },

    /** One step up or down, or to the front (the main photo): the buttons of the form. */
    async moveImage(
      id: number,
      imageId: number,
      where: 'up' | 'down' | 'first',
      actor: Actor,
    ): Promise<ProductDetail> {
      const ids = (await existing(id)).images.map((i) => i.id);
      const at = ids.indexOf(imageId);
      if (at < 0) throw appError('IMAGE_NOT_FOUND');
      const to =
        where === 'first' ? 0 : where === 'up' ? Math.max(0, at - 1) : Math.min(ids.length - 1, at + 1);
      ids.splice(at, 1);
      ids.splice(to, 0, imageId);
      return this.orderImages(id, ids, actor);
    },

    async removeImage(id: number, imageId: number, actor: Actor): Promise<ProductDetail> {
      const product = await existing(id);
      const sha256 = await db.transaction(async (tx) => {
        const rows = await repository.lockImages(tx, id);
        if (!rows) throw appError('PRODUCT_NOT_FOUND');
        const removed = await repository.deleteImage(tx, id, imageId);
        if (!removed) throw appError('IMAGE_NOT_FOUND');
        await repository.orderImages(
          tx,
          id,
          rows.filter((r) => r.id !== imageId).map((r) => r.id),
        );
        return removed;
      });
      await dropVectors({ imageIds: [imageId] });
      await collect([sha256]);
      await audit.record(actor, 'catalog.change', {
        subject: subject(product),
        details: { event: 'image.remove', image: imageId, sha256 },
      });
      return existing(id);
    },

    async deleteProduct(id: number, actor: Actor): Promise<void> {
      const product = await existing(id);
      const images = await db.transaction(async (tx) => {
        const removed = await repository.deleteProduct(tx, id);
        if (!removed) throw appError('PRODUCT_NOT_FOUND');
        return removed;
      });
      await dropVectors({ productIds: [id], imageIds: images.map((i) => i.imageId) });
      await collect(images.map((i) => i.sha256));
      await audit.record(actor, 'catalog.change', {
        subject: subject(product),
        details: { event: 'product.delete', name: product.name, images: images.length },
      });
    },
  };
}

export type ProductEditService = ReturnType<typeof createProductEditService>;

const MAX_ATTRIBUTES = 100;

/** "Страна: Эквадор" per line → { Страна: "Эквадор" }; a line without ":" is refused with its number. */
export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (!key) throw appError('ATTRIBUTE_LINE_INVALID', { line: i + 1 });
    out[key.slice(0, 200)] = line
      .slice(at + 1)
      .trim()
      .slice(0, 2000);
    if (Object.keys(out).length > MAX_ATTRIBUTES) throw appError('ATTRIBUTE_LINE_INVALID', { line: i + 1 });
  }
  return out;
}

/** The attributes as the form shows them. */
export function formatAttributes(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
