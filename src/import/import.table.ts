import { appError } from '../errors/app-error.ts';
import type { Field } from './column.mapping.ts';
import { looksLikeImage } from '../images/images.probe.ts';
import { detectDelimiter, parseCsv } from '../catalog/csv.parse.ts';

export type ImportFormat = 'csv' | 'jsonl' | 'xlsx';

/** A picture embedded in a spreadsheet row. */
export interface EmbeddedImage {
  /** the cell it sits in, for messages: "D7" */
  label: string;
  bytes: Buffer;
}

/** A formula cell saved without its result: never calculated here, so the row cannot use it. */
export class FormulaWithoutValue {
  constructor(readonly cell: string) {}
}

/** A number cell formatted as money («1 250,00 ₽»): the amount with the currency its format shows. */
export class MoneyCell {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
}

/** A hyperlinked cell: its text for most fields, its link for the images column. */
export class LinkCell {
  constructor(
    readonly text: string,
    readonly href: string,
  ) {}
  toString() {
    return this.text;
  }
}

export interface TableRow {
  /** the line (CSV, JSON Lines) or row number (Excel) people see in the file */
  line: number;
  /** column label → value as read */
  cells: Record<string, unknown>;
  images: EmbeddedImage[];
  /** the section heading above the row («Молочные продукты» spread across a price list) */
  section?: string;
  /** a line of the row is not valid UTF-8 in a UTF-8 file: the row fails rather than store garbage */
  badEncoding?: boolean;
}

export interface ImportTable {
  format: ImportFormat;
  /** every sheet of a workbook (empty for CSV and JSON Lines) */
  sheets: string[];
  sheet: string | null;
  /** column labels in file order, unique */
  columns: string[];
  /** a few values of each column, for the mapping step */
  samples: Record<string, string[]>;
  rows: TableRow[];
  /** pictures not next to any product row, for the summary */
  strayImages: number;
  /** pictures placed inside cells (Excel's «Place in Cell»), which are not read */
  cellImages?: number;
  /** the field a column's header names when its label alone does not say it («Товар / Артикул») */
  fieldHints?: Record<string, Field>;
}

/** Most rows one file may hold: beyond this a supplier file is not what this page is for. */
export const MAX_ROWS = 200_000;

/**
 * The file's format by its first bytes (the name is only a hint): ZIP → a workbook, OLE → an old
 * .xls, "{" → JSON Lines, other text → CSV.
 */
export function detectFormat(head: Buffer, name: string): ImportFormat {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw appError('IMPORT_XLS_LEGACY', { file: name });
  }
  const text = decodeText(head.subarray(0, 4096), true);
  if (text === null) throw appError('IMPORT_FORMAT_UNKNOWN', { file: name });
  if (/\.(jsonl|ndjson|json)$/i.test(name) || /^\s*\{/.test(text)) return 'jsonl';
  return 'csv';
}

/**
 * Text as spreadsheets save it: UTF-8 (with or without BOM), UTF-16 with a BOM ("Unicode text"),
 * or Windows-1251 (Excel's CSV in a Russian locale). null for binary data. `partial`: the bytes
 * may end in the middle of a character.
 */
export function decodeText(bytes: Buffer, partial = false): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (looksLikeImage(body)) return null; // a photo chosen by mistake
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(partial ? trimPartialUtf8(body) : body);
  } catch {
    text = new TextDecoder(cyrillicRun(body) ? 'windows-1251' : 'utf-8').decode(body);
  }
  // Control characters other than tab and line breaks mean binary data. A NUL alone does not: a
  // text file with one fails that row (PostgreSQL cannot store it), not the whole file.
  const binary = [...text].some((ch) => ch < ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r' && ch !== '\0');
  return binary ? null : text;
}

/** Three bytes in a row in Windows-1251's letter range (А–я): a Russian word, not a broken byte. */
function cyrillicRun(bytes: Buffer): boolean {
  let run = 0;
  for (const b of bytes) {
    run = b >= 0xc0 ? run + 1 : 0;
    if (run >= 3) return true;
  }
  return false;
}

function trimPartialUtf8(bytes: Buffer): Buffer {
  let end = bytes.length;
  // step back over at most 3 continuation bytes and the lead byte of a cut character
  for (let i = 1; i <= 4 && end - i >= 0; i++) {
    const b = bytes[end - i]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (i < need) end -= i;
    }
    break;
  }
  return bytes.subarray(0, end);
}

/**
 * A whole file as text, and the lines (1-based) that are not valid UTF-8. A file whose every
 * non-ASCII line fails as UTF-8 is Windows-1251 (Excel's Russian CSV) and is decoded as that;
 * a UTF-8 file with a few broken lines keeps UTF-8 and names those lines, so only their rows fail.
 * Lines are split on the newline byte, which never occurs inside a multi-byte UTF-8 sequence.
 */
export function decodeFile(bytes: Buffer): { text: string | null; badLines: Set<number> } {
  const badLines = new Set<number>();
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return { text: decodeText(bytes), badLines };
  const strict = new TextDecoder('utf-8', { fatal: true });
  let nonAscii = 0;
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    const slice = bytes.subarray(start, stop);
    if (slice.some((b) => b >= 0x80)) {
      nonAscii++;
      try {
        strict.decode(slice);
      } catch {
        badLines.add(line);
      }
    }
    if (end === -1) break;
    start = end + 1;
  }
  if (badLines.size === 0) return { text: decodeText(bytes), badLines };
  // every non-ASCII line fails as UTF-8 and there are Russian words: Excel's Windows-1251
  if (badLines.size === nonAscii && cyrillicRun(bytes))
    return { text: decodeText(bytes), badLines: new Set() };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return { text: new TextDecoder('utf-8').decode(body), badLines };
}

/** A row is bad when any line it spans (quoted fields may span several) is. */
function markBadLines(rows: TableRow[], badLines: Set<number>): void {
  if (badLines.size === 0) return;
  rows.forEach((row, i) => {
    const next = rows[i + 1]?.line ?? Number.MAX_SAFE_INTEGER;
    for (const bad of badLines) if (bad >= row.line && bad < next) row.badEncoding = true;
  });
}

export function readCsvTable(bytes: Buffer, name: string): ImportTable {
  const { text, badLines } = decodeFile(bytes);
  if (text === null) throw appError('IMPORT_FORMAT_UNKNOWN', { file: name });
  const records = parseCsv(text, detectDelimiter(text)).filter((r) => r.fields.some((f) => f.trim()));
  const [header, ...data] = records;
  if (!header) throw appError('IMPORT_EMPTY');
  if (data.length > MAX_ROWS) throw appError('IMPORT_TOO_MANY_ROWS', { max: MAX_ROWS });
  const columns = uniqueLabels(header.fields.map((f, i) => f.trim() || `column ${i + 1}`));
  const rows: TableRow[] = data.map((r) => ({
    line: r.line,
    cells: Object.fromEntries(columns.map((c, i) => [c, r.fields[i] ?? ''])),
    images: [],
  }));
  markBadLines(rows, badLines);
  return {
    format: 'csv',
    sheets: [],
    sheet: null,
    columns,
    samples: samplesOf(columns, rows),
    rows,
    strayImages: 0,
  };
}

export function readJsonLinesTable(bytes: Buffer, name: string): ImportTable {
  const { text, badLines } = decodeFile(bytes);
  if (text === null) throw appError('IMPORT_FORMAT_UNKNOWN', { file: name });
  const rows: TableRow[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    if (!raw.trim()) continue;
    if (rows.length >= MAX_ROWS) throw appError('IMPORT_TOO_MANY_ROWS', { max: MAX_ROWS });
    try {
      const value: unknown = JSON.parse(raw);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      for (const key of Object.keys(value)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
      rows.push({ line: i + 1, cells: value as Record<string, unknown>, images: [] });
    } catch {
      // Surfaces as that line's error instead of failing the whole file.
      rows.push({ line: i + 1, cells: { __invalid: true }, images: [] });
    }
  }
  if (rows.length === 0) throw appError('IMPORT_EMPTY');
  markBadLines(rows, badLines);
  return {
    format: 'jsonl',
    sheets: [],
    sheet: null,
    columns,
    samples: samplesOf(columns, rows),
    rows,
    strayImages: 0,
  };
}

/** "Цена", "Цена" → "Цена", "Цена (2)": a mapping names columns by label, so labels must differ. */
export function uniqueLabels(labels: string[]): string[] {
  const counts = new Map<string, number>();
  return labels.map((label) => {
    const n = (counts.get(label) ?? 0) + 1;
    counts.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}

export function samplesOf(columns: string[], rows: TableRow[], per = 3): Record<string, string[]> {
  const samples: Record<string, string[]> = {};
  for (const column of columns) {
    const values: string[] = [];
    for (const row of rows) {
      const v = sampleText(row.cells[column]);
      if (v && !values.includes(v)) values.push(v);
      if (values.length >= per) break;
    }
    samples[column] = values;
  }
  return samples;
}

function sampleText(v: unknown): string {
  if (v === null || v === undefined || v instanceof FormulaWithoutValue) return '';
  if (v instanceof MoneyCell) return `${v.amount} ${v.currency}`;
  if (v instanceof LinkCell) return v.text.trim().slice(0, 60);
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.trim().slice(0, 60);
}
