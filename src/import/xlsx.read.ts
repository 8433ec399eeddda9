import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { appError, isAppError } from '../errors/app-error.ts';
import { fieldOf, headerScore, type Field } from './column.mapping.ts';
import {
  FormulaWithoutValue,
  LinkCell,
  MAX_ROWS,
  MoneyCell,
  samplesOf,
  uniqueLabels,
  type EmbeddedImage,
  type ImportTable,
  type TableRow,
} from './import.table.ts';
import { namedCurrencyOf } from './price.parse.ts';
import { hasDrawings, readSheetPictures, type SheetPicture } from './xlsx.drawings.ts';
import { openZip, type ZipArchive, type ZipLimits } from './zip.archive.ts';

/**
 * A workbook is itself a ZIP: checked like an uploaded one before exceljs inflates it, so a
 * "workbook" that unpacks to gigabytes of XML is refused instead of exhausting memory. XML
 * compresses well (10–50×), hence the higher ratio than for photos.
 */
const WORKBOOK_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxUnpackedBytes: 400 * 1024 * 1024,
  maxEntryBytes: 300 * 1024 * 1024,
  maxRatio: 1000,
};
const HEADER_SEARCH_ROWS = 30;
const MAX_COLUMNS = 200;

interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * The sheet of a supplier's workbook as rows of a table: the header row found among the first
 * rows (a title, a logo or a merged caption may come first; a second header row under merged
 * captions is joined as «Цена / опт»), empty rows skipped, a row merged down over the next rows
 * read once, a caption merged across the row («Молочные продукты») kept as the section of the
 * rows below it, and every picture attached to the product row it is anchored in. Formulas are
 * never calculated: their saved result is read, and a formula saved without one is reported.
 */
export async function readXlsxTable(
  bytes: Buffer,
  options: { name: string; sheet?: string | undefined },
): Promise<ImportTable> {
  const zip = await openWorkbook(bytes, options.name);
  try {
    return await readOpenWorkbook(bytes, zip, options);
  } finally {
    zip.close();
  }
}

async function readOpenWorkbook(
  bytes: Buffer,
  zip: ZipArchive,
  options: { name: string; sheet?: string | undefined },
): Promise<ImportTable> {
  // Pictures put «в ячейку» (Excel 365's Place in Cell) live in rich data, which exceljs does not
  // read: counted, so the summary can say so instead of losing them silently.
  const rels = zip.find('xl/richData/_rels/richValueRel.xml.rels');
  const cellImages = rels
    ? ((await zip.read(rels)).toString('utf8').match(/Target="[^"]*media\//g) ?? []).length
    : 0;
  const pictures = await readSheetPictures(zip);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs gets the cells only: the pictures are read above, from any producer's drawings
    const cellsOnly = hasDrawings(zip) ? await withoutDrawings(bytes) : bytes;
    await workbook.xlsx.load(cellsOnly as unknown as ArrayBuffer, { ignoreNodes: ['drawing'] } as never);
  } catch (error) {
    throw appError('IMPORT_XLSX_INVALID', { file: options.name, reason: (error as Error).message });
  }
  const sheets = workbook.worksheets.filter((ws) => ws.state !== 'veryHidden');
  if (sheets.length === 0) {
    throw appError('IMPORT_XLSX_INVALID', { file: options.name, reason: 'the workbook has no sheets' });
  }
  const ws = pickSheet(sheets, options.sheet);
  const rowCount = ws.rowCount;
  if (rowCount > MAX_ROWS) throw appError('IMPORT_TOO_MANY_ROWS', { max: MAX_ROWS });
  const colCount = Math.min(ws.columnCount, MAX_COLUMNS);

  const merges = mergesOf(ws);
  const mergeAt = new Map<string, Merge>();
  for (const m of merges) {
    for (let r = m.top; r <= m.bottom; r++)
      for (let c = m.left; c <= m.right; c++) mergeAt.set(`${r}:${c}`, m);
  }
  const value = (r: number, c: number): unknown => cellValue(ws.getCell(r, c));
  const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && !v.trim());

  // ── the header ────────────────────────────────────────────────────────────────────────────
  const found = findHeader(ws, colCount);
  if (!found) throw appError('IMPORT_NO_HEADER', { where: `${options.name}, «${ws.name}»` });
  const header = found.row;

  // Captions merged across several columns with words under them: a two-row header.
  const below = header + 1;
  const subHeader = below <= rowCount && isSubHeader(ws, merges, header, colCount);
  const firstData = subHeader ? header + 2 : header + 1;

  const labels: string[] = [];
  const hints: (Field | null)[] = [];
  const cols: number[] = [];
  for (let c = 1; c <= colCount; c++) {
    const top = text(value(header, c));
    const sub = subHeader ? text(value(below, c)) : '';
    let label = sub && sub !== top ? (top ? `${top} / ${sub}` : sub) : top;
    if (!label) {
      let used = false;
      for (let r = firstData; r <= rowCount && !used; r++) used = !isEmpty(value(r, c));
      if (!used) continue;
      label = columnLetter(c);
    }
    labels.push(label);
    hints.push((sub && fieldOf(sub)) || fieldOf(top) || null);
    cols.push(c);
  }
  const columns = uniqueLabels(labels);

  // ── the rows ──────────────────────────────────────────────────────────────────────────────
  const rows: TableRow[] = [];
  const productRowAt = new Map<number, TableRow>();
  let section: string | undefined;
  const sheetPictures = pictures.get(ws.name) ?? [];
  const anchoredRows = new Set(sheetPictures.map((p) => p.from.row + 1));
  for (let r = firstData; r <= rowCount; r++) {
    const cells: Record<string, unknown> = {};
    const filled: number[] = [];
    cols.forEach((c, i) => {
      const v = value(r, c);
      cells[columns[i]!] = v;
      if (!isEmpty(v)) filled.push(c);
    });
    if (filled.length === 0) continue;
    // Every filled cell continues a merge from a row above: the same product, read once.
    const from = filled.map((c) => mergeAt.get(`${r}:${c}`));
    if (from.every((m) => m && m.top < r)) {
      const owner = productRowAt.get(from[0]!.top) ?? null;
      if (owner) productRowAt.set(r, owner);
      continue;
    }
    const distinct = new Set(filled.map((c) => text(value(r, c))));
    if (distinct.size === 1 && !anchoredRows.has(r)) {
      const c = filled[0]!;
      const m = mergeAt.get(`${r}:${c}`);
      const v = value(r, c);
      if (typeof v === 'string' && ((m && m.right > m.left) || ws.getCell(r, c).font?.bold)) {
        section = v.trim();
        continue;
      }
    }
    const row: TableRow = { line: r, cells, images: [], ...(section ? { section } : {}) };
    rows.push(row);
    productRowAt.set(r, row);
  }

  // ── the pictures ──────────────────────────────────────────────────────────────────────────
  let strayImages = 0;
  // Rows as fractions, from the EMU offsets and each row's height (Excel's default: 15 pt).
  const EMU_PER_POINT = 12_700;
  const rowPosition = (corner: SheetPicture['from']) => {
    const height = (ws.getRow(corner.row + 1).height || ws.properties.defaultRowHeight || 15) * EMU_PER_POINT;
    return corner.row + Math.min(0.999, corner.rowOff / height);
  };
  const placed = [...sheetPictures].sort((a, b) => a.from.row - b.from.row || a.from.col - b.from.col);
  const seen = new Set<string>();
  for (const picture of placed) {
    const top = rowPosition(picture.from);
    // The row holding the picture's middle, else its top edge: pictures often overhang a row.
    const candidates = [
      picture.to ? Math.floor((top + rowPosition(picture.to)) / 2) + 1 : null,
      picture.from.row + 1,
      top % 1 > 0.7 ? picture.from.row + 2 : null,
    ].filter((r): r is number => r !== null);
    const anchorRow = candidates.find((r) => productRowAt.has(r));
    if (anchorRow === undefined) {
      if (picture.from.row + 1 >= firstData) strayImages++;
      continue;
    }
    const row = productRowAt.get(anchorRow)!;
    const key = `${row.line}:${picture.media.name}:${picture.from.col}:${picture.from.row}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const image: EmbeddedImage = {
      // the cell it sits in: what people look for in the sheet, in any language
      label: `${columnLetter(picture.from.col + 1)}${picture.from.row + 1}`,
      bytes: await zip.read(picture.media),
    };
    row.images.push(image);
  }

  const fieldHints: Record<string, Field> = {};
  columns.forEach((c, i) => {
    if (hints[i]) fieldHints[c] = hints[i]!;
  });
  return {
    format: 'xlsx',
    sheets: sheets.map((s) => s.name),
    sheet: ws.name,
    columns,
    samples: samplesOf(columns, rows),
    rows,
    strayImages,
    cellImages,
    fieldHints,
  };
}

/** The workbook's package, checked like an uploaded ZIP; kept open to read its pictures. */
async function openWorkbook(bytes: Buffer, name: string): Promise<ZipArchive> {
  let zip: ZipArchive;
  try {
    zip = await openZip(bytes, WORKBOOK_LIMITS);
  } catch (error) {
    if (isAppError(error) && error.code === 'ZIP_INVALID') {
      throw appError('IMPORT_XLSX_INVALID', { file: name, reason: 'the file is damaged' });
    }
    throw isAppError(error) ? error.about(name) : error;
  }
  if (!zip.find('xl/workbook.xml')) {
    zip.close();
    throw appError('IMPORT_XLSX_INVALID', {
      file: name,
      reason: 'it is a ZIP file but not an Excel workbook',
    });
  }
  return zip;
}

/**
 * The package without its drawings and media: exceljs fails to open workbooks whose drawings it
 * cannot parse (openpyxl's, among others), and the pictures are read separately anyway.
 */
async function withoutDrawings(bytes: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  for (const name of Object.keys(zip.files)) {
    if (/^xl\/(drawings|media)\//i.test(name)) zip.remove(name);
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

function pickSheet(sheets: ExcelJS.Worksheet[], wanted: string | undefined): ExcelJS.Worksheet {
  const names = sheets.map((s) => s.name).join(', ');
  if (wanted?.trim()) {
    const w = wanted.trim();
    const byName = sheets.find((s) => s.name.trim().toLowerCase() === w.toLowerCase());
    if (byName) return byName;
    if (/^\d+$/.test(w) && sheets[Number(w) - 1]) return sheets[Number(w) - 1]!;
    throw appError('IMPORT_SHEET_NOT_FOUND', { sheet: w, sheets: names });
  }
  // The first sheet, unless it holds no table (a cover or instructions sheet) and a later one does.
  const ordered = [
    ...sheets.filter((s) => s.state === 'visible'),
    ...sheets.filter((s) => s.state !== 'visible'),
  ];
  return (
    ordered.find((s) => (findHeader(s, Math.min(s.columnCount, MAX_COLUMNS))?.score ?? 0) >= 2) ??
    ordered.find((s) => s.actualRowCount > 0) ??
    sheets[0]!
  );
}

/**
 * The header row among the first rows: the one naming the most known fields («Артикул», «Цена»…),
 * else the first with two or more words in it. A title merged across the top has one.
 */
function findHeader(ws: ExcelJS.Worksheet, colCount: number): { row: number; score: number } | null {
  const textsOf = (r: number) => {
    const texts: string[] = [];
    for (let c = 1; c <= colCount; c++) {
      const v = cellValue(ws.getCell(r, c));
      if (typeof v === 'string' && v.trim() && !/^[\d\s.,]+$/.test(v) && !texts.includes(v.trim()))
        texts.push(v.trim());
    }
    return texts;
  };
  const searchTo = Math.min(ws.rowCount, HEADER_SEARCH_ROWS);
  let best: { row: number; score: number } | null = null;
  for (let r = 1; r <= searchTo; r++) {
    const score = headerScore(textsOf(r));
    if (score >= 2 && (!best || score > best.score)) best = { row: r, score };
  }
  if (best) {
    // the lower row of a two-row header: its captions are merged across it in the row above
    const above = best.row - 1;
    if (above >= 1 && textsOf(above).length >= 2 && isSubHeader(ws, mergesOf(ws), above, colCount))
      return { row: above, score: best.score };
    return best;
  }
  for (let r = 1; r <= searchTo; r++) if (textsOf(r).length >= 2) return { row: r, score: 0 };
  return null;
}

/** A cell's value as the import reads it; the formula's saved result, never a calculation. */
export function cellValue(cell: ExcelJS.Cell): unknown {
  const v = cell.type === ExcelJS.ValueType.Merge ? cell.master.value : cell.value;
  return plain(v, cell);
}

function plain(v: unknown, cell: ExcelJS.Cell): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    const currency = currencyOfFormat(cell.numFmt);
    return currency ? new MoneyCell(v, currency) : v;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      if (o.result === undefined || o.result === null) return new FormulaWithoutValue(cell.address);
      return plain(o.result, cell);
    }
    if (Array.isArray(o.richText))
      return (o.richText as { text?: string }[]).map((t) => t.text ?? '').join('');
    if (typeof o.hyperlink === 'string') {
      const label = o.text === undefined ? '' : text(plain(o.text, cell));
      return new LinkCell(label || o.hyperlink, o.hyperlink);
    }
    if (typeof o.error === 'string') return o.error;
    if (typeof o.text === 'string') return o.text;
  }
  return String(v);
}

/** The currency a number format shows: '#,##0.00 "₽"', '[$€-407] #,##0.00', '#,##0"р."'. */
export function currencyOfFormat(format: string | undefined): string | null {
  if (!format) return null;
  const tokens = [
    ...[...format.matchAll(/\[\$([^\]-]+)(?:-[^\]]*)?\]/g)].map((m) => m[1]!),
    ...[...format.matchAll(/"([^"]+)"/g)].map((m) => m[1]!),
    ...[...format.replace(/"[^"]*"|\[[^\]]*\]/g, '').matchAll(/[₽$€£¥₸₴]/g)].map((m) => m[0]),
  ];
  for (const token of tokens) {
    const code = namedCurrencyOf(token.trim()) ?? namedCurrencyOf(token.trim().replace(/\.$/, ''));
    if (code) return code;
  }
  return null;
}

function text(v: unknown): string {
  if (v === null || v === undefined || v instanceof FormulaWithoutValue) return '';
  if (v instanceof MoneyCell) return String(v.amount);
  return String(v).trim();
}

function mergesOf(ws: ExcelJS.Worksheet): Merge[] {
  return (ws.model.merges ?? []).map(parseRange).filter((m): m is Merge => m !== null);
}

/**
 * Whether the row under `top` is the second row of a two-row header: `top` has captions merged
 * across columns, and every filled cell of the row below sits under such a caption or continues
 * a cell merged down from `top` («№», «Фото» spanning both rows), with words only. A data row
 * has values outside the captions (its SKU, its name), so it never qualifies.
 */
function isSubHeader(ws: ExcelJS.Worksheet, merges: Merge[], top: number, colCount: number): boolean {
  const captions = merges.filter((m) => m.top === top && m.bottom === top && m.right > m.left);
  if (captions.length === 0) return false;
  const below = top + 1;
  let underCaption = false;
  for (let c = 1; c <= colCount; c++) {
    const v = cellValue(ws.getCell(below, c));
    if (v === null || (typeof v === 'string' && !v.trim())) continue;
    if (typeof v !== 'string') return false;
    if (captions.some((m) => c >= m.left && c <= m.right)) {
      underCaption = true;
      continue;
    }
    const down = merges.find((m) => m.top === top && m.bottom >= below && c >= m.left && c <= m.right);
    if (!down) return false;
  }
  return underCaption;
}

function parseRange(range: string): Merge | null {
  const m = /^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/i.exec(range);
  if (!m) return null;
  return {
    left: columnNumber(m[1]!),
    top: Number(m[2]),
    right: columnNumber(m[3]!),
    bottom: Number(m[4]),
  };
}

function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}
