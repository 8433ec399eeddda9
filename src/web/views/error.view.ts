import { html } from '../html.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

/** The title people see for an HTTP status; the message under it says what happened and what to do. */
export function errorTitle(ctx: PageContext, status: number): string {
  if (status === 404) return ctx.t('errorNotFound');
  if (status === 401) return ctx.t('errorSignIn');
  if (status === 403) return ctx.t('errorForbidden');
  if (status === 429) return ctx.t('errorTooMany');
  if (status === 503) return ctx.t('errorUnavailable');
  return status >= 500 ? ctx.t('errorServer') : ctx.t('errorRequest');
}

export function errorPage(ctx: PageContext, status: number, code: string, message: string): string {
  const title = errorTitle(ctx, status);
  return layout(
    ctx,
    title,
    html`<section
      class="mx-auto mt-8 max-w-lg rounded-2xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:mt-16 sm:p-10"
      data-testid="error-page"
      data-error-code="${code}"
    >
      <p class="text-5xl font-bold text-violet-600">${status}</p>
      <h1 class="mt-4 text-xl font-semibold text-slate-900">${title}</h1>
      <p class="mt-2 text-slate-600" data-testid="error-message">${message}</p>
      <a
        href="${localHref(ctx, '/products')}"
        class="mt-6 inline-flex items-center rounded-lg bg-violet-600 px-4 py-2.5 text-sm font-medium text-white hover:bg-violet-700"
        >${ctx.t('goHome')}</a
      >
    </section>`,
  );
}
