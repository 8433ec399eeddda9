import { appError } from '../errors/app-error.ts';
import { namedCurrencyOf } from './price.parse.ts';

/** The product fields a column can fill; every other column becomes an attribute. */
export const FIELDS = [
  'sku',
  'name',
  'description',
  'category',
  'supplier',
  'price',
  'currency',
  'images',
] as const;
export type Field = (typeof FIELDS)[number];
export const REQUIRED_FIELDS: readonly Field[] = ['sku', 'name'];

/** field → the file's column label (as the header writes it) */
export type ColumnMapping = Partial<Record<Field, string>>;

/**
 * What supplier price lists call each field, in Russian and English. A header cell matches when,
 * lowercased and without punctuation, it equals an alias or starts with one followed by a space
 * ("цена опт", "наименование товара").
 */
const ALIASES: Record<Field, string[]> = {
  sku: [
    'sku',
    'артикул',
    'арт',
    'код',
    'код товара',
    'артикул поставщика',
    'vendor code',
    'item',
    'item no',
    'item number',
    'article',
    'part number',
    'part no',
    'product code',
    'code',
  ],
  name: [
    'name',
    'наименование',
    'название',
    'товар',
    'номенклатура',
    'наименование товара',
    'product',
    'product name',
    'title',
    'item name',
  ],
  description: ['description', 'описание', 'характеристики', 'details'],
  category: ['category', 'категория', 'группа', 'раздел', 'группа товаров', 'категория товара'],
  supplier: ['supplier', 'поставщик', 'vendor'],
  price: ['price', 'цена', 'стоимость', 'розничная цена', 'оптовая цена', 'цена за шт', 'unit price', 'cost'],
  currency: ['currency', 'валюта'],
  images: [
    'images',
    'image',
    'фото',
    'фотография',
    'фотографии',
    'изображение',
    'изображения',
    'картинка',
    'photo',
    'photos',
    'picture',
    'pictures',
  ],
};

export function normalizeLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The field a header label names, or null. */
export function fieldOf(label: string): Field | null {
  const norm = normalizeLabel(label);
  if (!norm) return null;
  let best: { field: Field; length: number } | null = null;
  for (const field of FIELDS) {
    for (const alias of ALIASES[field]) {
      if (norm === alias || norm.startsWith(`${alias} `)) {
        // the longest alias wins: "код товара" over "код"
        if (!best || alias.length > best.length) best = { field, length: alias.length };
      }
    }
  }
  return best?.field ?? null;
}

/** A currency a price column's header names: «Цена, руб.», "Price (EUR)", «Цена, ₽». */
export function headerCurrency(label: string): string | null {
  const words = label.split(/[\s,()[\]/]+/).filter(Boolean);
  for (const word of words.slice(1)) {
    const code = namedCurrencyOf(word) ?? namedCurrencyOf(word.replace(/[.:]+$/, ''));
    if (code) return code;
  }
  return null;
}

/** How many distinct fields a row of header candidates names: header detection's score. */
export function headerScore(labels: string[]): number {
  return new Set(labels.map(fieldOf).filter(Boolean)).size;
}

/**
 * The mapping a header implies by itself: each field to the first column naming it (by the
 * reader's hint for two-row headers, else by its label).
 */
export function autoMapping(columns: readonly string[], hints: Record<string, Field> = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const column of columns) {
    const field = hints[column] ?? fieldOf(column);
    if (field && !mapping[field]) mapping[field] = column;
  }
  return mapping;
}

/** Whether a mapping can import: the required fields are mapped to columns the file has. */
export function mappingComplete(mapping: ColumnMapping, columns: readonly string[]): boolean {
  return REQUIRED_FIELDS.every((f) => mapping[f] && columns.includes(mapping[f]!));
}

/**
 * A mapping a person chose: only known fields, only the file's columns, one column per field,
 * no column for two fields (but the name may also be the SKU), the required fields present.
 */
export function validateMapping(input: Record<string, unknown>, columns: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Map<string, Field>();
  for (const [key, value] of Object.entries(input)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw appError('IMPORT_MAPPING_INVALID', { problem: 'field', field: key });
    }
    if (value === undefined || value === null || value === '') continue;
    const column = String(value);
    if (!columns.includes(column)) throw appError('IMPORT_MAPPING_INVALID', { problem: 'column', column });
    const previous = used.get(column);
    // A price list without article numbers: its names may serve as SKUs (the one column twice).
    const namesAsSkus = previous && [previous, key].sort().join() === 'name,sku';
    if (previous && !namesAsSkus) throw appError('IMPORT_MAPPING_INVALID', { problem: 'twice', column });
    used.set(column, key as Field);
    mapping[key as Field] = column;
  }
  for (const field of REQUIRED_FIELDS) {
    if (!mapping[field]) throw appError('IMPORT_MAPPING_INVALID', { problem: 'required', field });
  }
  return mapping;
}
