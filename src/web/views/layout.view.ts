import { roleAtLeast } from '../../auth/auth.types.ts';
import type { Lang } from '../../i18n/i18n.lang.ts';
import type { Translate } from '../../i18n/i18n.translate.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { accountMenu, type PageAccount } from './account-menu.view.ts';

export interface PageContext {
  lang: Lang;
  t: Translate;
  /** current path + query, for the language switch */
  url: string;
  /** the signed-in person (the header shows their menu); absent for visitors and API tokens */
  account?: PageAccount | null | undefined;
  /** a sign-in or password form: the header offers no «Войти» */
  signinForm?: boolean;
}

export function withLang(url: string, lang: Lang): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return `${u.pathname}${u.search}`;
}

/** A link inside the app that keeps the page's language (Russian needs no parameter). */
export function localHref(ctx: PageContext, href: string): string {
  if (ctx.lang === 'ru' || /[?&]lang=/.test(href)) return href;
  return `${href}${href.includes('?') ? '&' : '?'}lang=${ctx.lang}`;
}

/** A JSON data island: scripts read their words and settings from it, so no script is inline. */
export function dataIsland(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return html`<script type="application/json" id="${id}">
    ${raw(json)}
  </script>`;
}

export interface LayoutOptions {
  scripts?: string[];
  vendorScripts?: string[];
  styles?: string[];
  /** words for the page's scripts, already in the page's language */
  words?: Record<string, string>;
}

export function layout(
  ctx: PageContext,
  title: string | null,
  body: SafeHtml,
  options: LayoutOptions = {},
): string {
  const { t, lang } = ctx;
  const other: Lang = lang === 'ru' ? 'en' : 'ru';
  const fullTitle = title ? `${title} · ${t('appName')}` : t('appName');
  return `<!doctype html>${html` <html lang="${lang}" class="h-full">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${fullTitle}</title>
      ${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}" />`)}
      <link rel="stylesheet" href="/assets/app.css" />
      <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
    </head>
    <body class="min-h-full overflow-x-hidden bg-slate-50 text-slate-800 antialiased">
      <header class="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div class="mx-auto flex max-w-7xl items-center gap-2 px-3 py-2 sm:gap-4 sm:px-4 sm:py-3">
          <a
            href="${localHref(ctx, '/products')}"
            class="flex min-w-0 items-center gap-2 font-semibold text-slate-900"
          >
            <span
              class="grid h-8 w-8 shrink-0 place-items-center rounded-lg bg-violet-600 text-white shadow-sm"
            >
              <svg
                viewBox="0 0 24 24"
                class="h-5 w-5"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
                aria-hidden="true"
              >
                <path d="M3 7h18l-2 13H5L3 7z" />
                <path d="M8 7a4 4 0 0 1 8 0" />
              </svg>
            </span>
            <span class="text-lg tracking-tight">${t('appName')}</span>
            <span class="hidden text-sm font-normal text-slate-500 md:inline">· ${t('tagline')}</span>
          </a>
          <nav class="ml-auto flex shrink-0 items-center gap-1 text-sm sm:gap-3">
            ${managementLinks(ctx)}
            ${
              ctx.account
                ? html`<a
                    class="rounded-md px-2 py-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
                    href="${localHref(ctx, '/searches')}"
                    ><span class="sm:hidden">${t('navSearchesShort')}</span
                    ><span class="hidden sm:inline">${t('navSearches')}</span></a
                  >`
                : ''
            }
            <a
              class="rounded-md px-2 py-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
              href="${withLang(ctx.url, other)}"
              hreflang="${other}"
              lang="${other}"
              >${t('switchLanguage')}</a
            >
            ${accountMenu(ctx)}
          </nav>
        </div>
      </header>
      <main class="mx-auto max-w-7xl px-3 py-4 sm:px-4 sm:py-6">${body}</main>
      ${options.words ? dataIsland('ui-words', options.words) : ''}
      ${(options.vendorScripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
      ${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
    </body>
  </html>`}`;
}

/** «Импорт» and «Индексация» for editors (on a phone they are in the account menu). */
function managementLinks(ctx: PageContext) {
  if (!canEdit(ctx)) return '';
  const link =
    'hidden whitespace-nowrap rounded-md px-2 py-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900 md:inline';
  return html`<a class="${link}" href="${localHref(ctx, '/imports')}" data-testid="nav-import"
      >${ctx.t('navImport')}</a
    >
    <a class="${link}" href="${localHref(ctx, '/indexing')}" data-testid="nav-indexing"
      >${ctx.t('navIndexing')}</a
    >`;
}

/** The signed-in person may change the catalog (editor or admin). */
export function canEdit(ctx: PageContext): boolean {
  return Boolean(ctx.account && roleAtLeast(ctx.account.role, 'editor'));
}
