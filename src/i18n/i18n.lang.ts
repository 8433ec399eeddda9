/** The languages of the UI and of error messages: Russian by default, English on request. */
export const LANGS = ['ru', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const isLang = (value: unknown): value is Lang => value === 'ru' || value === 'en';

/** The BCP 47 locale used for numbers, prices, dates and plural rules. */
export const localeOf = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-US');

/** ?lang= wins, then the browser's Accept-Language (by weight); Russian by default. */
export function pickLang(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  if (isLang(queryLang)) return queryLang;
  const first = acceptLanguage
    ?.split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q ? Number(q) : 1 };
    })
    .filter((l) => l.tag.startsWith('en') || l.tag.startsWith('ru'))
    .sort((a, b) => b.q - a.q)[0];
  return first?.tag.startsWith('en') ? 'en' : 'ru';
}
