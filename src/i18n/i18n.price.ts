/**
 * A price as people type it: «1 000», «1 000,50», «1000 ₽», "1,000.50", "$12". Spaces of every
 * kind group thousands; a comma or a point followed by exactly three digits groups thousands too
 * (prices have no third decimal), otherwise the last one is the decimal separator.
 * NaN when the text is not a number.
 */
export function parsePrice(text: string): number {
  const cleaned = text
    .replace(/[\s\u00a0\u202f\u2009']/g, '')
    .replace(/(₽|руб\.?|р\.|rub|usd|eur|sek|[$€£])/gi, '');
  if (!/^\d[\d.,]*$/.test(cleaned) && !/^[.,]\d+$/.test(cleaned)) return Number.NaN;
  const separators = cleaned.match(/[.,]/g) ?? [];
  let normalized: string;
  if (separators.length === 0) normalized = cleaned;
  else {
    const last = Math.max(cleaned.lastIndexOf('.'), cleaned.lastIndexOf(','));
    const decimals = cleaned.slice(last + 1);
    const grouping = decimals.length === 3 && (separators.length === 1 || new Set(separators).size === 1);
    normalized = grouping
      ? cleaned.replace(/[.,]/g, '')
      : `${cleaned.slice(0, last).replace(/[.,]/g, '')}.${decimals}`;
  }
  return Number(normalized);
}
