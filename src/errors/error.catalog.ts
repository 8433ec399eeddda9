/**
 * Every error the app reports, once: its stable code, its HTTP status and its words in each
 * language. Errors are made only through this table (appError in app-error.ts), so a code means
 * one condition everywhere and a person always reads it in the page's language. The English text
 * is also the JSON `error` field and the CLI's message, which scripts and tests may match on.
 */

import { formatBytes, formatNumber } from '../i18n/i18n.format.ts';

type Words<P> = (p: P) => string;
interface Entry<P> {
  status: number;
  en: Words<P>;
  ru: Words<P>;
}
type None = Record<never, never>;

function e<P = None>(status: number, en: Words<P>, ru: Words<P>): Entry<P> {
  return { status, en, ru };
}

const size = formatBytes;
const ruNumber = (n: number) => formatNumber(n, 'ru');
const enNumber = (n: number) => formatNumber(n, 'en');
const ROLE_RU: Record<string, string> = { viewer: 'читатель', editor: 'редактор', admin: 'администратор' };
const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** what a required import field holds, to finish "choose the column that holds …" */
const FIELD_WORDS: Record<'en' | 'ru', Record<string, string>> = {
  en: { sku: 'SKU (article number)', name: 'product name' },
  ru: { sku: 'артикул', name: 'название товара' },
};

export const ERRORS = {
  // ── requests ──────────────────────────────────────────────────────────────────────────────
  INVALID_PARAMETERS: e<{ details: string; fields: string }>(
    400,
    (p) => `Invalid parameters — ${p.details}`,
    (p) => `Неверные параметры запроса: ${p.fields}.`,
  ),
  BAD_REQUEST: e<{ details: string }>(
    400,
    (p) => `Bad request: ${p.details}`,
    () => 'Сервер не смог разобрать запрос. Обновите страницу и попробуйте ещё раз.',
  ),
  ROUTE_NOT_FOUND: e<{ method: string; path: string }>(
    404,
    (p) => `No route ${p.method} ${p.path}`,
    () => 'Такой страницы нет.',
  ),
  INTERNAL: e(
    500,
    () => 'Internal error; the details are in the server log.',
    () => 'Что-то пошло не так на сервере. Попробуйте ещё раз чуть позже.',
  ),

  // ── catalog ───────────────────────────────────────────────────────────────────────────────
  PRODUCT_NOT_FOUND: e(
    404,
    () => 'This product is not in the catalog.',
    () => 'Такого товара нет в каталоге.',
  ),
  SKU_TAKEN: e<{ sku: string }>(
    409,
    (p) => `Another product already has the SKU ${p.sku}.`,
    (p) => `Артикул ${p.sku} уже есть у другого товара.`,
  ),
  IMAGE_NOT_FOUND: e(
    404,
    () => 'This product has no such image.',
    () => 'У этого товара нет такого изображения.',
  ),
  IMAGE_ORDER_INVALID: e(
    400,
    () => "The new order must list each of the product's images once.",
    () => 'Новый порядок должен перечислять каждое фото товара ровно один раз.',
  ),
  TOO_MANY_IMAGES: e<{ max: number }>(
    400,
    (p) => `A product can have at most ${p.max} images.`,
    (p) => `У товара может быть не больше ${p.max} фото.`,
  ),
  ATTRIBUTE_LINE_INVALID: e<{ line: number }>(
    400,
    (p) => `Details, line ${p.line}: write "name: value" (at most 100 lines).`,
    (p) => `Характеристики, строка ${p.line}: пишите «название: значение» (не больше 100 строк).`,
  ),
  DELETE_NOT_CONFIRMED: e(
    400,
    () => 'Tick the box to confirm the deletion.',
    () => 'Отметьте галочку, чтобы подтвердить удаление.',
  ),
  MEDIA_NOT_FOUND: e(
    404,
    () => 'No such image.',
    () => 'Такого изображения нет.',
  ),

  // ── uploads and images ────────────────────────────────────────────────────────────────────
  MULTIPART_EXPECTED: e(
    415,
    () => 'Send the photo as multipart/form-data with a field "image".',
    () => 'Фото нужно отправить формой (multipart/form-data) в поле «image».',
  ),
  FILE_TOO_LARGE: e<{ maxBytes: number }>(
    413,
    (p) => `The upload is larger than the allowed ${size(p.maxBytes, 'en')}.`,
    (p) => `Файл больше допустимых ${size(p.maxBytes, 'ru')}.`,
  ),
  TOO_MANY_PARTS: e<{ maxFiles: number }>(
    413,
    (p) => `Too many files or fields in the form: at most ${p.maxFiles} photos per search.`,
    (p) => `Слишком много файлов или полей в форме: не больше ${p.maxFiles} фото за один поиск.`,
  ),
  TOO_MANY_FILES: e<{ max: number }>(
    413,
    (p) => `Too many files in one field of the form: at most ${p.max}.`,
    (p) => `Слишком много файлов в одном поле формы: не больше ${p.max}.`,
  ),
  UNKNOWN_FIELD: e<{ field: string }>(
    400,
    (p) => `Unexpected file field "${p.field}"; use "image".`,
    (p) => `Неожиданное поле с файлом «${p.field}»: фото передаётся в поле «image».`,
  ),
  MULTIPART_MALFORMED: e(
    400,
    () => 'The form data is malformed (no boundary, or cut off before its end).',
    () => 'Форма пришла повреждённой или не целиком. Обновите страницу и отправьте фото ещё раз.',
  ),
  NO_IMAGE: e(
    400,
    () => 'Send a photo in the "image" field (or a "url").',
    () => 'Выберите фото или укажите ссылку на изображение.',
  ),
  IMAGE_AND_URL: e(
    400,
    () => 'Send either "image" or "url", not both.',
    () => 'Укажите что-то одно: фото или ссылку.',
  ),
  EMPTY_FILE: e(
    400,
    () => 'The uploaded file is empty.',
    () => 'Файл пустой.',
  ),
  IMAGE_NOT_AN_IMAGE: e(
    415,
    () => 'Not an image file (or an unsupported image format).',
    () => 'Это не изображение (или его формат не поддерживается).',
  ),
  IMAGE_FORMAT_UNSUPPORTED: e<{ format: string; accepted: string }>(
    415,
    (p) => `Unsupported image type ${p.format}: send one of ${p.accepted}.`,
    (p) => `Формат ${p.format} не поддерживается. Подойдут: ${p.accepted}.`,
  ),
  IMAGE_UNDECODABLE: e<{ reason?: string }>(
    400,
    (p) => `The image is damaged or truncated and cannot be decoded${p.reason ? ` (${p.reason})` : ''}.`,
    () => 'Изображение повреждено или обрезано — его не удаётся прочитать.',
  ),
  IMAGE_TOO_MANY_PIXELS: e<{ width?: number; height?: number; maxPixels: number }>(
    413,
    (p) =>
      `The image${p.width ? ` is ${p.width}×${p.height},` : ' has'} more than the ${enNumber(p.maxPixels)}-pixel limit (MAX_IMAGE_PIXELS).`,
    (p) =>
      `Изображение${p.width ? ` ${p.width}×${p.height}` : ''} больше предела в ${ruNumber(p.maxPixels)} пикселей.`,
  ),
  IMAGE_FILE_NOT_FOUND: e<{ file: string }>(
    404,
    (p) => `Image file not found: ${p.file}`,
    (p) => `Файл изображения не найден: ${p.file}`,
  ),
  IMAGE_UNREADABLE: e<{ file: string; reason: string }>(
    400,
    (p) => `Cannot read image file ${p.file}: ${p.reason}`,
    (p) => `Не удалось прочитать файл изображения ${p.file}: ${p.reason}`,
  ),

  // ── image links ───────────────────────────────────────────────────────────────────────────
  URL_INVALID: e<{ url: string }>(
    400,
    (p) => `Not a valid URL: ${p.url} (only http and https links are accepted)`,
    () => 'Это не ссылка http(s). Проверьте адрес изображения.',
  ),
  // One code for every refusal and failure of a link (a non-public address, no answer in time, an
  // error status, too many redirects): a reply must not tell a stranger which internal ports are open.
  // The reason is given only to the CLI import's operator.
  URL_FETCH_FAILED: e<{ url: string; reason?: string }>(
    400,
    (p) => `Could not get an image from ${p.url}${p.reason ? ` (${p.reason})` : ''}.`,
    (p) =>
      `Не удалось загрузить изображение по ссылке${p.reason ? ` (${p.reason})` : ''}. Проверьте адрес или сохраните фото и загрузите файл.`,
  ),
  URL_TOO_LARGE: e<{ url: string; maxBytes: number }>(
    413,
    (p) => `${p.url} is larger than ${size(p.maxBytes, 'en')}.`,
    (p) => `Изображение по ссылке больше ${size(p.maxBytes, 'ru')}.`,
  ),

  // ── search by photo ───────────────────────────────────────────────────────────────────────
  NO_MATCH: e(
    404,
    () => 'Nothing similar found in the catalog. Try another photo or a lower similarity threshold.',
    () => 'Похожих товаров не найдено. Попробуйте другое фото или снизьте порог сходства.',
  ),
  NOT_INDEXED: e(
    404,
    () => 'This product has no indexed photo yet, so there is nothing to compare.',
    () => 'У этого товара пока нет проиндексированного фото — сравнивать не с чем.',
  ),
  SEARCH_BUSY: e<{ seconds: number }>(
    503,
    (p) => `Too many photo searches at once; try again in ${p.seconds} s.`,
    (p) => `Сейчас слишком много поисков по фото. Повторите через ${p.seconds} с.`,
  ),
  RATE_LIMITED: e<{ seconds: number }>(
    429,
    (p) => `Too many searches from this address; try again in ${p.seconds} s.`,
    (p) => `Слишком много поисков подряд. Повторите через ${p.seconds} с.`,
  ),
  CROSS_SITE_REQUEST: e(
    403,
    () => 'Requests from other sites are not accepted; open the page on this site and try again.',
    () => 'Запросы с других сайтов не принимаются. Откройте страницу на этом сайте и повторите.',
  ),
  SEARCH_NOT_FOUND: e(
    404,
    () => 'This photo search is unknown or has expired. Run the search again with «По фото».',
    () => 'Этот поиск по фото не найден или устарел. Повторите поиск кнопкой «По фото».',
  ),
  MODEL_UNAVAILABLE: e<{ reason: string }>(
    503,
    (p) => `Search by photo is unavailable: ${p.reason}`,
    () => 'Поиск по фото сейчас недоступен: модель не загружена. Поиск по тексту работает.',
  ),
  MODEL_NOT_COMPLETE: e<{ model: string }>(
    409,
    (p) => `Model ${p.model} has not embedded the whole catalog yet, so it cannot serve search.`,
    (p) => `Модель ${p.model} ещё не обработала весь каталог — поиск на неё переключить нельзя.`,
  ),
  VECTOR_STORE_UNAVAILABLE: e<{ reason: string }>(
    503,
    (p) => p.reason,
    () => 'Поиск по фото недоступен: хранилище векторов не готово. Поиск по тексту работает.',
  ),

  // ── import ────────────────────────────────────────────────────────────────────────────────
  IMPORT_FILE_UNREADABLE: e<{ file: string }>(
    400,
    (p) => `cannot read ${p.file}`,
    (p) => `не удалось прочитать ${p.file}`,
  ),
  IMPORT_EMPTY: e(
    400,
    () => 'the file is empty',
    () => 'файл пустой',
  ),
  IMPORT_NO_COLUMN: e<{ column: string; found: string }>(
    400,
    (p) => `the header has no "${p.column}" column (found: ${p.found})`,
    (p) => `в заголовке нет столбца «${p.column}» (есть: ${p.found})`,
  ),
  ROW_NOT_AN_OBJECT: e(
    400,
    () => 'not a valid JSON object',
    () => 'строка не является объектом JSON',
  ),
  ROW_NO_SKU: e(
    400,
    () => 'missing sku',
    () => 'нет артикула (sku)',
  ),
  ROW_NO_NAME: e(
    400,
    () => 'missing name',
    () => 'нет названия (name)',
  ),
  ROW_BAD_SKU: e<{ max: number }>(
    400,
    (p) => `sku is longer than ${p.max} characters`,
    (p) => `артикул длиннее ${p.max} символов`,
  ),
  ROW_BAD_CURRENCY: e<{ value: string }>(
    400,
    (p) => `bad currency "${p.value}" (expected a 3-letter code such as RUB)`,
    (p) => `неверная валюта «${p.value}» (нужен трёхбуквенный код, например RUB)`,
  ),
  ROW_BAD_PRICE: e<{ value: string }>(
    400,
    (p) => `bad price "${p.value}" (expected a non-negative number)`,
    (p) => `неверная цена «${p.value}» (нужно неотрицательное число)`,
  ),
  IMPORT_FORMAT_UNKNOWN: e<{ file: string }>(
    415,
    (p) => `${p.file} is not a CSV, JSON Lines or Excel (.xlsx) file.`,
    (p) => `${p.file} — не CSV, не JSON Lines и не таблица Excel (.xlsx).`,
  ),
  IMPORT_XLS_LEGACY: e<{ file: string }>(
    415,
    (p) => `${p.file} is an old Excel 97–2003 workbook (.xls): save it as .xlsx and upload again.`,
    (p) =>
      `${p.file} — файл старого формата Excel 97–2003 (.xls). Сохраните его как .xlsx и загрузите снова.`,
  ),
  IMPORT_XLSX_INVALID: e<{ file: string; reason: string }>(
    400,
    (p) => `${p.file} cannot be read as an Excel workbook: ${p.reason}`,
    (p) => `${p.file} не читается как книга Excel: ${p.reason}`,
  ),
  IMPORT_SHEET_NOT_FOUND: e<{ sheet: string; sheets: string }>(
    400,
    (p) => `The workbook has no sheet "${p.sheet}" (sheets: ${p.sheets}).`,
    (p) => `В книге нет листа «${p.sheet}» (есть: ${p.sheets}).`,
  ),
  IMPORT_NO_HEADER: e<{ where: string }>(
    400,
    (p) => `No header row found in ${p.where}: the first rows hold no column names.`,
    (p) => `В ${p.where} не найдена строка заголовков: в первых строках нет названий столбцов.`,
  ),
  IMPORT_TOO_MANY_ROWS: e<{ max: number }>(
    413,
    (p) => `The file has more than ${enNumber(p.max)} rows; split it into several files.`,
    (p) => `В файле больше ${ruNumber(p.max)} строк — разделите его на несколько файлов.`,
  ),
  IMPORT_MAPPING_INVALID: e<{
    problem: 'field' | 'column' | 'twice' | 'required';
    field?: string;
    column?: string;
  }>(
    400,
    (p) =>
      ({
        field: `Column mapping: unknown field "${p.field}".`,
        column: `Column mapping: the file has no column "${p.column}".`,
        twice: `Column mapping: column "${p.column}" is chosen for two fields.`,
        required: `Column mapping: choose the column that holds the ${FIELD_WORDS.en[p.field ?? ''] ?? p.field}.`,
      })[p.problem],
    (p) =>
      ({
        field: `Сопоставление столбцов: неизвестное поле «${p.field}».`,
        column: `Сопоставление столбцов: в файле нет столбца «${p.column}».`,
        twice: `Сопоставление столбцов: столбец «${p.column}» выбран для двух полей.`,
        required: `Сопоставление столбцов: выберите столбец, в котором ${FIELD_WORDS.ru[p.field ?? ''] ?? p.field}.`,
      })[p.problem],
  ),
  IMPORT_NOT_FOUND: e(
    404,
    () => 'No such import.',
    () => 'Такой загрузки нет.',
  ),
  IMPORT_NOT_WAITING: e(
    409,
    () => 'This import is no longer waiting for a column mapping.',
    () => 'Эта загрузка уже не ждёт сопоставления столбцов.',
  ),
  IMPORT_FILES_GONE: e(
    410,
    () => 'The uploaded files of this import are no longer on the server; upload them again.',
    () => 'Загруженных файлов этой загрузки на сервере больше нет — загрузите их снова.',
  ),
  IMPORT_INTERRUPTED: e<{ attempts: number }>(
    500,
    (p) =>
      `The import was interrupted ${p.attempts} times (the server stopped while it ran) and was given up.`,
    (p) =>
      `Загрузка прерывалась ${p.attempts} раза (сервер останавливался во время работы) — она остановлена.`,
  ),
  IMPORT_CANCELLED: e(
    409,
    () => 'The import was stopped on request.',
    () => 'Загрузка остановлена по запросу.',
  ),
  IMPORT_ABANDONED: e<{ hours: number }>(
    410,
    (p) => `The columns were not matched within ${p.hours} hours; the upload was removed.`,
    (p) => `Столбцы не были сопоставлены за ${p.hours} ч — загруженный файл удалён.`,
  ),
  CELL_FORMULA_NO_VALUE: e<{ cell: string }>(
    400,
    (p) =>
      `cell ${p.cell} holds a formula without a saved result (formulas are not calculated here): ` +
      'open the file in Excel and save it, or paste the values',
    (p) =>
      `в ячейке ${p.cell} формула без сохранённого значения (формулы здесь не вычисляются): ` +
      'откройте файл в Excel и сохраните его или вставьте значения',
  ),
  IMAGE_NOT_IN_ZIP: e<{ file: string }>(
    404,
    () => 'not in the ZIP with images',
    () => 'нет в ZIP-архиве с фото',
  ),
  IMAGE_NEEDS_ZIP: e<{ file: string }>(
    400,
    () => 'a file name: upload a ZIP with the images beside the file, or give an http(s) link',
    () => 'это имя файла — загрузите вместе с таблицей ZIP-архив с фото или укажите ссылку http(s)',
  ),
  ZIP_INVALID: e<{ reason: string }>(
    400,
    (p) => `The ZIP file cannot be read: ${p.reason}`,
    () => 'ZIP-архив повреждён или это не ZIP.',
  ),
  ZIP_UNSAFE_NAME: e<{ name: string }>(
    400,
    (p) => `The ZIP file holds an entry with an unsafe name (${p.name}); it is refused.`,
    (p) => `В ZIP-архиве есть файл с недопустимым именем (${p.name}) — архив не принят.`,
  ),
  ZIP_TOO_MANY_ENTRIES: e<{ max: number }>(
    413,
    (p) => `The ZIP file holds more than ${enNumber(p.max)} files.`,
    (p) => `В ZIP-архиве больше ${ruNumber(p.max)} файлов.`,
  ),
  ZIP_TOO_LARGE_UNPACKED: e<{ maxBytes: number }>(
    413,
    (p) => `The ZIP file unpacks to more than ${size(p.maxBytes, 'en')}.`,
    (p) => `Распакованный ZIP-архив больше ${size(p.maxBytes, 'ru')}.`,
  ),
  ZIP_ENTRY_TOO_LARGE: e<{ name: string; maxBytes: number }>(
    413,
    (p) => `${p.name} in the ZIP file is larger than ${size(p.maxBytes, 'en')}`,
    (p) => `${p.name} в ZIP-архиве больше ${size(p.maxBytes, 'ru')}`,
  ),
  ZIP_ENTRY_RATIO: e<{ name: string; ratio: number }>(
    413,
    (p) => `${p.name} in the ZIP file is compressed ${enNumber(p.ratio)} times, like a zip bomb; refused`,
    (p) => `${p.name} в ZIP-архиве сжат в ${ruNumber(p.ratio)} раз, как «ZIP-бомба» — не принят`,
  ),
  ZIP_ENTRY_ENCRYPTED: e<{ name: string }>(
    400,
    (p) => `${p.name} in the ZIP file is encrypted`,
    (p) => `${p.name} в ZIP-архиве зашифрован`,
  ),
  ROW_TOO_MANY_IMAGES: e<{ max: number }>(
    400,
    (p) => `more than ${p.max} images for one product`,
    (p) => `больше ${p.max} изображений у одного товара`,
  ),
  ROW_BAD_TEXT: e<{ column: string }>(
    400,
    (p) => `column "${p.column}" holds a NUL character (U+0000), which cannot be stored`,
    (p) => `в столбце «${p.column}» есть нулевой символ (U+0000), его нельзя сохранить`,
  ),
  ROW_BAD_ENCODING: e(
    400,
    () => 'the line is not valid UTF-8 (save the file as UTF-8)',
    () => 'строка не в кодировке UTF-8 (сохраните файл в UTF-8)',
  ),
  ROW_REJECTED: e<{ reason: string }>(
    400,
    (p) => `the database refused the row: ${p.reason}`,
    (p) => `база данных не приняла строку: ${p.reason}`,
  ),
  DEMO_DATASET_MISSING: e<{ dir: string; hint: string }>(
    404,
    (p) => `No Grocery Store dataset found in ${p.dir}. ${p.hint}`,
    (p) => `В ${p.dir} нет набора данных Grocery Store. ${p.hint}`,
  ),

  // ── stores ────────────────────────────────────────────────────────────────────────────────
  DB_LOCKED: e<{ dir: string; pid?: number }>(
    503,
    (p) =>
      p.pid
        ? `The embedded database in ${p.dir} is in use by another vitrina process (pid ${p.pid}). ` +
          'Stop it first, or use a PostgreSQL server (DATABASE_URL) to run several processes.'
        : `Could not lock the embedded database in ${p.dir}`,
    (p) =>
      p.pid
        ? `Встроенная база в ${p.dir} занята другим процессом vitrina (pid ${p.pid}). ` +
          'Остановите его или используйте сервер PostgreSQL (DATABASE_URL).'
        : `Не удалось заблокировать встроенную базу в ${p.dir}`,
  ),
  DB_UNREACHABLE: e<{ label: string; reason: string }>(
    503,
    (p) => `Cannot connect to PostgreSQL at ${p.label}: ${p.reason}`,
    (p) => `Нет соединения с PostgreSQL (${p.label}): ${p.reason}`,
  ),
  /** a store went down or stopped answering mid-run; the pool reconnects by itself when it returns */
  STORE_UNAVAILABLE: e<{ store: string }>(
    503,
    (p) => `The ${p.store} store is not answering right now. Try again in a minute.`,
    (p) =>
      `${p.store === 'vector' ? 'База поиска по фото' : 'База каталога'} сейчас не отвечает. ` +
      'Повторите попытку через минуту.',
  ),

  // ── models ────────────────────────────────────────────────────────────────────────────────
  MODEL_UNKNOWN: e<{ id: string; known: string }>(
    400,
    (p) => `Unknown model "${p.id}". Known models: ${p.known}.`,
    (p) => `Неизвестная модель «${p.id}». Доступны: ${p.known}.`,
  ),
  MODEL_NO_TEXT: e<{ model: string; input?: string }>(
    400,
    (p) =>
      p.input !== undefined
        ? `"${p.input}" is not an existing file, so it was read as text, but model ${p.model} has no text ` +
          'tower. Pass an image path, or use --model clip-vit-b32 for text.'
        : `Model ${p.model} has no text tower, so it cannot embed text. Use a model with one (clip-vit-b32).`,
    (p) =>
      p.input !== undefined
        ? `«${p.input}» — не файл, поэтому прочитано как текст, но у модели ${p.model} нет текстовой части. ` +
          'Укажите путь к изображению или --model clip-vit-b32 для текста.'
        : `У модели ${p.model} нет текстовой части, текст она не понимает (подойдёт clip-vit-b32).`,
  ),
  MODEL_FILE_INVALID: e<{ details: string }>(
    503,
    (p) => p.details,
    (p) => `Файл модели не тот, что нужен: ${p.details}`,
  ),
  MODEL_FILE_MISSING: e<{ details: string }>(
    503,
    (p) => p.details,
    (p) => `Нет файла модели: ${p.details}`,
  ),
  MODEL_DOWNLOAD_FAILED: e<{ details: string }>(
    503,
    (p) => p.details,
    (p) => `Не удалось скачать модель: ${p.details}`,
  ),
  MODEL_CACHE_UNWRITABLE: e<{ details: string }>(
    503,
    (p) => p.details,
    (p) => `Нельзя записать кэш модели: ${p.details}`,
  ),
  MODEL_LOAD_FAILED: e<{ details: string }>(
    503,
    (p) => p.details,
    (p) => `Модель не загрузилась: ${p.details}`,
  ),
  MODEL_NO_HUB: e<{ model: string }>(
    500,
    (p) => `Model ${p.model} has no hub source.`,
    (p) => `У модели ${p.model} нет источника для скачивания.`,
  ),
  MODEL_ENTRY_INVALID: e<{ details: string }>(
    500,
    (p) => p.details,
    (p) => `Описание модели неверно: ${p.details}`,
  ),
  MODEL_OUTPUT_MISMATCH: e<{ details: string }>(
    500,
    (p) => p.details,
    (p) => `Модель вернула не то, что ожидалось: ${p.details}`,
  ),
  MODEL_CLOSED: e<{ model: string }>(
    500,
    (p) => `The ${p.model} embedder was closed.`,
    (p) => `Модель ${p.model} уже закрыта.`,
  ),
  EMBED_INPUT_INVALID: e<{ details: string }>(
    500,
    (p) => p.details,
    (p) => `Неверные входные данные модели: ${p.details}`,
  ),
  EMBED_FAILED: e(
    500,
    () => 'The model returned no vector.',
    () => 'Модель не вернула вектор.',
  ),
  PREPROCESS_FAILED: e<{ details: string }>(
    500,
    (p) => p.details,
    (p) => `Ошибка подготовки изображения: ${p.details}`,
  ),

  // ── accounts ──────────────────────────────────────────────────────────────────────────────
  AUTH_REQUIRED: e(
    401,
    () => 'Sign in to continue (or send an API token as "Authorization: Bearer …").',
    () => 'Войдите, чтобы продолжить.',
  ),
  SESSION_ENDED: e(
    401,
    () => 'Your session has ended (signed out, expired, or the password changed). Sign in again.',
    () => 'Сеанс завершён (выход, истёк срок или сменился пароль). Войдите снова.',
  ),
  TOKEN_INVALID: e(
    401,
    () => 'The API token is unknown or revoked.',
    () => 'API-токен неизвестен или отозван.',
  ),
  ROLE_REQUIRED: e<{ needed: string; role: string }>(
    403,
    (p) => `This needs the ${p.needed} role; you are ${p.role}.`,
    (p) => `Для этого нужна роль «${ROLE_RU[p.needed]}», у вас — «${ROLE_RU[p.role]}».`,
  ),
  PERSON_REQUIRED: e(
    403,
    () => 'This page is for a signed-in person; API tokens cannot use it.',
    () => 'Эта страница — для вошедшего пользователя, API-токены сюда не пускают.',
  ),
  ACCESS_UNDECLARED: e(
    403,
    () => 'This route declares no access rule, so it is refused.',
    () => 'Для этого адреса не задано, кому он доступен, поэтому доступ закрыт.',
  ),
  SIGNIN_FAILED: e(
    401,
    () => 'Wrong email or password.',
    () => 'Неверная почта или пароль.',
  ),
  SIGNIN_THROTTLED: e<{ seconds: number }>(
    429,
    (p) => `Too many sign-in attempts. Try again in ${minutes(p.seconds)} min.`,
    (p) => `Слишком много попыток входа. Попробуйте снова через ${minutes(p.seconds)} мин.`,
  ),
  LINK_INVALID: e(
    404,
    () => 'This link is unknown, already used or expired. Ask an administrator for a new one.',
    () => 'Ссылка неизвестна, уже использована или устарела. Попросите у администратора новую.',
  ),
  SETUP_DONE: e(
    410,
    () => 'The first administrator already exists, so setup links no longer work. Sign in instead.',
    () => 'Администратор уже создан, ссылка настройки больше не действует. Войдите.',
  ),
  EMAIL_INVALID: e(
    400,
    () => 'Enter a valid email address.',
    () => 'Введите правильный адрес почты.',
  ),
  PASSWORD_TOO_SHORT: e<{ min: number }>(
    400,
    (p) => `The password must be at least ${p.min} characters long.`,
    (p) => `Пароль должен быть не короче ${p.min} символов.`,
  ),
  PASSWORD_TOO_LONG: e<{ max: number }>(
    400,
    (p) => `The password must be at most ${p.max} characters long.`,
    (p) => `Пароль должен быть не длиннее ${p.max} символов.`,
  ),
  PASSWORD_TOO_COMMON: e(
    400,
    () => 'This password is among the most common ones (or made from your email); choose another.',
    () => 'Этот пароль слишком распространён (или повторяет почту) — придумайте другой.',
  ),
  PASSWORD_MISMATCH: e(
    400,
    () => 'The two passwords differ.',
    () => 'Пароли не совпадают.',
  ),
  PASSWORD_WRONG: e(
    400,
    () => 'The current password is wrong.',
    () => 'Текущий пароль указан неверно.',
  ),
  USER_EXISTS: e<{ email: string }>(
    409,
    (p) => `A user with the email ${p.email} already exists.`,
    (p) => `Пользователь с почтой ${p.email} уже есть.`,
  ),
  USER_NOT_FOUND: e<{ user: string }>(
    404,
    (p) => `No user ${p.user}.`,
    (p) => `Пользователь ${p.user} не найден.`,
  ),
  LAST_ADMIN: e(
    409,
    () => 'This is the last active administrator; make someone else an administrator first.',
    () => 'Это последний действующий администратор: сначала назначьте администратором кого-то ещё.',
  ),
  ROLE_INVALID: e<{ role: string }>(
    400,
    (p) => `Unknown role "${p.role}": use viewer, editor or admin.`,
    (p) => `Неизвестная роль «${p.role}»: бывают viewer, editor и admin.`,
  ),
  TOKEN_NAME_INVALID: e(
    400,
    () => 'Give the token a name of 1 to 100 characters.',
    () => 'Дайте токену название длиной от 1 до 100 символов.',
  ),
  TOKEN_NAME_TAKEN: e<{ name: string }>(
    409,
    (p) => `An active token named "${p.name}" already exists.`,
    (p) => `Действующий токен «${p.name}» уже есть.`,
  ),
  TOKEN_NOT_FOUND: e<{ token: string }>(
    404,
    (p) => `No active token ${p.token}.`,
    (p) => `Действующего токена ${p.token} нет.`,
  ),

  // ── command line, configuration, evaluation ───────────────────────────────────────────────
  CLI_USAGE: e<{ details: string }>(
    400,
    (p) => p.details,
    (p) => p.details,
  ),
  PORT_IN_USE: e<{ host: string; port: number }>(
    500,
    (p) => `port ${p.port} on ${p.host} is already in use; stop the other program or set PORT`,
    (p) => `порт ${p.port} на ${p.host} уже занят: остановите другую программу или задайте PORT`,
  ),
  CONFIG_INVALID: e<{ problems: string }>(
    500,
    (p) => `Invalid configuration: ${p.problems}`,
    (p) => `Неверные настройки: ${p.problems}`,
  ),
  EVAL_MANIFEST_UNREADABLE: e<{ file: string }>(
    400,
    (p) => `cannot read ${p.file}`,
    (p) => `не удалось прочитать ${p.file}`,
  ),
  EVAL_MANIFEST_INVALID: e<{ details: string }>(
    400,
    (p) => p.details,
    (p) => `Неверный манифест: ${p.details}`,
  ),
  EVAL_CATALOG: e<{ details: string }>(
    400,
    (p) => `catalog images could not be imported: ${p.details}`,
    (p) => `не удалось импортировать изображения каталога: ${p.details}`,
  ),
};

export type ErrorCode = keyof typeof ERRORS;
export type ErrorParams<C extends ErrorCode> = Parameters<(typeof ERRORS)[C]['en']>[0];
