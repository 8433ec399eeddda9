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
  auth: authRu(),
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
  auth: authEn(),
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

// ── accounts (issue 13); moves into the UI dictionary when it lands ─────────────────────────────
function authRu() {
  return {
    signIn: 'Войти',
    signOut: 'Выйти',
    signInTitle: 'Вход',
    signInIntro: 'Каталог доступен только вашей команде.',
    email: 'Почта',
    password: 'Пароль',
    newPassword: 'Новый пароль',
    confirmPassword: 'Повторите пароль',
    currentPassword: 'Текущий пароль',
    passwordHint: (min: number) => `Не короче ${min} символов; не из списка самых частых паролей.`,
    setupNeededTitle: 'Первый запуск',
    setupNeeded:
      'Администратора ещё нет. Откройте одноразовую ссылку настройки, которую сервер напечатал при запуске (в окне, где запущен npm start).',
    setupNeededCli:
      'Или создайте администратора из командной строки (встроенную базу — при остановленном сервере):',
    setupTitle: 'Первый администратор',
    setupIntro: 'Эта ссылка работает один раз: вы станете администратором и сможете добавить остальных.',
    setupSubmit: 'Создать администратора',
    inviteTitle: 'Добро пожаловать',
    resetTitle: 'Новый пароль',
    linkIntro: (email: string) => `Задайте пароль для ${email}. Ссылка работает один раз.`,
    savePassword: 'Сохранить пароль',
    profile: 'Профиль',
    mySearches: 'Мои поиски по фото',
    profileTitle: 'Мой профиль',
    role: 'Роль',
    roles: { viewer: 'Читатель', editor: 'Редактор', admin: 'Администратор' } as Record<string, string>,
    roleHints: {
      viewer: 'просмотр, поиск по тексту и фото',
      editor: 'ещё импорт, правка каталога, индексация',
      admin: 'ещё пользователи, токены, журнал',
    } as Record<string, string>,
    changePassword: 'Смена пароля',
    changePasswordSubmit: 'Сменить пароль',
    passwordChanged: 'Пароль изменён. Все остальные сеансы завершены.',
    signOutEverywhere: 'Выйти на всех устройствах',
    signOutEverywhereHint: 'Завершит все сеансы этой учётной записи, включая этот.',
    users: 'Пользователи',
    addUser: 'Добавить пользователя',
    add: 'Добавить',
    status: 'Состояние',
    active: 'Активен',
    disabled: 'Отключён',
    invited: 'Ждёт пароля',
    lastSignin: 'Последний вход',
    never: 'не входил',
    save: 'Сохранить',
    disable: 'Отключить',
    enable: 'Включить',
    passwordLink: 'Ссылка для пароля',
    you: 'это вы',
    linkCreated: (email: string) =>
      `Ссылка для ${email}. Передайте её человеку: она действует 7 дней, работает один раз и больше не покажется.`,
    userSaved: 'Изменения сохранены. Сеансы пользователя завершены.',
    tokens: 'Токены API',
    tokensIntro:
      'Для скриптов: токен передаётся в заголовке Authorization: Bearer … и действует с выбранной ролью.',
    createToken: 'Создать токен',
    tokenName: 'Название',
    tokenCreated: 'Токен создан. Скопируйте его сейчас — больше он не покажется:',
    created: 'Создан',
    createdBy: 'Кто создал',
    lastUsed: 'Использован',
    neverUsed: 'не использовался',
    revoke: 'Отозвать',
    revoked: 'Отозван',
    noTokens: 'Токенов пока нет.',
    audit: 'Журнал',
    auditTitle: 'Журнал действий',
    time: 'Время',
    who: 'Кто',
    action: 'Действие',
    subject: 'Объект',
    address: 'Адрес',
    allActions: 'Все действия',
    show: 'Показать',
    older: 'Более ранние →',
    noEntries: 'Записей нет.',
    actions: {
      signin: 'Вход',
      'signin.failed': 'Неудачный вход',
      signout: 'Выход',
      setup: 'Первый администратор',
      'user.add': 'Пользователь добавлен',
      'user.role': 'Роль изменена',
      'user.disable': 'Пользователь отключён',
      'user.enable': 'Пользователь включён',
      'user.link': 'Ссылка для пароля',
      'user.password': 'Пароль изменён',
      'token.create': 'Токен создан',
      'token.revoke': 'Токен отозван',
      import: 'Импорт',
      'catalog.change': 'Изменение каталога',
    } as Record<string, string>,
    titles: { 401: 'Нужно войти', 403: 'Нет доступа', 429: 'Слишком много попыток' } as Record<
      number,
      string
    >,
  };
}

function authEn(): ReturnType<typeof authRu> {
  return {
    signIn: 'Sign in',
    signOut: 'Sign out',
    signInTitle: 'Sign in',
    signInIntro: 'The catalog is open to your team only.',
    email: 'Email',
    password: 'Password',
    newPassword: 'New password',
    confirmPassword: 'Repeat the password',
    currentPassword: 'Current password',
    passwordHint: (min: number) => `At least ${min} characters; not one of the commonest passwords.`,
    setupNeededTitle: 'First start',
    setupNeeded:
      'There is no administrator yet. Open the one-time setup link the server printed when it started (in the window running npm start).',
    setupNeededCli:
      'Or create the administrator from the shell (with the embedded database, while the server is stopped):',
    setupTitle: 'First administrator',
    setupIntro: 'This link works once: you become the administrator and can add everyone else.',
    setupSubmit: 'Create the administrator',
    inviteTitle: 'Welcome',
    resetTitle: 'New password',
    linkIntro: (email: string) => `Set the password for ${email}. The link works once.`,
    savePassword: 'Save the password',
    profile: 'Profile',
    mySearches: 'My photo searches',
    profileTitle: 'My profile',
    role: 'Role',
    roles: { viewer: 'Viewer', editor: 'Editor', admin: 'Administrator' },
    roleHints: {
      viewer: 'browse, search by text and photo',
      editor: 'also imports, catalog changes, indexing',
      admin: 'also users, tokens, the audit log',
    },
    changePassword: 'Change password',
    changePasswordSubmit: 'Change password',
    passwordChanged: 'Password changed. Every other session has ended.',
    signOutEverywhere: 'Sign out everywhere',
    signOutEverywhereHint: 'Ends every session of this account, this one included.',
    users: 'Users',
    addUser: 'Add a user',
    add: 'Add',
    status: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    invited: 'Awaiting password',
    lastSignin: 'Last sign-in',
    never: 'never',
    save: 'Save',
    disable: 'Disable',
    enable: 'Enable',
    passwordLink: 'Password link',
    you: 'you',
    linkCreated: (email: string) =>
      `A link for ${email}. Pass it on: it is valid for 7 days, works once and is not shown again.`,
    userSaved: "Saved. The user's sessions have ended.",
    tokens: 'API tokens',
    tokensIntro: 'For scripts: send the token as Authorization: Bearer …; it acts with the chosen role.',
    createToken: 'Create a token',
    tokenName: 'Name',
    tokenCreated: 'Token created. Copy it now — it is not shown again:',
    created: 'Created',
    createdBy: 'Created by',
    lastUsed: 'Last used',
    neverUsed: 'never',
    revoke: 'Revoke',
    revoked: 'Revoked',
    noTokens: 'No tokens yet.',
    audit: 'Audit log',
    auditTitle: 'Audit log',
    time: 'Time',
    who: 'Who',
    action: 'Action',
    subject: 'Subject',
    address: 'Address',
    allActions: 'All actions',
    show: 'Show',
    older: 'Older →',
    noEntries: 'No entries.',
    actions: {
      signin: 'Sign-in',
      'signin.failed': 'Failed sign-in',
      signout: 'Sign-out',
      setup: 'First administrator',
      'user.add': 'User added',
      'user.role': 'Role changed',
      'user.disable': 'User disabled',
      'user.enable': 'User enabled',
      'user.link': 'Password link',
      'user.password': 'Password changed',
      'token.create': 'Token created',
      'token.revoke': 'Token revoked',
      import: 'Import',
      'catalog.change': 'Catalog change',
    },
    titles: { 401: 'Sign-in needed', 403: 'No access', 429: 'Too many attempts' },
  };
}
