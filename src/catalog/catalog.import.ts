import fs from 'node:fs/promises';
import path from 'node:path';
import { parsePrice as readPrice } from '../i18n/i18n.price.ts';
import { appError, isAppError, type AppError } from '../errors/app-error.ts';
import type { Db } from '../db/db.client.ts';
import type { CatalogRepository } from './catalog.repository.ts';
import type { ImageInput, ProductInput } from './catalog.types.ts';
import { parseCsv } from './csv.parse.ts';
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

/** A row as read from the file, before validation: column → raw value. */
export interface RawRow {
  line: number;
  values: Record<string, unknown>;
}

const KNOWN = new Set([
  'sku',
  'name',
  'description',
  'category',
  'supplier',
  'price',
  'currency',
  'images',
  'attributes',
]);
const LOOKAHEAD = 8;
const MAX_SKU = 200; // rows whose images are read while earlier rows are written

export function createImportService(deps: {
  db: Db;
  repository: CatalogRepository;
  media: MediaStore;
  /** image URLs in the file: a supplier's file may point anywhere, so the same SSRF rules as the web */
  remote: RemoteImageFetcher;
  limits: ImportLimits;
}) {
  const { db, repository, media, remote, limits } = deps;

  async function prepare(row: RawRow, baseDir: string) {
    const product = parseProduct(row.values);
    const images: ImageInput[] = [];
    for (const ref of splitImages(row.values.images)) {
      images.push(await loadImage(ref, baseDir));
    }
    return { product, images };
  }

  async function loadImage(ref: string, baseDir: string): Promise<ImageInput> {
    const isUrl = /^https?:\/\//i.test(ref);
    let bytes: Buffer;
    if (isUrl) {
      bytes = await remote.fetchImage(ref);
    } else {
      const file = path.resolve(baseDir, ref);
      try {
        bytes = await fs.readFile(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw (
          code === 'ENOENT'
            ? appError('IMAGE_FILE_NOT_FOUND', { file: ref })
            : appError('IMAGE_UNREADABLE', { file: ref, reason: code ?? 'cannot be read' })
        ).about(`image ${ref}`);
      }
    }
    try {
      const stored = await media.put(bytes, limits.maxImagePixels);
      return { source: isUrl ? ref : path.resolve(baseDir, ref), ...stored };
    } catch (error) {
      if (isAppError(error)) throw error.about(`image ${ref}`);
      throw error;
    }
  }

  async function importRows(rows: RawRow[], baseDir: string): Promise<ImportSummary> {
    const summary: ImportSummary = { imported: 0, updated: 0, failed: 0, errors: [], productIds: [] };
    const pending = rows.map(() => null as null | ReturnType<typeof prepare>);
    const start = (i: number) => {
      if (i < rows.length && !pending[i]) {
        pending[i] = prepare(rows[i]!, baseDir);
        pending[i]!.catch(() => {}); // awaited below in order; avoids an unhandled rejection meanwhile
      }
    };
    for (let i = 0; i < Math.min(LOOKAHEAD, rows.length); i++) start(i);
    for (const [i, row] of rows.entries()) {
      start(i + LOOKAHEAD);
      try {
        const { product, images } = await pending[i]!;
        const { id, created } = await db.transaction(async (tx) => {
          const result = await repository.upsertProduct(tx, product);
          await repository.replaceImages(tx, result.id, images);
          return result;
        });
        summary[created ? 'imported' : 'updated']++;
        summary.productIds.push(id);
      } catch (caught) {
        const error = rowError(caught);
        summary.failed++;
        summary.errors.push({ line: row.line, reason: error.message });
      } finally {
        pending[i] = null;
      }
    }
    return summary;
  }

  return {
    importRows,
    async importFile(file: string): Promise<ImportSummary> {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch {
        throw appError('IMPORT_FILE_UNREADABLE', { file });
      }
      const { text, badLines } = decodeUtf8(bytes);
      const rows = /\.jsonl?$|\.ndjson$/i.test(file) ? readJsonLines(text) : readCsv(text);
      markBadEncoding(rows, badLines);
      return importRows(rows, path.dirname(path.resolve(file)));
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;

function readCsv(text: string): RawRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw appError('IMPORT_EMPTY');
  const columns = header.fields.map((h) => h.trim().toLowerCase());
  for (const required of ['sku', 'name']) {
    if (!columns.includes(required)) {
      throw appError('IMPORT_NO_COLUMN', { column: required, found: columns.join(', ') });
    }
  }
  return records.map((r) => ({
    line: r.line,
    values: Object.fromEntries(columns.map((c, i) => [c, r.fields[i] ?? ''])),
  }));
}

function readJsonLines(text: string): RawRow[] {
  const rows: RawRow[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    if (!raw.trim()) continue;
    try {
      const value: unknown = JSON.parse(raw);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      rows.push({ line: i + 1, values: value as Record<string, unknown> });
    } catch {
      // Surfaces as that line's error instead of failing the whole file.
      rows.push({ line: i + 1, values: { __invalid: true } });
    }
  }
  return rows;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());
const optional = (v: unknown): string | null => text(v) || null;

export function parseProduct(values: Record<string, unknown>): ProductInput {
  if (values.__invalid) throw appError('ROW_NOT_AN_OBJECT');
  if ((values as Record<symbol, unknown>)[BAD_ENCODING]) throw appError('ROW_BAD_ENCODING');
  const nul = columnWithNul(values);
  if (nul !== null) throw appError('ROW_BAD_TEXT', { column: nul });
  const sku = text(values.sku);
  const name = text(values.name);
  if (!sku) throw appError('ROW_NO_SKU');
  if (!name) throw appError('ROW_NO_NAME');
  if (sku.length > MAX_SKU) throw appError('ROW_BAD_SKU', { max: MAX_SKU });
  const currency = optional(values.currency)?.toUpperCase() ?? null;
  if (currency && !/^[A-Z]{3}$/.test(currency)) {
    throw appError('ROW_BAD_CURRENCY', { value: text(values.currency) });
  }
  const attributes: Record<string, unknown> = {};
  if (values.attributes && typeof values.attributes === 'object')
    Object.assign(attributes, values.attributes);
  for (const [k, v] of Object.entries(values)) if (!KNOWN.has(k) && text(v)) attributes[k] = v;
  return {
    sku,
    name,
    description: text(values.description),
    category: optional(values.category),
    supplier: optional(values.supplier),
    price: parsePrice(values.price),
    currency,
    attributes,
  };
}

function parsePrice(value: unknown): number | null {
  const raw = text(value);
  if (!raw) return null;
  // "1 234,50", "1234.50" and "1 234 ₽" all appear in supplier files: read as people write prices
  const price = readPrice(raw);
  if (!Number.isFinite(price) || price > 1e12) throw appError('ROW_BAD_PRICE', { value: raw });
  return Math.round(price * 100) / 100;
}

function splitImages(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(text) : text(value).split('|');
  return list.map((s) => s.trim()).filter(Boolean);
}

/** Set on a row read from a line that is not valid UTF-8 (a Symbol: no column can be called that). */
const BAD_ENCODING = Symbol('bad encoding');

/**
 * The file as text, and the lines (1-based) that are not valid UTF-8. Split on the newline byte,
 * which never occurs inside a multi-byte UTF-8 sequence, so a bad byte is pinned to its line.
 */
function decodeUtf8(bytes: Buffer): { text: string; badLines: Set<number> } {
  const badLines = new Set<number>();
  const strict = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      strict.decode(bytes.subarray(start, stop));
    } catch {
      badLines.add(line);
    }
    if (end === -1) break;
    start = end + 1;
  }
  return { text: new TextDecoder('utf-8').decode(bytes), badLines };
}

/** A row is bad when any line it spans (quoted fields may span several) is. */
function markBadEncoding(rows: RawRow[], badLines: Set<number>): void {
  if (badLines.size === 0) return;
  rows.forEach((row, i) => {
    const next = rows[i + 1]?.line ?? Number.MAX_SAFE_INTEGER;
    for (const bad of badLines) {
      if (bad >= row.line && bad < next) (row.values as Record<symbol, unknown>)[BAD_ENCODING] = true;
    }
  });
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
 * database is gone) stops the import.
 */
function rowError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const sqlstate = (error as { code?: unknown }).code;
  if (typeof sqlstate === 'string' && /^2[23][0-9A-Z]{3}$/.test(sqlstate)) {
    return appError('ROW_REJECTED', { reason: (error as Error).message }, { cause: error });
  }
  throw error;
}
