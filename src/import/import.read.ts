import { Worker } from 'node:worker_threads';
import { appError, isAppError } from '../errors/app-error.ts';
import type { ErrorCode } from '../errors/error.catalog.ts';
import {
  detectFormat,
  FormulaWithoutValue,
  LinkCell,
  MoneyCell,
  readCsvTable,
  readJsonLinesTable,
  type ImportFormat,
  type ImportTable,
} from './import.table.ts';
import { readXlsxTable } from './xlsx.read.ts';

export interface ReadOptions {
  name: string;
  sheet?: string | undefined;
  format?: ImportFormat | undefined;
}

/** A supplier file as a table, whatever its format: decided by its content, not its name. */
export async function readImportTable(bytes: Buffer, options: ReadOptions): Promise<ImportTable> {
  const format = options.format ?? detectFormat(bytes.subarray(0, 4096), options.name);
  if (format === 'xlsx') return readXlsxTable(bytes, options);
  if (format === 'jsonl') return readJsonLinesTable(bytes, options.name);
  return readCsvTable(bytes, options.name);
}

/**
 * The same, in a worker thread: parsing a large workbook takes seconds of CPU that would otherwise
 * stall every request of the web process. One worker per process, started on first use and kept
 * (unreferenced, so it never holds the process open); a worker that died is replaced.
 */
export function readImportTableOffThread(bytes: Buffer, options: ReadOptions): Promise<ImportTable> {
  const worker = readerWorker();
  const id = ++lastId;
  return new Promise<ImportTable>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.ref(); // held open while a file is being read, not after
    const copy = Uint8Array.from(bytes);
    worker.postMessage({ id, bytes: copy, options }, [copy.buffer]);
  });
}

let reader: Worker | null = null;
let lastId = 0;
const pending = new Map<number, { resolve(table: ImportTable): void; reject(error: Error): void }>();

function readerWorker(): Worker {
  if (reader) return reader;
  const worker = new Worker(new URL('./import.read.worker.mjs', import.meta.url), { execArgv: [] });
  worker.unref();
  worker.on(
    'message',
    (reply: { id: number; ok: boolean; table?: ImportTable; error?: TransferredError }) => {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
      if (reply.ok) waiting?.resolve(tableFromTransfer(reply.table!));
      else waiting?.reject(errorFromTransfer(reply.error!));
    },
  );
  const fail = (error: Error) => {
    reader = null;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the file reader stopped (exit code ${code})`)));
  worker.unref(); // after the listeners (adding one refs the worker again)
  reader = worker;
  return worker;
}

// ── crossing the thread boundary: class instances become tagged objects and back ────────────

type Tagged = { $money: [number, string] } | { $link: [string, string] } | { $formula: string };

function toTagged(v: unknown): unknown {
  if (v instanceof MoneyCell) return { $money: [v.amount, v.currency] };
  if (v instanceof LinkCell) return { $link: [v.text, v.href] };
  if (v instanceof FormulaWithoutValue) return { $formula: v.cell };
  return v;
}

function fromTagged(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const t = v as Partial<Record<'$money' | '$link' | '$formula', unknown>>;
  if (Array.isArray(t.$money)) return new MoneyCell(t.$money[0] as number, t.$money[1] as string);
  if (Array.isArray(t.$link)) return new LinkCell(t.$link[0] as string, t.$link[1] as string);
  if (typeof t.$formula === 'string') return new FormulaWithoutValue(t.$formula);
  return v;
}

export function tableToTransfer(table: ImportTable): ImportTable {
  return {
    ...table,
    rows: table.rows.map((row) => ({
      ...row,
      cells: Object.fromEntries(Object.entries(row.cells).map(([k, v]) => [k, toTagged(v)])),
    })),
  };
}

function tableFromTransfer(table: ImportTable): ImportTable {
  return {
    ...table,
    rows: table.rows.map((row) => ({
      ...row,
      cells: Object.fromEntries(Object.entries(row.cells).map(([k, v]) => [k, fromTagged(v as Tagged)])),
      // structured clone gives Uint8Arrays back
      images: row.images.map((img) => ({
        label: img.label,
        bytes: Buffer.from(img.bytes.buffer, img.bytes.byteOffset, img.bytes.byteLength),
      })),
    })),
  };
}

interface TransferredError {
  code?: ErrorCode;
  params?: Record<string, unknown>;
  subject?: string | undefined;
  message: string;
}

export function errorToTransfer(error: unknown): TransferredError {
  if (isAppError(error)) {
    return { code: error.code, params: error.params, subject: error.subject, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function errorFromTransfer(error: TransferredError): Error {
  if (!error.code) return new Error(error.message);
  const made = (
    appError as (code: ErrorCode, params?: Record<string, unknown>) => ReturnType<typeof appError>
  )(error.code, error.params);
  return error.subject ? made.about(error.subject) : made;
}
