import { localeOf, type Lang } from './i18n.lang.ts';

export const formatNumber = (n: number, lang: Lang, digits = 2) =>
  new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits }).format(n);

/** «1 250,00 ₽», "$12.50"; a plain number with the code when the currency is unknown to Intl. */
export function formatPrice(price: number | null, currency: string | null, lang: Lang): string | null {
  if (price === null) return null;
  try {
    if (currency) return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency }).format(price);
  } catch {
    // unknown currency code: fall through to a plain number
  }
  return `${formatNumber(price, lang)}${currency ? ` ${currency}` : ''}`;
}

export const formatDateTime = (date: Date, lang: Lang) =>
  new Date(date).toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

/** A similarity (cosine, −1…1) as people read it on cards and on the slider: 73%. */
export const formatScore = (score: number) => `${Math.round(score * 100)}%`;

/** 10 МБ, 1,5 MB, 390 KB: the size of a limit as people say it. */
export function formatBytes(bytes: number, lang: Lang): string {
  const [kb, mb] = lang === 'ru' ? ['КБ', 'МБ'] : ['KB', 'MB'];
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} ${kb}`;
  return `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10, lang, 1)} ${mb}`;
}
