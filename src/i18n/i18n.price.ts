import { parsePrice as parsePriceText } from '../import/price.parse.ts';

/**
 * A price as people type it: «1 000», «1 000,50», «1000 ₽», "1,000.50", "$12". One set of rules
 * for the filters and for imported price lists (src/import/price.parse.ts): spaces of every kind
 * group thousands; a comma or a point followed by exactly three digits groups thousands too
 * (prices have no third decimal), otherwise the last one is the decimal separator.
 * NaN when the text is not a price.
 */
export function parsePrice(text: string): number {
  try {
    return parsePriceText(text)?.price ?? Number.NaN;
  } catch {
    return Number.NaN;
  }
}
