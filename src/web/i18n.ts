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

// ── catalog management (imports, product editing, indexing) ─────────────────────────────────
// Written in the shape of the UI dictionary issue 12 brings (src/i18n): entries move there as they are.

interface Forms {
  one: string;
  few?: string;
  many?: string;
  other: string;
}
type Text = string | Forms;
const w = (ru: Text, en: Text) => ({ ru, en });
const ru3 = (one: string, few: string, many: string): Forms => ({ one, few, many, other: few });
const en2 = (one: string, other: string): Forms => ({ one, other });

export const ADMIN_WORDS = {
  navImport: w('Импорт', 'Import'),
  navIndexing: w('Индексация', 'Indexing'),

  // ── «Импорт» ──────────────────────────────────────────────────────────────────────────────
  importTitle: w('Импорт товаров', 'Import products'),
  importIntro: w(
    'Загрузите прайс-лист поставщика: таблицу Excel (.xlsx) — фото в её строках подхватятся сами, — CSV или JSON Lines. Товары с теми же артикулами обновятся, новые добавятся.',
    'Upload a supplier price list: an Excel workbook (.xlsx) — photos in its rows are picked up — CSV or JSON Lines. Products with the same SKUs are updated, new ones added.',
  ),
  importFile: w('Файл с товарами', 'File with products'),
  importFileHint: w('XLSX, CSV или JSON Lines, до {size}.', 'XLSX, CSV or JSON Lines, up to {size}.'),
  importImages: w('ZIP-архив с фото (необязательно)', 'ZIP of photos (optional)'),
  importImagesHint: w(
    'Если в таблице указаны имена файлов фото или фото названы по артикулам (A-100.jpg, A-100_2.jpg). До {size}.',
    'When the table names photo files, or the photos are named by SKU (A-100.jpg, A-100_2.jpg). Up to {size}.',
  ),
  importSupplier: w('Поставщик', 'Supplier'),
  importSupplierHint: w(
    'Подставится товарам без поставщика, и сопоставление столбцов запомнится для него.',
    'Given to products without a supplier; the column mapping is remembered for it.',
  ),
  importSheet: w('Лист Excel', 'Excel sheet'),
  importSheetHint: w(
    'Название или номер. По умолчанию — первый лист с таблицей.',
    'Name or number. By default the first sheet with a table.',
  ),
  importReview: w(
    'Проверить сопоставление столбцов перед загрузкой',
    'Review the column mapping before importing',
  ),
  importSubmit: w('Загрузить', 'Upload'),
  importRecent: w('Последние загрузки', 'Recent imports'),
  importNone: w('Загрузок пока не было.', 'No imports yet.'),
  importColFile: w('Файл', 'File'),
  importColStatus: w('Состояние', 'Status'),
  importColResult: w('Результат', 'Result'),
  importColWho: w('Кто и когда', 'Who and when'),
  status_mapping: w('Ждёт сопоставления столбцов', 'Waiting for the column mapping'),
  status_queued: w('В очереди', 'Queued'),
  status_running: w('Идёт загрузка', 'Importing'),
  status_done: w('Готово', 'Done'),
  status_failed: w('Не выполнена', 'Failed'),
  status_cancelled: w('Остановлена', 'Stopped'),
  importHeading: w('Загрузка №{id}', 'Import #{id}'),
  importReading: w('Читаем файл…', 'Reading the file…'),
  importProgress: w('{done} из {total} строк', '{done} of {total} rows'),
  importNew: w('Новых товаров', 'New products'),
  importUpdated: w('Обновлено', 'Updated'),
  importFailed: w('Строк с ошибками', 'Rows with errors'),
  importResult: w(
    'новых {imported}, обновлено {updated}, с ошибками {failed}',
    'new {imported}, updated {updated}, errors {failed}',
  ),
  importFailedRows: w('Строки с ошибками', 'Rows with errors'),
  importDownloadCsv: w('Скачать список ошибок (CSV)', 'Download the errors (CSV)'),
  importLine: w('Строка', 'Line'),
  importSku: w('Артикул', 'SKU'),
  importReason: w('Причина', 'Reason'),
  importMoreErrors: w('Ещё {count} — все они в CSV.', '{count} more — all of them are in the CSV.'),
  importStray: w(
    ru3(
      '{count} фото в таблице не стоит ни в одной строке товара — оно пропущено.',
      '{count} фото в таблице не стоят ни в одной строке товара — они пропущены.',
      '{count} фото в таблице не стоят ни в одной строке товара — они пропущены.',
    ),
    en2(
      '{count} picture in the sheet is not in any product row and was skipped.',
      '{count} pictures in the sheet are not in any product row and were skipped.',
    ),
  ),
  importCancel: w('Остановить', 'Stop'),
  importAgain: w('Загрузить ещё файл', 'Upload another file'),
  importSeeProducts: w('Открыть каталог', 'Open the catalog'),
  importIndexNote: w(
    'Новые фото станут доступны для поиска по фото после индексации — её ход на странице «Индексация».',
    'New photos become searchable by photo once indexed — see the «Indexing» page.',
  ),
  importFileLabel: w('Файл: {file}', 'File: {file}'),
  importImagesLabel: w('Фото: {file}', 'Photos: {file}'),
  importSupplierLabel: w('Поставщик: {supplier}', 'Supplier: {supplier}'),
  importSheetLabel: w('Лист: {sheet}', 'Sheet: {sheet}'),
  importByWhen: w('{who}, {when}', '{who}, {when}'),
  importNotDone: w('Загрузка не выполнена', 'The import did not run'),
  importChooseColumns: w('Сопоставить столбцы', 'Match the columns'),

  // ── column mapping ────────────────────────────────────────────────────────────────────────
  mappingTitle: w('Сопоставление столбцов', 'Column mapping'),
  mappingIntro: w(
    'Укажите, в каком столбце файла «{file}» что находится. Обязательны артикул и название; остальные столбцы сохранятся как характеристики товара.',
    'Say which column of “{file}” holds what. The SKU and the name are required; other columns are kept as product details.',
  ),
  mappingRemember: w(
    'Выбор запомнится для поставщика «{supplier}».',
    'The choice is remembered for the supplier “{supplier}”.',
  ),
  mappingRemembered: w(
    'Подставлен выбор, сохранённый для «{supplier}».',
    'Filled in from the choice saved for “{supplier}”.',
  ),
  mappingField: w('Поле товара', 'Product field'),
  mappingColumn: w('Столбец файла', 'File column'),
  mappingNone: w('— нет —', '— none —'),
  mappingRequired: w('обязательно', 'required'),
  mappingSamples: w('Например: {values}', 'For example: {values}'),
  mappingStart: w('Начать загрузку', 'Start the import'),
  mappingSheet: w('Лист книги', 'Workbook sheet'),
  mappingSheetApply: w('Открыть лист', 'Open the sheet'),
  field_sku: w('Артикул', 'SKU'),
  field_name: w('Название', 'Name'),
  field_description: w('Описание', 'Description'),
  field_category: w('Категория', 'Category'),
  field_supplier: w('Поставщик', 'Supplier'),
  field_price: w('Цена', 'Price'),
  field_currency: w('Валюта', 'Currency'),
  field_images: w('Фото (имена файлов или ссылки)', 'Photos (file names or links)'),

  // ── product editing ───────────────────────────────────────────────────────────────────────
  edit: w('Изменить', 'Edit'),
  editTitle: w('Изменение товара', 'Edit product'),
  editBack: w('К товару', 'Back to the product'),
  editFields: w('Данные товара', 'Product details'),
  editSave: w('Сохранить', 'Save'),
  editSaved: w('Изменения сохранены.', 'Changes saved.'),
  editPriceHint: w(
    'Как удобно: 1 250,00 ₽, 1250, $12.50. Пусто — «цена по запросу».',
    'As you like: 1 250,00 ₽, 1250, $12.50. Empty: price on request.',
  ),
  editCurrencyHint: w('Код из трёх букв: RUB, USD, EUR.', 'A three-letter code: RUB, USD, EUR.'),
  editAttributes: w('Характеристики', 'Details'),
  editAttributesHint: w('По одной в строке: «название: значение».', 'One per line: “name: value”.'),
  editPhotos: w('Фотографии', 'Photos'),
  editPhotosHint: w(
    'Первое фото — главное: оно на карточке товара. До {max} фото.',
    'The first photo is the main one, shown on the card. Up to {max} photos.',
  ),
  editMain: w('Главное', 'Main'),
  editMakeMain: w('Сделать главным', 'Make main'),
  editUp: w('Выше', 'Up'),
  editDown: w('Ниже', 'Down'),
  editRemovePhoto: w('Удалить фото', 'Remove photo'),
  editPhotoRemoved: w('Фото удалено.', 'Photo removed.'),
  editPhotosAdded: w(
    ru3('Добавлено {count} фото.', 'Добавлено {count} фото.', 'Добавлено {count} фото.'),
    en2('{count} photo added.', '{count} photos added.'),
  ),
  editPhotosMoved: w('Порядок фото изменён.', 'Photo order changed.'),
  editAddPhotos: w('Добавить фото', 'Add photos'),
  editAddPhotosHint: w(
    'JPG, PNG, WEBP или GIF, до {size} каждое.',
    'JPG, PNG, WEBP or GIF, up to {size} each.',
  ),
  editNoPhotos: w('Фото пока нет.', 'No photos yet.'),
  editPhotoAlt: w('Фото {n}', 'Photo {n}'),
  editReindex: w('Проиндексировать фото заново', 'Index the photos again'),
  editReindexed: w(
    'Фото товара поставлены в очередь на индексацию.',
    'The product’s photos are queued for indexing.',
  ),
  editDanger: w('Удаление товара', 'Delete the product'),
  editDeleteHint: w(
    'Товар исчезнет из каталога и из поиска по фото вместе с фотографиями. Отменить это нельзя.',
    'The product leaves the catalog and photo search, with its photos. This cannot be undone.',
  ),
  editDeleteConfirm: w('Да, удалить «{name}»', 'Yes, delete “{name}”'),
  editDelete: w('Удалить товар', 'Delete the product'),
  editDeletedTitle: w('Товар удалён', 'Product deleted'),
  editDeleted: w(
    'Товар «{name}» (артикул {sku}) удалён из каталога и из поиска по фото.',
    'The product “{name}” (SKU {sku}) was removed from the catalog and from photo search.',
  ),
  editToCatalog: w('Вернуться в каталог', 'Back to the catalog'),

  // ── «Индексация» ──────────────────────────────────────────────────────────────────────────
  indexingTitle: w('Индексация фото', 'Photo indexing'),
  indexingIntro: w(
    'Чтобы товар находился по фото, каждое его фото обрабатывает модель распознавания. Здесь видно, сколько фото готово, что не получилось и почему.',
    'For a product to be found by photo, a recognition model processes each of its photos. Here you see how many are ready, what failed and why.',
  ),
  idxServing: w('Поиск по фото использует модель {model}.', 'Search by photo uses the model {model}.'),
  idxServingNone: w(
    'Поиск по фото пока не работает: ни у одной модели нет готового набора.',
    'Search by photo is not working yet: no model has a complete set.',
  ),
  idxBuilding: w('Готовится модель {model}.', 'Building the model {model}.'),
  idxUnavailable: w('Индексация недоступна: {reason}', 'Indexing is unavailable: {reason}'),
  idxDone: w('Готово', 'Done'),
  idxPending: w('В очереди', 'Queued'),
  idxFailed: w('Ошибки', 'Failed'),
  idxRate: w('Скорость', 'Speed'),
  idxRateValue: w('{rate} фото/с', '{rate} photos/s'),
  idxEta: w('Осталось', 'Left'),
  idxEtaMinutes: w('≈ {count} мин', '≈ {count} min'),
  idxEtaSeconds: w('≈ {count} с', '≈ {count} s'),
  idxOf: w('{done} из {total}', '{done} of {total}'),
  idxServingBadge: w('отвечает на поиск', 'serves search'),
  idxConfiguredBadge: w('указана в настройках (MODEL)', 'configured (MODEL)'),
  idxPinnedBadge: w('выбрана вручную', 'chosen by hand'),
  idxCompleteBadge: w('набор готов', 'set complete'),
  idxIncompleteBadge: w('набор не готов', 'set incomplete'),
  idxRunning: w('идёт обработка', 'processing'),
  idxActivate: w('Включить для поиска', 'Use for search'),
  idxActivated: w(
    'Поиск по фото переключён на модель {model}.',
    'Search by photo now uses the model {model}.',
  ),
  idxRetry: w('Повторить', 'Retry'),
  idxRetryAll: w('Повторить все', 'Retry all'),
  idxRetried: w(
    ru3(
      'В очередь возвращено {count} фото.',
      'В очередь возвращено {count} фото.',
      'В очередь возвращено {count} фото.',
    ),
    en2('{count} photo is queued again.', '{count} photos are queued again.'),
  ),
  idxReindexAll: w('Проиндексировать всё заново', 'Index everything again'),
  idxReindexHint: w(
    'Все фото будут обработаны снова; поиск тем временем работает на текущих данных.',
    'Every photo is processed again; search keeps working on the current data meanwhile.',
  ),
  idxReindexed: w(
    ru3(
      'В очередь поставлено {count} фото.',
      'В очередь поставлено {count} фото.',
      'В очередь поставлено {count} фото.',
    ),
    en2('{count} photo is queued.', '{count} photos are queued.'),
  ),
  idxFailures: w('Фото с ошибками — {model}', 'Photos that failed — {model}'),
  idxNoFailures: w('Ошибок нет.', 'No failures.'),
  idxProduct: w('Товар', 'Product'),
  idxReason: w('Причина', 'Reason'),
  idxAttempts: w('Попыток', 'Attempts'),
  idxMore: w('Следующие', 'Next'),
  idxPrevious: w('Предыдущие', 'Previous'),
  idxNoModels: w('Моделей пока нет: в каталоге нет фото.', 'No models yet: the catalog has no photos.'),
};

export type AdminWordKey = keyof typeof ADMIN_WORDS;
export type AdminParams = Record<string, string | number>;
export type AdminTranslate = (key: AdminWordKey, params?: AdminParams) => string;

const pluralRules: Partial<Record<Lang, Intl.PluralRules>> = {};

/** `t('importProgress', { done: 5, total: 10 })`; numbers formatted for the language, plurals by count. */
export function adminTranslator(lang: Lang): AdminTranslate {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-US';
  return (key, params = {}) => {
    let text = ADMIN_WORDS[key][lang];
    if (typeof text !== 'string') {
      const rules = (pluralRules[lang] ??= new Intl.PluralRules(locale));
      const forms = text;
      text = forms[rules.select(Number(params.count ?? 0)) as keyof Forms] ?? forms.other;
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? value.toLocaleString(locale) : value;
    });
  };
}
