import { formatNumber } from './i18n.format.ts';
import { localeOf, type Lang } from './i18n.lang.ts';
import { WORDS, type Text, type WordKey } from './i18n.words.ts';

export type Params = Record<string, string | number>;
/** `t('products', { count: 5 })` → «5 товаров»; `{name}` placeholders filled from params. */
export type Translate = (key: WordKey, params?: Params) => string;

const pluralRules = new Map<Lang, Intl.PluralRules>();

function pick(text: Text, lang: Lang, params: Params): string {
  if (typeof text === 'string') return text;
  const count = Number(params.count);
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(localeOf(lang))));
  const category = rules.select(Number.isFinite(count) ? count : 0) as keyof typeof text;
  return text[category] ?? text.other;
}

/** One word of the dictionary in one language; numbers in params are formatted for that language. */
export function translate(lang: Lang, key: WordKey, params: Params = {}): string {
  return pick(WORDS[key][lang], lang, params).replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, lang) : value;
  });
}

export const translator =
  (lang: Lang): Translate =>
  (key, params) =>
    translate(lang, key, params);

/**
 * The words a browser script needs, already in the page's language, for its JSON data island
 * (scripts never carry their own text). Params are filled here: scripts only look words up.
 */
export function wordsFor(
  t: Translate,
  keys: readonly WordKey[],
  params: Params = {},
): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, t(key, params)]));
}
