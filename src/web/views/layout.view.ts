import { html, type SafeHtml } from '../html.ts';
import type { Lang, Messages } from '../i18n.ts';
import { accountMenu, type PageAccount } from './account-menu.view.ts';

export interface PageContext {
  lang: Lang;
  t: Messages;
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

export function layout(
  ctx: PageContext,
  title: string,
  body: SafeHtml,
  options: { scripts?: string[]; vendorScripts?: string[]; styles?: string[] } = {},
): string {
  const { t, lang } = ctx;
  const other: Lang = lang === 'ru' ? 'en' : 'ru';
  return `<!doctype html>${html` <html lang="${lang}" class="h-full">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · ${t.appName}</title>
      ${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}" />`)}
      <link rel="stylesheet" href="/assets/app.css" />
      <link
        rel="icon"
        href="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='8' fill='%237c3aed'/><path d='M8 10h16l-2 12H10z' fill='white'/></svg>"
      />
    </head>
    <body class="min-h-full bg-slate-50 text-slate-800 antialiased">
      <header class="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div class="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3">
          <a
            href="/products${lang === 'en' ? '?lang=en' : ''}"
            class="flex items-center gap-2 font-semibold text-slate-900"
          >
            <span class="grid h-8 w-8 place-items-center rounded-lg bg-violet-600 text-white shadow-sm">
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
            <span class="text-lg tracking-tight">${t.appName}</span>
            <span class="hidden text-sm font-normal text-slate-500 md:inline">· ${t.tagline}</span>
          </a>
          <nav class="ml-auto flex items-center gap-3 text-sm">
            ${
              ctx.account
                ? html`<a
                    class="hidden rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 sm:inline"
                    href="/searches${lang === 'en' ? '?lang=en' : ''}"
                    >${lang === 'en' ? 'My photo searches' : 'Мои поиски по фото'}</a
                  >`
                : ''
            }
            <a
              class="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
              href="${withLang(ctx.url, other)}"
              hreflang="${other}"
              >${other === 'en' ? 'English' : 'Русский'}</a
            >
            ${accountMenu(ctx)}
          </nav>
        </div>
      </header>
      <main class="mx-auto max-w-7xl px-4 py-6">${body}</main>
      ${(options.vendorScripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
      ${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
    </body>
  </html>`}`;
}
