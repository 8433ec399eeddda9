import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ImageSource, ImportService } from '../catalog/catalog.import.ts';
import { localImages, requireMapping } from '../catalog/catalog.import.ts';
import { NO_AUDIT, type Actor, type CatalogAudit } from '../catalog/catalog.audit.ts';
import { appError, isAppError, type AppError } from '../errors/app-error.ts';
import { autoMapping, mappingComplete, validateMapping, type ColumnMapping } from './column.mapping.ts';
import {
  LeaseLostError,
  type ImportJob,
  type ImportJobRepository,
  type ImportRowError,
} from './import-job.repository.ts';
import { readImportTable, readImportTableOffThread } from './import.read.ts';
import { toRawRows } from './import.rows.ts';
import { NO_IMAGE_FILES, zipImages } from './import.sources.ts';
import type { ImportTable } from './import.table.ts';
import { openZip, type ZipArchive, type ZipLimits } from './zip.archive.ts';

export const LEASE_SECONDS = 60;
/** a job that took a process down this many times is not tried again */
export const MAX_ATTEMPTS = 3;
export const MAPPING_WAIT_HOURS = 48;
const TABLE_FILE = 'table';
const IMAGES_FILE = 'images.zip';

export interface UploadedFiles {
  /** the price list: where the upload was written, and its name as the person's computer called it */
  table: { path: string; name: string };
  images?: { path: string; name: string } | undefined;
}

export interface UploadOptions {
  supplier?: string | undefined;
  sheet?: string | undefined;
  /** show the column mapping step even when the header matched */
  reviewMapping?: boolean | undefined;
}

export interface MappingProposal {
  job: ImportJob;
  mapping: ColumnMapping;
  /** the mapping was remembered for this supplier */
  remembered: boolean;
}

export interface ImportJobLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Imports as jobs stored in the catalog database, shared by the «Импорт» page and `vitrina import`:
 * a file is read (format by content), matched to the product fields (automatically, by the mapping
 * remembered for its supplier, or by a person), then its rows are imported by whichever process
 * claims the job. Progress is committed with every row, so another process shows it live, and a
 * process that dies mid-file is replaced by the next one to claim the job, from the next row.
 */
export function createImportJobService(deps: {
  jobs: ImportJobRepository;
  importer: ImportService;
  dataDir: string;
  zipLimits: ZipLimits;
  audit?: CatalogAudit | undefined;
  logger?: ImportJobLogger | undefined;
  /** a job was queued: wake the worker */
  onQueued?: (() => void) | undefined;
  /** a job finished and wrote products: index their photos, collect unreferenced files */
  onFinished?: ((job: ImportJob) => Promise<void>) | undefined;
}) {
  const { jobs, importer, zipLimits } = deps;
  const audit = deps.audit ?? NO_AUDIT;
  const root = path.join(deps.dataDir, 'imports');
  const filesOf = (job: Pick<ImportJob, 'filesDir'>) => (job.filesDir ? path.join(root, job.filesDir) : null);

  async function readTable(file: string, job: { fileName: string; sheet?: string | null }) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      throw appError('IMPORT_FILES_GONE');
    }
    // off the main thread: a large workbook would stall the web process's requests for seconds
    return readImportTableOffThread(bytes, { name: job.fileName, sheet: job.sheet ?? undefined });
  }

  async function checkZip(file: string, name: string): Promise<void> {
    try {
      (await openZip(file, zipLimits)).close();
    } catch (error) {
      throw isAppError(error) ? error.about(name) : error;
    }
  }

  async function proposal(table: ImportTable, supplier: string | null) {
    const saved = supplier ? await jobs.savedMapping(supplier) : null;
    if (saved && mappingComplete(saved, table.columns)) {
      // keep only the columns this file still has
      const kept = Object.fromEntries(
        Object.entries(saved).filter(([, column]) => table.columns.includes(column)),
      ) as ColumnMapping;
      return { mapping: kept, remembered: true };
    }
    return { mapping: autoMapping(table.columns, table.fieldHints), remembered: false };
  }

  function rowError(rowIndex: number, line: number, sku: string | null, error: AppError): ImportRowError {
    return { rowIndex, line, sku, code: error.code, reasonEn: error.message, reasonRu: error.in('ru') };
  }

  async function end(job: ImportJob, outcome: Parameters<ImportJobRepository['finish']>[1]) {
    await jobs.finish(job.id, outcome);
    const dir = filesOf(job);
    if (dir) await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
  }

  async function fail(job: ImportJob, error: AppError) {
    const status = error.code === 'IMPORT_CANCELLED' ? 'cancelled' : 'failed';
    await end(job, { status, code: error.code, en: error.message, ru: error.in('ru') });
  }

  /**
   * Runs a claimed job from its checkpoint to the end (or until `signal`: shutdown). Returns the
   * summary of the rows this run wrote.
   */
  async function run(job: ImportJob, worker: string, signal?: AbortSignal) {
    const controller = new AbortController();
    const stop = () => controller.abort('shutdown');
    signal?.addEventListener('abort', stop, { once: true });
    let zip: ZipArchive | null = null;
    let heartbeat: NodeJS.Timeout | undefined;
    const state: { why: 'shutdown' | 'cancel' | 'lost' | null } = { why: null };
    try {
      if (job.attempts > MAX_ATTEMPTS) throw appError('IMPORT_INTERRUPTED', { attempts: job.attempts - 1 });
      if (!job.mapping) throw appError('IMPORT_NOT_WAITING');
      const dir = filesOf(job);
      if (!dir) throw appError('IMPORT_FILES_GONE');
      const table = await readTable(path.join(dir, TABLE_FILE), job);
      const rows = toRawRows(table, job.mapping, { supplier: job.supplier ?? undefined });
      await jobs.setTotal(job.id, rows.length, table.strayImages, table.cellImages ?? 0);
      let source: ImageSource = NO_IMAGE_FILES;
      if (job.imagesName) {
        try {
          zip = await openZip(path.join(dir, IMAGES_FILE), zipLimits);
        } catch (error) {
          throw isAppError(error) ? error.about(job.imagesName) : error;
        }
        source = zipImages(zip);
      }
      heartbeat = setInterval(
        () => {
          jobs.heartbeat(job.id, worker, LEASE_SECONDS).then(
            (beat) => {
              if (!beat.ours || beat.cancel) {
                state.why = beat.ours ? 'cancel' : 'lost';
                controller.abort(state.why);
              }
            },
            () => {}, // a missed beat is retried; the lease outlasts two of them
          );
        },
        (LEASE_SECONDS * 1000) / 3,
      );
      heartbeat.unref();
      const start = job.processedRows;
      const summary = await importer.importRows(rows.slice(start), source, {
        signal: controller.signal,
        onWritten: (tx, r) => jobs.rowWritten(tx, job.id, worker, start + r.index, r.created),
        onFailed: (r) => jobs.rowFailed(job.id, worker, rowError(start + r.index, r.line, r.sku, r.error)),
      });
      if (controller.signal.aborted) state.why ??= 'shutdown';
      if (state.why === 'shutdown') await jobs.release(job.id, worker, { clean: true });
      if (state.why === 'cancel') {
        await fail(job, appError('IMPORT_CANCELLED'));
      } else if (state.why === null) {
        await completed(job);
      }
      return summary;
    } catch (error) {
      if (error instanceof LeaseLostError) return null;
      if (isAppError(error)) {
        await fail(job, error);
        await audit.record(actorOfJob(job), 'import', {
          subject: `import #${job.id} ${job.fileName}`,
          details: { event: 'failed', code: error.code, reason: error.message },
        });
        if (job.origin === 'cli') throw error;
        return null;
      }
      // Not the file's fault (a database outage, a bug): the job is tried again from its
      // checkpoint, by this or another process, until MAX_ATTEMPTS runs gave up the same way.
      deps.logger?.error({ import: job.id, err: (error as Error).message }, 'import stopped');
      if (job.attempts >= MAX_ATTEMPTS) await fail(job, appError('INTERNAL')).catch(() => {});
      else await jobs.release(job.id, worker).catch(() => {});
      throw error;
    } finally {
      clearInterval(heartbeat);
      signal?.removeEventListener('abort', stop);
      zip?.close();
    }
  }

  return {
    run,

    /** A folder under DATA_DIR for one upload's files before its job exists. */
    async incomingDir(): Promise<string> {
      const dir = path.join(root, `incoming-${Date.now()}-${crypto.randomBytes(6).toString('hex')}`);
      await fs.mkdir(dir, { recursive: true });
      return dir;
    },

    /**
     * An upload from the page: the file is read now, so a wrong format, a missing header or a
     * refused ZIP is answered at once and no job is left behind. The job is queued when the
     * header names the columns (or the supplier's remembered mapping fits); otherwise it waits
     * for the mapping step.
     */
    async start(files: UploadedFiles, options: UploadOptions, actor: Actor): Promise<ImportJob> {
      const incoming = path.dirname(files.table.path);
      // names and words typed by people are stored and logged: no NUL, which PostgreSQL refuses
      files = {
        table: { ...files.table, name: noNul(files.table.name) },
        images: files.images && { ...files.images, name: noNul(files.images.name) },
      };
      options = { ...options, supplier: noNul(options.supplier), sheet: noNul(options.sheet) };
      try {
        const supplier = options.supplier?.trim() || null;
        const table = await readTable(files.table.path, { fileName: files.table.name, sheet: options.sheet });
        if (files.images) await checkZip(files.images.path, files.images.name);
        const { mapping } = await proposal(table, supplier);
        const ready = mappingComplete(mapping, table.columns) && !options.reviewMapping;
        const filesDir = `job-${Date.now()}-${crypto.randomBytes(6).toString('hex')}`;
        await fs.mkdir(path.join(root, filesDir), { recursive: true });
        await fs.rename(files.table.path, path.join(root, filesDir, TABLE_FILE));
        if (files.images) await fs.rename(files.images.path, path.join(root, filesDir, IMAGES_FILE));
        const job = await jobs.create({
          status: ready ? 'queued' : 'mapping',
          origin: 'web',
          fileName: files.table.name,
          imagesName: files.images?.name ?? null,
          format: table.format,
          sheet: table.sheet,
          sheets: table.sheets,
          supplier,
          columns: table.columns,
          samples: table.samples,
          mapping,
          filesDir,
          createdBy: actor.label,
          createdById: actor.userId,
        });
        await audit.record(actor, 'import', {
          subject: `import #${job.id} ${job.fileName}`,
          details: {
            event: 'uploaded',
            rows: table.rows.length,
            supplier,
            images: files.images?.name ?? null,
            sheet: table.sheet,
          },
        });
        if (ready) deps.onQueued?.();
        return job;
      } catch (error) {
        // a refused upload is an outcome too: who tried what, and why it was refused
        if (isAppError(error)) {
          await audit.record(actor, 'import', {
            subject: files.table.name,
            details: { event: 'refused', code: error.code, reason: error.message },
          });
        }
        throw error;
      } finally {
        await fs.rm(incoming, { recursive: true, force: true }).catch(() => {});
      }
    },

    /** The mapping step: the job's columns with the proposed (or remembered) mapping. */
    async mappingProposal(id: number): Promise<MappingProposal> {
      const job = await jobs.get(id);
      if (!job) throw appError('IMPORT_NOT_FOUND');
      if (job.status !== 'mapping') throw appError('IMPORT_NOT_WAITING');
      const remembered = job.supplier ? await jobs.savedMapping(job.supplier) : null;
      return {
        job,
        mapping: job.mapping ?? {},
        remembered: Boolean(remembered && mappingComplete(remembered, job.columns)),
      };
    },

    /** Another sheet of the workbook while the job waits for its mapping. */
    async chooseSheet(id: number, sheet: string): Promise<ImportJob> {
      const job = await jobs.get(id);
      if (!job) throw appError('IMPORT_NOT_FOUND');
      if (job.status !== 'mapping') throw appError('IMPORT_NOT_WAITING');
      const dir = filesOf(job);
      if (!dir) throw appError('IMPORT_FILES_GONE');
      const table = await readTable(path.join(dir, TABLE_FILE), { fileName: job.fileName, sheet });
      const { mapping } = await proposal(table, job.supplier);
      await jobs.updateWaiting(id, {
        sheet: table.sheet,
        columns: table.columns,
        samples: table.samples,
        mapping,
      });
      return (await jobs.get(id))!;
    },

    /** The person's mapping: checked, remembered for the supplier, and the job queued. */
    async setMapping(id: number, input: Record<string, unknown>, actor: Actor): Promise<ImportJob> {
      const job = await jobs.get(id);
      if (!job) throw appError('IMPORT_NOT_FOUND');
      if (job.status !== 'mapping') throw appError('IMPORT_NOT_WAITING');
      const mapping = validateMapping(input, job.columns);
      if (job.supplier) await jobs.saveMapping(job.supplier, mapping, actor.label);
      if (!(await jobs.queue(id, mapping))) throw appError('IMPORT_NOT_WAITING');
      await audit.record(actor, 'import', {
        subject: `import #${job.id} ${job.fileName}`,
        details: { event: 'mapped', mapping, supplier: job.supplier },
      });
      deps.onQueued?.();
      return (await jobs.get(id))!;
    },

    /** Stops a job: at once when it waits, between rows when it runs (the rows done so far stay). */
    async cancel(id: number, actor: Actor): Promise<void> {
      const job = await jobs.get(id);
      if (!job) throw appError('IMPORT_NOT_FOUND');
      const status = await jobs.requestCancel(id);
      if (!status) return; // already over
      if (status !== 'running') await fail(job, appError('IMPORT_CANCELLED'));
      await audit.record(actor, 'import', {
        subject: `import #${job.id} ${job.fileName}`,
        details: { event: 'cancelled' },
      });
    },

    /**
     * `vitrina import`: the same job, run at once in this process, with images named by the rows
     * read beside the file. Recorded like an upload, so the page lists it too.
     */
    async runLocal(
      file: string,
      options: { sheet?: string; supplier?: string; mapping?: ColumnMapping },
      actor: Actor,
    ) {
      const absolute = path.resolve(file);
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(absolute);
      } catch {
        throw appError('IMPORT_FILE_UNREADABLE', { file });
      }
      const table = await readImportTable(bytes, { name: path.basename(file), sheet: options.sheet });
      const supplier = options.supplier?.trim() || null;
      const mapping = options.mapping
        ? validateMapping(options.mapping, table.columns)
        : (await proposal(table, supplier)).mapping;
      requireMapping(mapping, table.columns);
      // The job reads the file where it lies: a command-line import copies nothing.
      const worker = workerId();
      const job = await jobs.create({
        status: 'running',
        origin: 'cli',
        fileName: path.basename(file),
        imagesName: null,
        format: table.format,
        sheet: table.sheet,
        sheets: table.sheets,
        supplier,
        columns: table.columns,
        samples: table.samples,
        mapping,
        filesDir: null,
        createdBy: actor.label,
        createdById: actor.userId,
        claimedBy: worker,
        leaseSeconds: LEASE_SECONDS,
      });
      await audit.record(actor, 'import', {
        subject: `import #${job.id} ${job.fileName}`,
        details: { event: 'started', file: absolute, supplier, rows: table.rows.length },
      });
      const summary = await runRows(job, table, mapping, supplier, absolute, worker);
      return summary;
    },

    get: (id: number) => jobs.get(id),
    list: (limit = 50) => jobs.list(limit),
    errors: (id: number) => jobs.errors(id),
    suppliers: () => jobs.suppliers(),

    /** The failed rows as CSV for a spreadsheet: line, SKU and the reason in the person's language. */
    async errorsCsv(id: number, lang: 'ru' | 'en'): Promise<string> {
      const job = await jobs.get(id);
      if (!job) throw appError('IMPORT_NOT_FOUND');
      const header = lang === 'ru' ? ['Строка', 'Артикул', 'Причина'] : ['Line', 'SKU', 'Reason'];
      const lines = [
        header,
        ...(await jobs.errors(id)).map((e) => [
          String(e.line),
          e.sku ?? '',
          lang === 'ru' ? e.reasonRu : e.reasonEn,
        ]),
      ];
      // BOM: Excel opens UTF-8 CSV with Cyrillic correctly only with it
      return '\ufeff' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
    },

    /**
     * Ends jobs that can no longer run: a command-line import whose process died, a mapping step
     * left for two days, a stop asked for while waiting.
     */
    async sweep(): Promise<void> {
      for (const job of await jobs.stale(MAPPING_WAIT_HOURS)) {
        if (job.status === 'mapping' && !job.cancelRequested)
          await fail(job, appError('IMPORT_ABANDONED', { hours: MAPPING_WAIT_HOURS }));
        else if (job.status === 'running')
          await fail(job, appError('IMPORT_INTERRUPTED', { attempts: job.attempts }));
        else await fail(job, appError('IMPORT_CANCELLED'));
      }
    },
  };

  /** A job that went through all its rows: recorded, then its follow-up work (indexing, files). */
  async function completed(job: ImportJob): Promise<void> {
    await end(job, { status: 'done' });
    const done = (await jobs.get(job.id)) ?? job;
    deps.logger?.info(
      { import: job.id, imported: done.imported, updated: done.updated, failed: done.failed },
      'import finished',
    );
    await audit.record(actorOfJob(done), 'import', {
      subject: `import #${job.id} ${job.fileName}`,
      details: {
        event: 'finished',
        imported: done.imported,
        updated: done.updated,
        failed: done.failed,
        supplier: job.supplier,
      },
    });
    await deps.onFinished?.(done);
  }

  /** The command line's run: rows of a table already read, images beside the file. */
  async function runRows(
    job: ImportJob,
    table: ImportTable,
    mapping: ColumnMapping,
    supplier: string | null,
    file: string,
    worker: string,
  ) {
    const rows = toRawRows(table, mapping, { supplier: supplier ?? undefined });
    await jobs.setTotal(job.id, rows.length, table.strayImages, table.cellImages ?? 0);
    const heartbeat = setInterval(
      () => {
        jobs.heartbeat(job.id, worker, LEASE_SECONDS).catch(() => {});
      },
      (LEASE_SECONDS * 1000) / 3,
    );
    heartbeat.unref();
    try {
      const summary = await importer.importRows(rows, localImages(path.dirname(file)), {
        onWritten: (tx, r) => jobs.rowWritten(tx, job.id, worker, r.index, r.created),
        onFailed: (r) => jobs.rowFailed(job.id, worker, rowError(r.index, r.line, r.sku, r.error)),
      });
      await completed(job);
      return { ...summary, jobId: job.id, strayImages: table.strayImages, cellImages: table.cellImages ?? 0 };
    } catch (error) {
      if (isAppError(error)) await fail(job, error);
      else await fail(job, appError('INTERNAL')).catch(() => {});
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }
}

export type ImportJobService = ReturnType<typeof createImportJobService>;

export function workerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

function noNul<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : text.replaceAll('\u0000', '\ufffd')) as T;
}

function actorOfJob(job: ImportJob): Actor {
  return { userId: job.createdById, label: job.createdBy, address: null };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
