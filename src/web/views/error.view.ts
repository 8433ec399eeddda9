import { html } from '../html.ts';
import { layout, type PageContext } from './layout.view.ts';

export function errorPage(ctx: PageContext, status: number, title: string, message: string): string {
  const home = ctx.lang === 'en' ? '/products?lang=en' : '/products';
  return layout(
    ctx,
    title,
    html`<section
      class="mx-auto mt-16 max-w-lg rounded-2xl border border-slate-200 bg-white p-10 text-center shadow-sm"
    >
      <p class="text-5xl font-bold text-violet-600">${status}</p>
      <h1 class="mt-4 text-xl font-semibold text-slate-900">${title}</h1>
      <p class="mt-2 text-slate-500">${message}</p>
      <a
        href="${home}"
        class="mt-6 inline-flex items-center rounded-lg bg-violet-600 px-4 py-2 text-sm font-medium text-white hover:bg-violet-700"
        >${ctx.t.goHome}</a
      >
    </section>`,
  );
}
