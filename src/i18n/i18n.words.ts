/**
 * Every word of the UI, once, in each language: pages, the photo dialog and the browser scripts
 * (which get theirs from the page). Error messages live in src/errors/error.catalog.ts.
 * `{name}` is filled from params; an entry with forms is chosen by `count` with the language's
 * plural rules (Intl.PluralRules: ru one/few/many, en one/other).
 */

export interface Forms {
  one: string;
  few?: string;
  many?: string;
  other: string;
}
export type Text = string | Forms;
interface Entry {
  ru: Text;
  en: Text;
}

const w = (ru: Text, en: Text): Entry => ({ ru, en });
/** Russian plural forms: 1 товар, 2 товара, 5 товаров (`other` is for fractions: 1,5 товара). */
const ru3 = (one: string, few: string, many: string): Forms => ({ one, few, many, other: few });
const en2 = (one: string, other: string): Forms => ({ one, other });

export const WORDS = {
  // ── layout ────────────────────────────────────────────────────────────────────────────────
  appName: w('Витрина', 'Vitrina'),
  tagline: w('Каталог товаров поставщиков', 'Supplier product catalog'),
  catalog: w('Каталог', 'Catalog'),
  navSearches: w('Мои поиски по фото', 'My photo searches'),
  navSearchesShort: w('Поиски', 'Searches'),
  /** the link to the other language, named in that language */
  switchLanguage: w('English', 'Русский'),

  // ── search bar ────────────────────────────────────────────────────────────────────────────
  searchLabel: w('Поиск по каталогу', 'Search the catalog'),
  searchPlaceholder: w('Название, описание или артикул', 'Name, description or SKU'),
  search: w('Найти', 'Search'),
  byPhoto: w('По фото', 'By photo'),
  photoModeHint: w(
    'Поиск по словам выключен, пока показаны результаты поиска по фото.',
    'Word search is off while photo search results are shown.',
  ),
  photoModeLeave: w('Искать по словам', 'Search by words'),

  // ── search by photo: availability ─────────────────────────────────────────────────────────
  photoOffModel: w(
    'Поиск по фото недоступен: модель распознавания «{model}» не загружена.',
    'Search by photo is unavailable: the recognition model “{model}” is not loaded.',
  ),
  photoOffVectors: w(
    'Поиск по фото недоступен: нет хранилища векторов.',
    'Search by photo is unavailable: there is no vector store.',
  ),
  photoOffIndexing: w(
    'Поиск по фото пока недоступен: идёт индексация фото — {percent}% ({done} из {total}).',
    'Search by photo is not ready yet: indexing photos — {percent}% ({done} of {total}).',
  ),
  photoOffNotIndexed: w(
    'Поиск по фото недоступен: фото товаров ещё не проиндексированы ({done} из {total}).',
    'Search by photo is unavailable: the product photos are not indexed yet ({done} of {total}).',
  ),
  photoOffNoImages: w(
    'Поиск по фото недоступен: в каталоге пока нет фотографий товаров.',
    'Search by photo is unavailable: the catalog has no product photos yet.',
  ),
  photoOffFix: w('Как исправить: {fix}', 'To fix: {fix}'),
  photoOffModelLoading: w(
    'Модель поиска по фото загружается: первый поиск может занять чуть дольше.',
    'The photo search model is loading: the first search may take a little longer.',
  ),
  indexingNote: w(
    'Готовим фото для поиска по фото: {done} из {total} ({percent}%)',
    'Preparing photos for search by photo: {done} of {total} ({percent}%)',
  ),
  indexingEta: w(', осталось около {minutes} мин', ', about {minutes} min left'),

  // ── filters ───────────────────────────────────────────────────────────────────────────────
  filters: w('Фильтры', 'Filters'),
  filtersActive: w(
    ru3('{count} фильтр', '{count} фильтра', '{count} фильтров'),
    en2('{count} filter', '{count} filters'),
  ),
  closeFilters: w('Закрыть фильтры', 'Close filters'),
  category: w('Категория', 'Category'),
  allCategories: w('Все категории', 'All categories'),
  supplier: w('Поставщик', 'Supplier'),
  allSuppliers: w('Все поставщики', 'All suppliers'),
  price: w('Цена', 'Price'),
  priceFrom: w('от', 'from'),
  priceTo: w('до', 'to'),
  priceNotNumber: w(
    '«{value}» — не цена. Введите число, например 1\u00a0000 или 1\u00a0000,50.',
    '“{value}” is not a price. Type a number, e.g. 1,000 or 1,000.50.',
  ),
  priceRange: w(
    'Цена «от» ({min}) больше цены «до» ({max}): исправьте одну из них.',
    'The “from” price ({min}) is above the “to” price ({max}): correct one of them.',
  ),
  apply: w('Применить', 'Apply'),
  reset: w('Сбросить', 'Reset'),

  // ── list ──────────────────────────────────────────────────────────────────────────────────
  results: w('Результаты', 'Results'),
  sort: w('Сортировка', 'Sort'),
  sort_relevance: w('По релевантности', 'Relevance'),
  sort_name: w('По названию', 'Name'),
  sort_price_asc: w('Сначала дешевле', 'Price: low to high'),
  sort_price_desc: w('Сначала дороже', 'Price: high to low'),
  sort_newest: w('Сначала новые', 'Newest'),
  perPage: w('На странице', 'Per page'),
  show: w('Показать', 'Show'),
  products: w(
    ru3('{count} товар', '{count} товара', '{count} товаров'),
    en2('{count} product', '{count} products'),
  ),
  showing: w('{from}–{to} из {total}', '{from}–{to} of {total}'),
  priceOnRequest: w('Цена по запросу', 'Price on request'),
  noResults: w('Ничего не нашлось', 'Nothing found'),
  noResultsHint: w(
    'Попробуйте другой запрос или сбросьте фильтры.',
    'Try another query or reset the filters.',
  ),
  emptyCatalog: w('Каталог пока пуст', 'The catalog is empty'),
  emptyCatalogHint: w(
    'Загрузите товары командой {importCommand} — или демо-каталог: {demoCommand}',
    'Import products with {importCommand} — or the demo catalog: {demoCommand}',
  ),
  fuzzyNote: w(
    'Точных совпадений нет — показаны похожие по написанию',
    'No exact matches — showing similar spellings',
  ),
  sku: w('Артикул', 'SKU'),
  noPhoto: w('Нет фото', 'No photo'),
  similar: w('Похожие', 'Similar'),
  similarTitle: w('Найти товары, похожие на этот по фото', 'Find products that look like this one'),
  similarity: w('Сходство с фото: {score}', 'Similarity to the photo: {score}'),
  pages: w('Страницы', 'Pages'),
  prev: w('Назад', 'Previous'),
  next: w('Вперёд', 'Next'),

  // ── photo results ─────────────────────────────────────────────────────────────────────────
  photoResults: w(
    ru3('{count} товар по фото', '{count} товара по фото', '{count} товаров по фото'),
    en2('{count} product by photo', '{count} products by photo'),
  ),
  similarResults: w(
    ru3('{count} похожий товар', '{count} похожих товара', '{count} похожих товаров'),
    en2('{count} similar product', '{count} similar products'),
  ),
  photoResultsHint: w(
    'Лучшие совпадения первыми; фильтры и сортировка работают внутри найденного.',
    'Best matches first; filters and sorting apply within the matches.',
  ),
  queryPhoto: w('Фото, по которому искали', 'The photo searched with'),
  photoClear: w('Сбросить поиск по фото', 'Clear photo search'),
  // a search with nothing similar that kept the closest few, on request (closest=1)
  // the slider before it is moved: each photo gets its own threshold from the server
  thresholdAuto: w('авто', 'auto'),
  photoClosest: w('Показать ближайшие', 'Show the closest'),
  photoNothingSimilar: w(
    'Похожих товаров не найдено. Может быть, вы искали:',
    'No similar products found. Maybe you were looking for:',
  ),
  photoNothingSimilarHint: w(
    'Ни один товар не похож на это фото больше, чем на посторонние картинки; ниже — самые близкие.',
    'No product resembles this photo more than unrelated pictures do; the closest ones are below.',
  ),

  // ── product page ──────────────────────────────────────────────────────────────────────────
  backToAll: w('Все товары', 'All products'),
  backToResults: w('К результатам поиска', 'Back to the results'),
  description: w('Описание', 'Description'),
  images: w('Фотографии', 'Photos'),
  openOriginal: w('Открыть фото целиком', 'Open the full photo'),
  attr_origin: w('Страна и объём', 'Origin and size'),
  attr_url: w('Страница товара', 'Product page'),
  attr_dataset: w('Источник', 'Source'),

  // ── /searches ─────────────────────────────────────────────────────────────────────────────
  searchesTitle: w('Ваши поиски по фото', 'Your photo searches'),
  searchesKept: w(
    'Видны только вам; ссылка на поиск откроется и у коллег.',
    'Visible to you only; a search’s link opens for your colleagues too.',
  ),
  searchesEmpty: w(
    'Поисков пока нет: нажмите «По фото» в каталоге.',
    'No searches yet: press “By photo” in the catalog.',
  ),
  searchKind_image: w('По фото', 'By photo'),
  searchKind_url: w('По ссылке', 'By link'),
  searchKind_similar: w('Похожие', 'Similar'),

  // ── error pages ───────────────────────────────────────────────────────────────────────────
  errorNotFound: w('Страница не найдена', 'Page not found'),
  errorRequest: w('Не получилось', 'That did not work'),
  errorTooMany: w('Слишком много запросов', 'Too many requests'),
  errorUnavailable: w('Временно недоступно', 'Temporarily unavailable'),
  errorServer: w('Что-то пошло не так', 'Something went wrong'),
  goHome: w('Вернуться в каталог', 'Back to the catalog'),
  goBack: w('Назад', 'Back'),

  // ── the «По фото» dialog ──────────────────────────────────────────────────────────────────
  photoTitle: w('Поиск по фото', 'Search by photo'),
  photoDrop: w(
    'Перетащите фото сюда, вставьте из буфера (Ctrl+V) или нажмите, чтобы выбрать',
    'Drop a photo here, paste it (Ctrl+V) or click to choose one',
  ),
  photoDropRelease: w('Отпустите, чтобы искать по этому фото', 'Release to search with this photo'),
  photoFormats: w('PNG, JPG, GIF или WEBP, до {size}', 'PNG, JPG, GIF or WEBP, up to {size}'),
  photoTake: w('Сделать фото', 'Take a photo'),
  photoChoose: w('Выбрать', 'Choose'),
  photoUrl: w('или ссылка на изображение', 'or an image link'),
  photoPreview: w(
    'Ваше фото: рамкой можно выделить товар',
    'Your photo: frame the product to narrow the search',
  ),
  cropHint: w(
    'Рамку двигают мышью, пальцем или стрелками; Shift+стрелки меняют размер, [\u00a0и\u00a0] поворачивают.',
    'Move the frame with the mouse, a finger or the arrow keys; Shift+arrows resize it, [\u00a0and\u00a0] rotate.',
  ),
  rotateLeft: w('Повернуть влево', 'Rotate left'),
  rotateRight: w('Повернуть вправо', 'Rotate right'),
  another: w('Другое фото', 'Another photo'),
  threshold: w('Порог сходства', 'Similarity threshold'),
  thresholdHint: w('Выше — строже: меньше, но точнее', 'Higher is stricter: fewer, closer matches'),
  find: w('Найти похожие', 'Find similar'),
  cancel: w('Отмена', 'Cancel'),
  close: w('Закрыть', 'Close'),
  searching: w('Ищем…', 'Searching…'),
  photoNotImage: w(
    'Это не изображение: выберите файл PNG, JPG, GIF или WEBP.',
    'That is not an image: choose a PNG, JPG, GIF or WEBP file.',
  ),
  photoTooLarge: w(
    'Файл больше {size}: выберите фото поменьше.',
    'The file is larger than {size}: choose a smaller photo.',
  ),
  photoEmptyFile: w('Файл пустой: выберите другое фото.', 'The file is empty: choose another photo.'),
  photoUnreadable: w(
    'Не получается открыть это изображение: возможно, файл повреждён. Выберите другое фото.',
    'This image cannot be opened; the file may be damaged. Choose another photo.',
  ),
  photoNoAnswer: w(
    'Сервер не ответил. Проверьте связь и попробуйте ещё раз.',
    'The server did not answer. Check the connection and try again.',
  ),
  photoFailed: w('Поиск не удался. Попробуйте ещё раз.', 'The search failed. Try again.'),

  // ── accounts: sign-in, one-time links, profile ────────────────────────────────────────────
  signIn: w('Войти', 'Sign in'),
  signOut: w('Выйти', 'Sign out'),
  signInTitle: w('Вход', 'Sign in'),
  signInIntro: w('Каталог доступен только вашей команде.', 'The catalog is open to your team only.'),
  email: w('Почта', 'Email'),
  password: w('Пароль', 'Password'),
  newPassword: w('Новый пароль', 'New password'),
  confirmPassword: w('Повторите пароль', 'Repeat the password'),
  currentPassword: w('Текущий пароль', 'Current password'),
  passwordHint: w(
    'Не короче {min} символов; не из списка самых частых паролей.',
    'At least {min} characters; not one of the commonest passwords.',
  ),
  setupNeededTitle: w('Первый запуск', 'First start'),
  setupNeeded: w(
    'Администратора ещё нет. Откройте одноразовую ссылку настройки, которую сервер напечатал при запуске (в окне, где запущен npm start).',
    'There is no administrator yet. Open the one-time setup link the server printed when it started (in the window running npm start).',
  ),
  setupNeededCli: w(
    'Или создайте администратора из командной строки (встроенную базу — при остановленном сервере):',
    'Or create the administrator from the shell (with the embedded database, while the server is stopped):',
  ),
  setupTitle: w('Первый администратор', 'First administrator'),
  setupIntro: w(
    'Эта ссылка работает один раз: вы станете администратором и сможете добавить остальных.',
    'This link works once: you become the administrator and can add everyone else.',
  ),
  setupSubmit: w('Создать администратора', 'Create the administrator'),
  inviteTitle: w('Добро пожаловать', 'Welcome'),
  resetTitle: w('Новый пароль', 'New password'),
  linkIntro: w(
    'Задайте пароль для {email}. Ссылка работает один раз.',
    'Set the password for {email}. The link works once.',
  ),
  savePassword: w('Сохранить пароль', 'Save the password'),
  profile: w('Профиль', 'Profile'),
  profileTitle: w('Мой профиль', 'My profile'),
  role: w('Роль', 'Role'),
  roleViewer: w('Читатель', 'Viewer'),
  roleEditor: w('Редактор', 'Editor'),
  roleAdmin: w('Администратор', 'Administrator'),
  roleHintViewer: w('просмотр, поиск по тексту и фото', 'browse, search by text and photo'),
  roleHintEditor: w('ещё импорт, правка каталога, индексация', 'also imports, catalog changes, indexing'),
  roleHintAdmin: w('ещё пользователи, токены, журнал', 'also users, tokens, the audit log'),
  changePassword: w('Смена пароля', 'Change password'),
  changePasswordSubmit: w('Сменить пароль', 'Change password'),
  passwordChanged: w(
    'Пароль изменён. Все остальные сеансы завершены.',
    'Password changed. Every other session has ended.',
  ),
  signOutEverywhere: w('Выйти на всех устройствах', 'Sign out everywhere'),
  signOutEverywhereHint: w(
    'Завершит все сеансы этой учётной записи, включая этот.',
    'Ends every session of this account, this one included.',
  ),
  lastSignin: w('Последний вход', 'Last sign-in'),
  errorSignIn: w('Нужно войти', 'Sign-in needed'),
  errorForbidden: w('Нет доступа', 'No access'),

  // ── accounts: users, tokens, audit log (administrators) ───────────────────────────────────
  users: w('Пользователи', 'Users'),
  userAdd: w('Добавить пользователя', 'Add a user'),
  userAddSubmit: w('Добавить', 'Add'),
  userActive: w('Активен', 'Active'),
  userDisabled: w('Отключён', 'Disabled'),
  userInvited: w('Ждёт пароля', 'Awaiting password'),
  userNeverSignedIn: w('не входил', 'never'),
  userSave: w('Сохранить', 'Save'),
  userDisable: w('Отключить', 'Disable'),
  userEnable: w('Включить', 'Enable'),
  userPasswordLink: w('Ссылка для пароля', 'Password link'),
  userYou: w('это вы', 'you'),
  userLinkCreated: w(
    'Ссылка для {email}. Передайте её человеку: она действует 7 дней, работает один раз и больше не покажется.',
    'A link for {email}. Pass it on: it is valid for 7 days, works once and is not shown again.',
  ),
  userSaved: w(
    'Изменения сохранены. Сеансы пользователя завершены.',
    "Saved. The user's sessions have ended.",
  ),
  tokens: w('Токены API', 'API tokens'),
  tokensIntro: w(
    'Для скриптов: токен передаётся в заголовке Authorization: Bearer … и действует с выбранной ролью.',
    'For scripts: send the token as Authorization: Bearer …; it acts with the chosen role.',
  ),
  tokenCreate: w('Создать токен', 'Create a token'),
  tokenName: w('Название', 'Name'),
  tokenCreated: w(
    'Токен создан. Скопируйте его сейчас — больше он не покажется:',
    'Token created. Copy it now — it is not shown again:',
  ),
  tokenCreatedAt: w('Создан', 'Created'),
  tokenCreatedBy: w('Кто создал', 'Created by'),
  tokenLastUsed: w('Использован', 'Last used'),
  tokenNeverUsed: w('не использовался', 'never'),
  tokenRevoke: w('Отозвать', 'Revoke'),
  tokenRevoked: w('Отозван', 'Revoked'),
  tokensEmpty: w('Токенов пока нет.', 'No tokens yet.'),
  audit: w('Журнал', 'Audit log'),
  auditTitle: w('Журнал действий', 'Audit log'),
  auditTime: w('Время', 'Time'),
  auditWho: w('Кто', 'Who'),
  auditAction: w('Действие', 'Action'),
  auditAddress: w('Адрес', 'Address'),
  auditAllActions: w('Все действия', 'All actions'),
  auditOlder: w('Более ранние →', 'Older →'),
  auditEmpty: w('Записей нет.', 'No entries.'),
  'audit.signin': w('Вход', 'Sign-in'),
  'audit.signin.failed': w('Неудачный вход', 'Failed sign-in'),
  'audit.signout': w('Выход', 'Sign-out'),
  'audit.setup': w('Первый администратор', 'First administrator'),
  'audit.user.add': w('Пользователь добавлен', 'User added'),
  'audit.user.role': w('Роль изменена', 'Role changed'),
  'audit.user.disable': w('Пользователь отключён', 'User disabled'),
  'audit.user.enable': w('Пользователь включён', 'User enabled'),
  'audit.user.link': w('Ссылка для пароля', 'Password link'),
  'audit.user.password': w('Пароль изменён', 'Password changed'),
  'audit.token.create': w('Токен создан', 'Token created'),
  'audit.token.revoke': w('Токен отозван', 'Token revoked'),
  'audit.import': w('Импорт', 'Import'),
  'audit.catalog.change': w('Изменение каталога', 'Catalog change'),
  // ── catalog management: «Импорт», product editing, «Индексация» (issue 14) ─────────────────
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
  importCellImages: w(
    ru3(
      '{count} фото вставлено «в ячейку» (функция Excel «Поместить в ячейку») — такие фото не читаются. Вставьте их поверх ячеек и загрузите файл снова.',
      '{count} фото вставлены «в ячейку» (функция Excel «Поместить в ячейку») — такие фото не читаются. Вставьте их поверх ячеек и загрузите файл снова.',
      '{count} фото вставлены «в ячейку» (функция Excel «Поместить в ячейку») — такие фото не читаются. Вставьте их поверх ячеек и загрузите файл снова.',
    ),
    en2(
      '{count} picture is placed inside a cell (Excel’s Place in Cell), which cannot be read: place it over the cells and upload the file again.',
      '{count} pictures are placed inside cells (Excel’s Place in Cell), which cannot be read: place them over the cells and upload the file again.',
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
  mappingInFile: w('Столбцы файла', 'The file’s columns'),
  mappingNone: w('— нет —', '— none —'),
  mappingRequired: w('обязательно', 'required'),
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
  idxAttempts: w('Попыток', 'Attempts'),
  idxMore: w('Следующие', 'Next'),
  idxPrevious: w('Предыдущие', 'Previous'),
  idxNoModels: w('Моделей пока нет: в каталоге нет фото.', 'No models yet: the catalog has no photos.'),
} satisfies Record<string, Entry>;

export type WordKey = keyof typeof WORDS;
