import { appError } from '../errors/app-error.ts';

export interface ParsedPrice {
  price: number;
  /** ISO code when the text named a currency («₽», "руб.", "$", "EUR") */
  currency: string | null;
}

/**
 * Currency words and signs as supplier price lists write them, longest first so "руб." wins
 * over "р". Matched case-insensitively as whole tokens around the number.
 */
const CURRENCY_TOKENS: [RegExp, string][] = [
  [/^(₽|руб\.?|рублей|рубля|рубль|р\.?|rub|rur)$/i, 'RUB'],
  [/^(\$|usd|us\$|долл\.?|дол\.?)$/i, 'USD'],
  [/^(€|eur|евро)$/i, 'EUR'],
  [/^(£|gbp)$/i, 'GBP'],
  [/^(¥|cny|rmb|юан(ь|ей|я)?)$/i, 'CNY'],
  [/^(₸|kzt|тенге|тг\.?)$/i, 'KZT'],
  [/^(₴|uah|грн\.?)$/i, 'UAH'],
  [/^(byn|br|бел\.?\s?руб\.?)$/i, 'BYN'],
];

const SPACES = /[\s\u00a0\u202f\u2009\u2007']/g;

/** A currency sign, word or ISO code → the ISO code; null when it is none of those. */
export function currencyOf(token: string): string | null {
  const t = token.trim();
  if (!t) return null;
  return namedCurrencyOf(t) ?? (/^[a-z]{3}$/i.test(t) ? t.toUpperCase() : null);
}

/** Only the signs and words listed above ("руб.", "₽", "EUR"), not any three letters. */
export function namedCurrencyOf(token: string): string | null {
  const t = token.trim();
  for (const [pattern, code] of CURRENCY_TOKENS) if (pattern.test(t)) return code;
  return null;
}

/**
 * A price as people write it: «1 250,00 ₽», "1,250.00", "1 000", "$12.50", "12,5 руб.",
 * "1.250,00 €", "RUB 1 250". Thousands may be grouped with spaces (also non-breaking and thin
 * ones), apostrophes, commas or dots; the decimal mark is whichever of "," and "." comes last when
 * both appear, and a lone comma or point followed by exactly three digits groups thousands
 * ("1,250" = "1.250" = 1250: prices have no third decimal).
 * A number from a spreadsheet cell is taken as it is. Empty → null.
 */
export function parsePrice(value: unknown): ParsedPrice | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 1e12) {
      throw appError('ROW_BAD_PRICE', { value: String(value) });
    }
    return { price: Math.round(value * 100) / 100, currency: null };
  }
  const raw = String(value).trim();
  if (!raw || ON_REQUEST.test(raw)) return null;
  const match = /^([^\d\-+.,]*?)\s*([+-]?[\d\s\u00a0\u202f\u2009\u2007'.,]*\d)\s*([^\d]*)$/.exec(raw);
  if (!match) throw appError('ROW_BAD_PRICE', { value: raw });
  const [, before = '', number = '', after = ''] = match;
  let currency: string | null = null;
  // "₽/шт", "руб./кг": the unit says nothing about the amount
  for (const side of [before, after.replace(/\/\s*[a-zа-яё.]+$/i, '')]) {
    const token = side.trim();
    if (!token) continue;
    const code = currencyOf(token) ?? currencyOf(token.replace(/[.,;:]+$/, ''));
    if (!code || currency) throw appError('ROW_BAD_PRICE', { value: raw });
    currency = code;
  }
  const price = parseAmount(number);
  if (price === null) throw appError('ROW_BAD_PRICE', { value: raw });
  return { price, currency };
}

/** what price lists write instead of a price: the product is listed at «Цена по запросу» */
const ON_REQUEST = /^(по\s+запросу|договорная|под\s+заказ|on\s+request|call|[-–—])$/i;

function parseAmount(text: string): number | null {
  // spaces group thousands only: "1 250,00" yes, "1 2 3" no
  if (
    /[\s\u00a0\u202f\u2009\u2007']/.test(text) &&
    !/^[+]?\d{1,3}([\s\u00a0\u202f\u2009\u2007']\d{3})+([.,]\d+)?$/.test(text.trim())
  )
    return null;
  let s = text.replace(SPACES, '');
  if (s.startsWith('+')) s = s.slice(1);
  if (!/^\d[\d.,]*$/.test(s)) return null; // negative or not a number
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const [int = '', frac = '', ...rest] = s.split(decimal);
    if (rest.length || !validGroups(int, group)) return null;
    s = `${int.split(group).join('')}.${frac}`;
  } else if (lastComma >= 0 || lastDot >= 0) {
    const mark = lastComma >= 0 ? ',' : '.';
    const parts = s.split(mark);
    if (parts.length > 2) {
      // "1.250.000" or "1,250,000": grouping only
      if (!validGroups(s, mark)) return null;
      s = parts.join('');
    } else if (/^[1-9]\d{0,2}[.,]\d{3}$/.test(s)) {
      s = parts.join(''); // "1,250", "1.250": thousands (prices have no third decimal)
    } else {
      s = parts.join('.');
    }
  }
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const price = Number(s);
  if (!Number.isFinite(price) || price > 1e12) return null;
  return Math.round(price * 100) / 100;
}

/** "1,250,000" grouped by threes after the first group */
function validGroups(text: string, mark: string): boolean {
  const groups = text.split(mark);
  return (
    groups.length === 1 || (/^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g)))
  );
}
