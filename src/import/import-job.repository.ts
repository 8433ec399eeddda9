import type { Db, DbTx } from '../db/db.client.ts';
import type { ColumnMapping } from './column.mapping.ts';
import type { ImportFormat } from './import.table.ts';

export type ImportStatus = 'mapping' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportJob {
  id: number;
  status: ImportStatus;
  origin: 'web' | 'cli';
  fileName: string;
  imagesName: string | null;
  format: ImportFormat;
  sheet: string | null;
  sheets: string[];
  supplier: string | null;
  columns: string[];
  samples: Record<string, string[]>;
  mapping: ColumnMapping | null;
  filesDir: string | null;
  createdBy: string;
  createdById: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  totalRows: number | null;
  processedRows: number;
  imported: number;
  updated: number;
  failed: number;
  strayImages: number;
  cellImages: number;
  attempts: number;
  claimedBy: string | null;
  claimedUntil: Date | null;
  cancelRequested: boolean;
  errorCode: string | null;
  errorEn: string | null;
  errorRu: string | null;
}

export interface ImportRowError {
  rowIndex: number;
  line: number;
  sku: string | null;
  code: string;
  reasonEn: string;
  reasonRu: string;
}

export type NewImportJob = Pick<
  ImportJob,
  | 'origin'
  | 'fileName'
  | 'imagesName'
  | 'format'
  | 'sheet'
  | 'sheets'
  | 'supplier'
  | 'columns'
  | 'samples'
  | 'mapping'
  | 'filesDir'
  | 'createdBy'
  | 'createdById'
> & {
  status: 'mapping' | 'queued' | 'running';
  /** a job run in this process at once (the command line) is created already claimed */
  claimedBy?: string;
  leaseSeconds?: number;
};

const COLUMNS = `id, status, origin, file_name as "fileName", images_name as "imagesName", format, sheet, sheets,
  supplier, columns, samples, mapping, files_dir as "filesDir", created_by as "createdBy",
  created_by_id as "createdById", created_at as "createdAt", started_at as "startedAt",
  finished_at as "finishedAt", updated_at as "updatedAt", total_rows as "totalRows",
  processed_rows as "processedRows", imported, updated, failed, stray_images as "strayImages",
  cell_images as "cellImages", attempts,
  claimed_by as "claimedBy", claimed_until as "claimedUntil", cancel_requested as "cancelRequested",
  error_code as "errorCode", error_en as "errorEn", error_ru as "errorRu"`;

const supplierKey = (supplier: string) => supplier.trim().toLowerCase();

/**
 * Text from a file as PostgreSQL can store it: a NUL (which text and jsonb refuse) becomes U+FFFD.
 * The row holding it fails on its own (ROW_BAD_TEXT); the job's records of it must not.
 */
const clean = <T>(v: T): T => (typeof v === 'string' ? (v.replaceAll('\u0000', '\ufffd') as T) : v);
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => clean(x)).replaceAll('\\u0000', '\\ufffd');

/** All SQL of import jobs, their failed rows and the column mappings remembered per supplier. */
export function createImportJobRepository(db: Db) {
  return {
    async create(job: NewImportJob): Promise<ImportJob> {
      const { rows } = await db.query<ImportJob>(
        `insert into import_jobs (status, origin, file_name, images_name, format, sheet, sheets, supplier, columns,
           samples, mapping, files_dir, created_by, created_by_id, claimed_by, claimed_until, started_at, attempts)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           case when $15::text is null then null else now() + make_interval(secs => $16) end,
           case when $15::text is null then null else now() end,
           case when $15::text is null then 0 else 1 end)
         returning ${COLUMNS}`,
        [
          job.status,
          job.origin,
          clean(job.fileName),
          clean(job.imagesName),
          job.format,
          clean(job.sheet),
          json(job.sheets),
          clean(job.supplier),
          json(job.columns),
          json(job.samples),
          job.mapping ? json(job.mapping) : null,
          job.filesDir,
          job.createdBy,
          job.createdById,
          job.claimedBy ?? null,
          job.leaseSeconds ?? 60,
        ],
      );
      return rows[0]!;
    },

    async get(id: number): Promise<ImportJob | null> {
      const { rows } = await db.query<ImportJob>(`select ${COLUMNS} from import_jobs where id = $1`, [id]);
      return rows[0] ?? null;
    },

    async list(limit: number): Promise<ImportJob[]> {
      const { rows } = await db.query<ImportJob>(
        `select ${COLUMNS} from import_jobs order by id desc limit $1`,
        [limit],
      );
      return rows;
    },

    /** A new sheet or mapping while the job waits for its mapping. */
    async updateWaiting(
      id: number,
      change: {
        sheet: string | null;
        columns: string[];
        samples: Record<string, string[]>;
        mapping: ColumnMapping;
      },
    ): Promise<void> {
      await db.query(
        `update import_jobs set sheet = $2, columns = $3, samples = $4, mapping = $5, updated_at = now()
         where id = $1 and status = 'mapping'`,
        [id, clean(change.sheet), json(change.columns), json(change.samples), json(change.mapping)],
      );
    },

    /** mapping → queued, once; false when the job was no longer waiting */
    async queue(id: number, mapping: ColumnMapping): Promise<boolean> {
      const { rowCount } = await db.query(
        `update import_jobs set status = 'queued', mapping = $2, updated_at = now()
         where id = $1 and status = 'mapping'`,
        [id, json(mapping)],
      );
      return (rowCount ?? 0) > 0;
    },

    /**
     * The next job for this worker: a queued one, or a running one whose worker stopped renewing its
     * lease (the process died). SKIP LOCKED: two processes never take the same job.
     */
    async claim(worker: string, leaseSeconds: number): Promise<ImportJob | null> {
      const { rows } = await db.query<ImportJob>(
        `update import_jobs set status = 'running', claimed_by = $1,
                claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1,
                started_at = coalesce(started_at, now()), updated_at = now()
         where id = (
           select id from import_jobs
           where origin = 'web' and (status = 'queued' or (status = 'running' and claimed_until < now()))
           order by id limit 1
           for update skip locked)
         returning ${COLUMNS}`,
        [worker, leaseSeconds],
      );
      return rows[0] ?? null;
    },

    /** Renews the lease; tells whether the job is still ours and whether a stop was asked for. */
    async heartbeat(
      id: number,
      worker: string,
      leaseSeconds: number,
    ): Promise<{ ours: boolean; cancel: boolean }> {
      const { rows } = await db.query<{ cancel: boolean }>(
        `update import_jobs set claimed_until = now() + make_interval(secs => $3), updated_at = now()
         where id = $1 and claimed_by = $2 and status = 'running'
         returning cancel_requested as cancel`,
        [id, worker, leaseSeconds],
      );
      return { ours: rows.length > 0, cancel: rows[0]?.cancel ?? false };
    },

    /** Hands every lease back at once: an embedded store has no other process that could hold one. */
    async releaseAll(): Promise<void> {
      await db.query(
        `update import_jobs set claimed_until = now() - interval '1 second' where status = 'running'`,
      );
    },

    /** Hands a job back for another run; a clean stop does not count as an attempt. */
    async release(id: number, worker: string, options: { clean?: boolean } = {}): Promise<void> {
      await db.query(
        `update import_jobs set claimed_until = now() - interval '1 second',
                attempts = case when $3 then greatest(attempts - 1, 0) else attempts end
         where id = $1 and claimed_by = $2 and status = 'running'`,
        [id, worker, Boolean(options.clean)],
      );
    },

    /** A clean stop: this worker's running jobs may be taken over at once. */
    async releaseMine(worker: string): Promise<void> {
      await db.query(
        // a clean stop is not a crash: it does not count towards MAX_ATTEMPTS
        `update import_jobs set claimed_until = now() - interval '1 second', attempts = greatest(attempts - 1, 0)
         where status = 'running' and claimed_by = $1`,
        [worker],
      );
    },

    async setTotal(id: number, totalRows: number, strayImages: number, cellImages = 0): Promise<void> {
      await db.query(
        `update import_jobs set total_rows = $2, stray_images = $3, cell_images = $4, updated_at = now()
         where id = $1`,
        [id, totalRows, strayImages, cellImages],
      );
    },

    /**
     * One row written: moves the checkpoint in the row's own transaction. Throws when another
     * worker holds the job now, which rolls the row back instead of writing it twice.
     */
    async rowWritten(tx: DbTx, id: number, worker: string, rowIndex: number, created: boolean) {
      const { rowCount } = await tx.query(
        `update import_jobs set processed_rows = $3 + 1,
                imported = imported + $4::int, updated = updated + 1 - $4::int, updated_at = now()
         where id = $1 and claimed_by = $2 and processed_rows = $3`,
        [id, worker, rowIndex, created ? 1 : 0],
      );
      if (!rowCount) throw new LeaseLostError(id);
    },

    async rowFailed(id: number, worker: string, error: Omit<ImportRowError, never>): Promise<void> {
      await db.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `update import_jobs set processed_rows = $3 + 1, failed = failed + 1, updated_at = now()
           where id = $1 and claimed_by = $2 and processed_rows = $3`,
          [id, worker, error.rowIndex],
        );
        if (!rowCount) throw new LeaseLostError(id);
        await tx.query(
          `insert into import_job_errors (job_id, row_index, line, sku, code, reason_en, reason_ru)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
          [
            id,
            error.rowIndex,
            error.line,
            clean(error.sku),
            error.code,
            clean(error.reasonEn),
            clean(error.reasonRu),
          ],
        );
      });
    },

    async finish(
      id: number,
      outcome: { status: 'done' } | { status: 'failed' | 'cancelled'; code: string; en: string; ru: string },
    ): Promise<void> {
      const error = outcome.status === 'done' ? null : outcome;
      await db.query(
        `update import_jobs set status = $2, finished_at = now(), updated_at = now(), claimed_by = null,
                claimed_until = null, files_dir = null, error_code = $3, error_en = $4, error_ru = $5
         where id = $1`,
        [id, outcome.status, error?.code ?? null, error?.en ?? null, error?.ru ?? null],
      );
    },

    async requestCancel(id: number): Promise<ImportStatus | null> {
      const { rows } = await db.query<{ status: ImportStatus }>(
        `update import_jobs set cancel_requested = true, updated_at = now()
         where id = $1 and status in ('mapping', 'queued', 'running') returning status`,
        [id],
      );
      return rows[0]?.status ?? null;
    },

    /** Jobs that must end without running: command-line runs whose process died, long-abandoned mapping steps. */
    async stale(mappingHours: number): Promise<ImportJob[]> {
      const { rows } = await db.query<ImportJob>(
        `select ${COLUMNS} from import_jobs
         where (origin = 'cli' and status = 'running' and claimed_until < now())
            or (status = 'mapping' and updated_at < now() - make_interval(hours => $1))
            or (status in ('mapping', 'queued') and cancel_requested)`,
        [mappingHours],
      );
      return rows;
    },

    async errors(id: number, limit = 100_000, offset = 0): Promise<ImportRowError[]> {
      const { rows } = await db.query<ImportRowError>(
        `select row_index as "rowIndex", line, sku, code, reason_en as "reasonEn", reason_ru as "reasonRu"
         from import_job_errors where job_id = $1 order by row_index limit $2 offset $3`,
        [id, limit, offset],
      );
      return rows;
    },

    async savedMapping(supplier: string): Promise<ColumnMapping | null> {
      const { rows } = await db.query<{ mapping: ColumnMapping }>(
        'select mapping from import_mappings where supplier_key = $1',
        [clean(supplierKey(supplier))],
      );
      return rows[0]?.mapping ?? null;
    },

    async saveMapping(supplier: string, mapping: ColumnMapping, by: string): Promise<void> {
      await db.query(
        `insert into import_mappings (supplier_key, supplier, mapping, updated_by) values ($1, $2, $3, $4)
         on conflict (supplier_key) do update
           set supplier = excluded.supplier, mapping = excluded.mapping, updated_by = excluded.updated_by,
               updated_at = now()`,
        [clean(supplierKey(supplier)), clean(supplier.trim()), json(mapping), by],
      );
    },

    async suppliers(): Promise<string[]> {
      const { rows } = await db.query<{ supplier: string }>(
        `select supplier from import_mappings
         union select distinct supplier from products where supplier is not null
         order by 1 limit 500`,
      );
      return rows.map((r) => r.supplier);
    },
  };
}

export type ImportJobRepository = ReturnType<typeof createImportJobRepository>;

/** The job was taken over by another worker (this one's lease ran out): stop without writing. */
export class LeaseLostError extends Error {
  constructor(readonly jobId: number) {
    super(`import ${jobId} is now run by another worker`);
    this.name = 'LeaseLostError';
  }
}
