export type Lang = 'ru' | 'en';

const ru = {
  appName: 'Витрина',
  tagline: 'Каталог товаров поставщиков',
  searchPlaceholder: 'Название, описание или артикул',
  search: 'Найти',
  byPhoto: 'По фото',
  filters: 'Фильтры',
  category: 'Категория',
  allCategories: 'Все категории',
  supplier: 'Поставщик',
  allSuppliers: 'Все поставщики',
  price: 'Цена',
  priceFrom: 'от',
  priceTo: 'до',
  apply: 'Применить',
  reset: 'Сбросить',
  sort: 'Сортировка',
  perPage: 'На странице',
  sorts: {
    relevance: 'По релевантности',
    name: 'По названию',
    price_asc: 'Сначала дешевле',
    price_desc: 'Сначала дороже',
    newest: 'Сначала новые',
  },
  priceOnRequest: 'Цена по запросу',
  noResults: 'Ничего не нашлось',
  noResultsHint: 'Попробуйте другой запрос или сбросьте фильтры.',
  emptyCatalog: 'Каталог пока пуст',
  emptyCatalogHint: 'Загрузите товары: npx vitrina import файл.csv — или демо-каталог: npx vitrina demo',
  fuzzyNote: 'Точных совпадений нет — показаны похожие по написанию',
  photoNothingSimilar: 'Похожих товаров не найдено. Может быть, вы искали:',
  prev: 'Назад',
  next: 'Вперёд',
  page: 'Страница',
  of: 'из',
  back: 'Все товары',
  sku: 'Артикул',
  description: 'Описание',
  details: 'Характеристики',
  images: 'Фотографии',
  notFound: 'Страница не найдена',
  notFoundProduct: 'Такого товара нет в каталоге',
  badRequest: 'Неверный запрос',
  serverError: 'Что-то пошло не так',
  goHome: 'Вернуться в каталог',
  countProducts: (n: number) => `${n.toLocaleString('ru-RU')} ${plural(n, 'товар', 'товара', 'товаров')}`,
  showing: (from: number, to: number, total: number) => `${from}–${to} из ${total.toLocaleString('ru-RU')}`,
};

type Messages = typeof ru;

const en: Messages = {
  appName: 'Vitrina',
  tagline: 'Supplier product catalog',
  searchPlaceholder: 'Name, description or SKU',
  search: 'Search',
  byPhoto: 'By photo',
  filters: 'Filters',
  category: 'Category',
  allCategories: 'All categories',
  supplier: 'Supplier',
  allSuppliers: 'All suppliers',
  price: 'Price',
  priceFrom: 'from',
  priceTo: 'to',
  apply: 'Apply',
  reset: 'Reset',
  sort: 'Sort',
  perPage: 'Per page',
  sorts: {
    relevance: 'Relevance',
    name: 'Name',
    price_asc: 'Price: low to high',
    price_desc: 'Price: high to low',
    newest: 'Newest',
  },
  priceOnRequest: 'Price on request',
  noResults: 'Nothing found',
  noResultsHint: 'Try another query or reset the filters.',
  emptyCatalog: 'The catalog is empty',
  emptyCatalogHint: 'Import products: npx vitrina import file.csv — or the demo catalog: npx vitrina demo',
  fuzzyNote: 'No exact matches — showing similar spellings',
  photoNothingSimilar: 'No similar products found. Maybe you were looking for:',
  prev: 'Previous',
  next: 'Next',
  page: 'Page',
  of: 'of',
  back: 'All products',
  sku: 'SKU',
  description: 'Description',
  details: 'Details',
  images: 'Photos',
  notFound: 'Page not found',
  notFoundProduct: 'This product is not in the catalog',
  badRequest: 'Bad request',
  serverError: 'Something went wrong',
  goHome: 'Back to the catalog',
  countProducts: (n: number) => `${n.toLocaleString('en-US')} product${n === 1 ? '' : 's'}`,
  showing: (from: number, to: number, total: number) => `${from}–${to} of ${total.toLocaleString('en-US')}`,
};

export type { Messages };
export const messages: Record<Lang, Messages> = { ru, en };

function plural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** ?lang= wins, then the browser's Accept-Language; Russian by default. */
export function pickLang(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  if (queryLang === 'en' || queryLang === 'ru') return queryLang;
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

export function formatPrice(price: number | null, currency: string | null, lang: Lang): string | null {
  if (price === null) return null;
  const locale = lang === 'ru' ? 'ru-RU' : 'en-US';
  try {
    if (currency) return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(price);
  } catch {
    // unknown currency code: fall through to a plain number
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(price)}${currency ? ` ${currency}` : ''}`;
}
