import type { RawRow } from '../catalog/catalog.import.ts';
import { FIELDS, headerCurrency, type ColumnMapping } from './column.mapping.ts';
import { MoneyCell, type ImportTable } from './import.table.ts';
import { parsePrice } from './price.parse.ts';

/**
 * The table's rows as product fields under a mapping. Unmapped columns become attributes under
 * their header label. A row without a category takes its section heading; a row without a
 * supplier takes the supplier the file came from; a price column whose header names a currency
 * («Цена, руб.») gives it to prices written without one.
 */
export function toRawRows(
  table: ImportTable,
  mapping: ColumnMapping,
  defaults: { supplier?: string | undefined } = {},
): RawRow[] {
  const mapped = new Set(Object.values(mapping));
  const priceCurrency =
    (mapping.price ? headerCurrency(mapping.price) : null) ?? soleCurrency(table, mapping.price);
  return table.rows.map((row) => {
    if (row.cells.__invalid) return { line: row.line, values: { __invalid: true } };
    const values: Record<string, unknown> = {};
    for (const field of FIELDS) {
      const column = mapping[field];
      if (column !== undefined) values[field] = row.cells[column];
    }
    if (table.format === 'jsonl') {
      // JSON Lines keep their own structure: other keys as they are (an "attributes" object too)
      for (const [k, v] of Object.entries(row.cells)) if (!mapped.has(k) && !(k in values)) values[k] = v;
    } else {
      for (const column of table.columns) {
        if (!mapped.has(column) && !ROW_NUMBER.test(column.trim())) values[column] = row.cells[column];
      }
    }
    if (isBlank(values.category) && row.section) values.category = row.section;
    if (isBlank(values.supplier) && defaults.supplier) values.supplier = defaults.supplier;
    if (priceCurrency) values.__currency = priceCurrency;
    if (row.badEncoding) values.__badEncoding = true;
    return { line: row.line, values, ...(row.images.length ? { embedded: row.images } : {}) };
  });
}

const isBlank = (v: unknown) => v === null || v === undefined || String(v).trim() === '';

/** «№», «№ п/п», "#": the row's number in the file, not something about the product */
const ROW_NUMBER = /^(№|#|no\.?|n|№\s*п\/п|п\/п)$/i;

/**
 * The one currency the file's prices name, when all that name one agree («1 250,00 ₽» in most
 * rows, "1 000" in a few): those few are in it too. Two currencies in one file: no guess.
 */
function soleCurrency(table: ImportTable, priceColumn: string | undefined): string | null {
  if (!priceColumn) return null;
  const found = new Set<string>();
  for (const row of table.rows) {
    const v = row.cells[priceColumn];
    if (v instanceof MoneyCell) found.add(v.currency);
    else if (typeof v === 'string' && v.trim()) {
      try {
        const currency = parsePrice(v)?.currency;
        if (currency) found.add(currency);
      } catch {
        // a bad price is that row's problem, reported when it is imported
      }
    }
    if (found.size > 1) return null;
  }
  return found.size === 1 ? [...found][0]! : null;
}
