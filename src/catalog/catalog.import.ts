import fs from 'node:fs/promises';
import path from 'node:path';
import { appError, isAppError, type AppError } from '../errors/app-error.ts';
import type { Db, DbTx } from '../db/db.client.ts';
import { autoMapping, FIELDS, mappingComplete, type ColumnMapping } from '../import/column.mapping.ts';
import { readImportTable } from '../import/import.read.ts';
import { FormulaWithoutValue, LinkCell, MoneyCell, type EmbeddedImage } from '../import/import.table.ts';
import { toRawRows } from '../import/import.rows.ts';
import { parsePrice } from '../import/price.parse.ts';
import type { CatalogRepository } from './catalog.repository.ts';
import type { ImageInput, ProductInput } from './catalog.types.ts';
import type { MediaStore } from './media.store.ts';
import type { RemoteImageFetcher } from '../remote/remote-image.fetch.ts';

export interface ImportSummary {
  imported: number;
  updated: number;
  failed: number;
  errors: { line: number; reason: string }[];
  /** products whose rows were written, for follow-up work such as indexing */
  productIds: number[];
}

export interface ImportLimits {
  maxImagePixels: number;
}

/** A row as read from the file, before validation: field → raw value. */
export interface RawRow {
  line: number;
  values: Record<string, unknown>;
  /** pictures embedded in the row (spreadsheets), before any the row names */
  embedded?: EmbeddedImage[];
}

/**
 * Where the image files a row names come from. The command line reads them beside the file; a
 * file uploaded through the page may only name entries of the ZIP uploaded with it (or links):
 * a stranger's file must never read the server's own files.
 */
export interface ImageSource {
  read(ref: string): Promise<Buffer>;
  /** files named after the row's SKU ("A-100.jpg", "A-100_2.jpg"), for rows that name none */
  bySku?(sku: string): string[];
}

export interface RowOutcome {
  /** index of the row in the list given to importRows */
  index: number;
  line: number;
  sku: string | null;
}

export interface ImportRowsOptions {
  /** called inside the row's transaction: a progress checkpoint commits with the row */
  onWritten?(tx: DbTx, row: RowOutcome & { productId: number; created: boolean }): Promise<void>;
  onFailed?(row: RowOutcome & { error: AppError }): Promise<void>;
  /** stops between rows (the rows done so far stay) */
  signal?: AbortSignal;
}

/** the columns that fill a product (the rest become attributes), and an "attributes" column of its own */
const KNOWN = new Set<string>([...FIELDS, 'attributes']);
const LOOKAHEAD = 8; // rows whose images are read while earlier rows are written
const MAX_SKU = 200;
export const MAX_IMAGES_PER_PRODUCT = 30;

export function createImportService(deps: {
  db: Db;
  repository: CatalogRepository;
  media: MediaStore;
  /** image URLs in the file: a supplier's file may point anywhere, so the same SSRF rules as the web */
  remote: RemoteImageFetcher;
  limits: ImportLimits;
}) {
  const { db, repository, media, remote, limits } = deps;

  async function prepare(row: RawRow, source: ImageSource) {
    const product = parseProduct(row.values);
    const refs = splitImages(row.values.images);
    const named = refs.length === 0 && source.bySku ? source.bySku(product.sku) : [];
    const count = (row.embedded?.length ?? 0) + refs.length + named.length;
    if (count > MAX_IMAGES_PER_PRODUCT)
      throw appError('ROW_TOO_MANY_IMAGES', { max: MAX_IMAGES_PER_PRODUCT });
    const images: ImageInput[] = [];
    for (const picture of row.embedded ?? []) {
      images.push(await store(picture.bytes, picture.label, picture.label));
    }
    for (const ref of [...refs, ...named]) images.push(await loadImage(ref, source));
    return { product, images };
  }

  async function store(bytes: Buffer, sourceLabel: string, subject: string): Promise<ImageInput> {
    try {
      return { source: sourceLabel, ...(await media.put(bytes, limits.maxImagePixels)) };
    } catch (error) {
      if (isAppError(error)) throw error.about(subject);
      throw error;
    }
  }

  async function loadImage(ref: string, source: ImageSource): Promise<ImageInput> {
    const isUrl = /^https?:\/\//i.test(ref);
    let bytes: Buffer;
    try {
      bytes = isUrl ? await remote.fetchImage(ref) : await source.read(ref);
    } catch (error) {
      if (isAppError(error)) throw error.about(`image ${ref}`);
      throw error;
    }
    return store(bytes, ref, `image ${ref}`);
  }

  /**
   * Upserts the rows by SKU in file order, reading the images of the next rows while a row is
   * written. A row's product and images are written in one transaction; a bad row is reported
   * with its line and reason and the rest still import.
   */
  async function importRows(
    rows: RawRow[],
    images: string | ImageSource,
    options: ImportRowsOptions = {},
  ): Promise<ImportSummary> {
    const source = typeof images === 'string' ? localImages(images) : images;
    const summary: ImportSummary = { imported: 0, updated: 0, failed: 0, errors: [], productIds: [] };
    const pending = rows.map(() => null as null | ReturnType<typeof prepare>);
    const start = (i: number) => {
      if (i < rows.length && !pending[i]) {
        pending[i] = prepare(rows[i]!, source);
        pending[i]!.catch(() => {}); // awaited below in order; avoids an unhandled rejection meanwhile
      }
    };
    for (let i = 0; i < Math.min(LOOKAHEAD, rows.length); i++) start(i);
    try {
      for (const [i, row] of rows.entries()) {
        if (options.signal?.aborted) break;
        start(i + LOOKAHEAD);
        const sku = skuOf(row.values);
        try {
          const { product, images: prepared } = await pending[i]!;
          const { id, created } = await db.transaction(async (tx) => {
            const result = await repository.upsertProduct(tx, product);
            await repository.replaceImages(tx, result.id, prepared);
            await options.onWritten?.(tx, { index: i, line: row.line, sku, productId: result.id, ...result });
            return result;
          });
          summary[created ? 'imported' : 'updated']++;
          summary.productIds.push(id);
        } catch (caught) {
          const error = rowError(caught);
          summary.failed++;
          summary.errors.push({ line: row.line, reason: error.message });
          await options.onFailed?.({ index: i, line: row.line, sku, error });
        } finally {
          pending[i] = null;
        }
      }
    } finally {
      // rows read ahead of a stop: let their image reads finish before the caller moves on
      await Promise.allSettled(pending.filter(Boolean));
    }
    return summary;
  }

  return {
    importRows,
    /**
     * A CSV, JSON Lines or Excel file from the local disk (the command line): images named by the
     * rows are read beside the file. The header must name the columns (see column.mapping.ts).
     */
    async importFile(
      file: string,
      options: { sheet?: string; mapping?: ColumnMapping; supplier?: string } = {},
    ): Promise<ImportSummary> {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch {
        throw appError('IMPORT_FILE_UNREADABLE', { file });
      }
      const table = await readImportTable(bytes, { name: path.basename(file), sheet: options.sheet });
      const mapping = options.mapping ?? autoMapping(table.columns, table.fieldHints);
      requireMapping(mapping, table.columns);
      const rows = toRawRows(table, mapping, { supplier: options.supplier });
      return importRows(rows, path.dirname(path.resolve(file)));
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;

/** The columns every import needs, named in the error as the file wrote its header. */
export function requireMapping(mapping: ColumnMapping, columns: readonly string[]): void {
  if (mappingComplete(mapping, columns)) return;
  const column = mapping.sku ? 'name' : 'sku';
  throw appError('IMPORT_NO_COLUMN', { column, found: columns.join(', ') });
}

/** Image files beside the import file, as the command line names them. */
export function localImages(baseDir: string): ImageSource {
  return {
    async read(ref) {
      const file = path.resolve(baseDir, ref);
      try {
        return await fs.readFile(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw code === 'ENOENT'
          ? appError('IMAGE_FILE_NOT_FOUND', { file: ref })
          : appError('IMAGE_UNREADABLE', { file: ref, reason: code ?? 'cannot be read' });
      }
    },
  };
}

const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (v instanceof MoneyCell) return String(v.amount);
  return String(v).trim();
};
const optional = (v: unknown): string | null => text(v) || null;

function skuOf(values: Record<string, unknown>): string | null {
  return values.sku instanceof FormulaWithoutValue ? null : optional(values.sku)?.slice(0, MAX_SKU) || null;
}

export function parseProduct(values: Record<string, unknown>): ProductInput {
  if (values.__invalid) throw appError('ROW_NOT_AN_OBJECT');
  if (values.__badEncoding) throw appError('ROW_BAD_ENCODING');
  const nul = columnWithNul(values);
  if (nul !== null) throw appError('ROW_BAD_TEXT', { column: nul });
  for (const field of KNOWN) {
    const v = values[field];
    if (v instanceof FormulaWithoutValue) throw appError('CELL_FORMULA_NO_VALUE', { cell: v.cell });
  }
  const sku = text(values.sku);
  const name = text(values.name);
  if (!sku) throw appError('ROW_NO_SKU');
  if (!name) throw appError('ROW_NO_NAME');
  if (sku.length > MAX_SKU) throw appError('ROW_BAD_SKU', { max: MAX_SKU });
  const parsed =
    values.price instanceof MoneyCell
      ? { price: Math.round(values.price.amount * 100) / 100, currency: values.price.currency }
      : parsePrice(values.price);
  // A currency column wins; else the price's own sign («1 250 ₽»); else the price header's («Цена, руб.»).
  const written = optional(values.currency);
  let currency: string | null;
  if (written) {
    currency = parsePriceCurrency(written) ?? written.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw appError('ROW_BAD_CURRENCY', { value: written });
  } else {
    currency =
      parsed?.currency ?? (parsed && typeof values.__currency === 'string' ? values.__currency : null);
  }
  const attributes: Record<string, unknown> = {};
  if (values.attributes && typeof values.attributes === 'object')
    Object.assign(attributes, values.attributes);
  for (const [k, v] of Object.entries(values)) {
    if (KNOWN.has(k) || k.startsWith('__') || v instanceof FormulaWithoutValue || !text(v)) continue;
    attributes[k] = v instanceof LinkCell ? v.text : v instanceof MoneyCell ? v.amount : v;
  }
  return {
    sku,
    name,
    description: text(values.description),
    category: optional(values.category),
    supplier: optional(values.supplier),
    price: parsed?.price ?? null,
    currency,
    attributes,
  };
}

/** "руб." in a currency column means RUB, as in a price */
function parsePriceCurrency(written: string): string | null {
  try {
    return parsePrice(`1 ${written}`)?.currency ?? null;
  } catch {
    return null;
  }
}

function splitImages(value: unknown): string[] {
  if (value instanceof LinkCell) return [/^https?:\/\//i.test(value.href) ? value.href : value.text];
  const list = Array.isArray(value) ? value.map(text) : text(value).split(/[|\n;]/);
  return list.map((s) => s.trim()).filter(Boolean);
}

/** The first column holding a NUL anywhere (PostgreSQL text and jsonb cannot store one), or null. */
function columnWithNul(values: Record<string, unknown>): string | null {
  const hasNul = (v: unknown): boolean =>
    typeof v === 'string'
      ? v.includes('\u0000')
      : Array.isArray(v)
        ? v.some(hasNul)
        : v !== null && typeof v === 'object'
          ? Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x))
          : false;
  for (const [column, value] of Object.entries(values)) {
    if (column.includes('\u0000') || hasNul(value)) return column.replaceAll('\u0000', '\\0');
  }
  return null;
}

/**
 * A row's failure as a coded error. Our own errors as they are; the database refusing a value
 * (SQLSTATE class 22 data exception, 23 integrity) fails that row only; anything else (the
 * database is gone, a worker lost its job) stops the import.
 */
function rowError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const sqlstate = (error as { code?: unknown }).code;
  if (typeof sqlstate === 'string' && /^2[23][0-9A-Z]{3}$/.test(sqlstate)) {
    return appError('ROW_REJECTED', { reason: (error as Error).message }, { cause: error });
  }
  throw error;
}
